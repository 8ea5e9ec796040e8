/**
 * Masking for masked-LM training with the semantics of transformers' `DataCollatorForLanguageModeling`
 * (and `DataCollatorForWholeWordMask` for whole words):
 *   - each maskable token (not special, not padding) is chosen with probability `probability` (0.15);
 *     whole-word: words are chosen in a random order until about round(n · probability) tokens are covered,
 *     skipping a word that would overshoot, as the collator does;
 *   - a chosen token becomes the mask token with probability 0.8, a random token of the vocabulary with 0.1
 *     (half of the remaining 0.2), and stays unchanged otherwise; its label is the original id;
 *   - every other label is -100 (ignored by the loss).
 * Randomness comes from `rng(seed)` (engine/random.ts), not torch's generator, so masks match HF's in law, not
 * bit for bit. The seed of a batch is derived from the run seed, the epoch and the batch index (`maskSeed`):
 * masks are redrawn every epoch (dynamic masking), the same for the same seed, and a resumed run continues the
 * same sequence without replaying the ones before.
 */
import { rng, shuffled } from '../engine/random';
import type { MaskedLmVocab } from '../tokenize/mlm';

export const IGNORE_LABEL = -100;

export interface MaskingOptions {
  /** Share of maskable tokens to predict (mlm_probability). */
  probability: number;
  maskTokenId: number;
  /** Random replacements are drawn from [0, vocabSize), as the collator's torch.randint(len(tokenizer)). */
  vocabSize: number;
  /** Whole-word masking: wordStart[i] is true where token i begins a word (WordPiece: not `##`; BPE/SentencePiece: `Ġ`/`▁`). */
  wordStart?: ArrayLike<boolean>;
}

/** How FeatureBatches masks a batch: the options above plus the ids never chosen and, for whole words, word starts by id. */
export type BatchMasking = MaskingOptions & { specialIds: readonly number[]; wordStartById?: Uint8Array };

/** A run's masking from the tokenizer's vocabulary (sent with the data) and its TrainConfig fields. */
export function batchMasking(vocab: MaskedLmVocab, c: { mlmProbability: number; wholeWordMask: boolean }): BatchMasking {
  return {
    probability: c.mlmProbability,
    maskTokenId: vocab.maskTokenId,
    vocabSize: vocab.tokens.length,
    specialIds: vocab.specialIds,
    ...(c.wholeWordMask ? { wordStartById: vocab.wordStart } : {}),
  };
}

export interface Masked {
  inputIds: Int32Array;
  labels: Int32Array;
}

/** The seed of one batch's masks: distinct per (run seed, epoch, batch), fixed by them. */
export function maskSeed(seed: number, epoch: number, batch: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b) ^ Math.imul(batch + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * One sequence: ids and which positions may be masked (false for specials and padding) → masked inputs and labels.
 * Positions are chosen per token, or per word with `wordStart`.
 */
export function maskSequence(ids: ArrayLike<number>, maskable: ArrayLike<boolean>, opts: MaskingOptions, random: () => number): Masked {
  const n = ids.length;
  const chosen = opts.wordStart ? chooseWholeWords(maskable, opts.wordStart, opts.probability, random) : chooseTokens(maskable, opts.probability, random);
  const inputIds = Int32Array.from(ids);
  const labels = new Int32Array(n).fill(IGNORE_LABEL);
  for (let i = 0; i < n; i++) {
    if (!chosen[i]) continue;
    labels[i] = ids[i];
    const r = random();
    if (r < 0.8) inputIds[i] = opts.maskTokenId;
    else if (r < 0.9) inputIds[i] = Math.floor(random() * opts.vocabSize);
  }
  return { inputIds, labels };
}

function chooseTokens(maskable: ArrayLike<boolean>, p: number, random: () => number): boolean[] {
  return Array.from({ length: maskable.length }, (_, i) => maskable[i] && random() < p);
}

/** DataCollatorForWholeWordMask: words in random order until round(n·p) tokens (at least 1) are covered. */
function chooseWholeWords(maskable: ArrayLike<boolean>, wordStart: ArrayLike<boolean>, p: number, random: () => number): boolean[] {
  const words: number[][] = [];
  for (let i = 0; i < maskable.length; i++) {
    if (!maskable[i]) continue;
    if (wordStart[i] || words.length === 0 || !maskable[i - 1]) words.push([i]);
    else words[words.length - 1].push(i);
  }
  const tokens = words.reduce((n, w) => n + w.length, 0);
  const target = Math.min(tokens, Math.max(1, Math.round(tokens * p)));
  const chosen = new Array<boolean>(maskable.length).fill(false);
  let covered = 0;
  for (const w of shuffled(words, random)) {
    if (covered >= target) break;
    if (covered + w.length > target) continue;
    for (const i of w) chosen[i] = true;
    covered += w.length;
  }
  return chosen;
}

/**
 * A batch [B, T] (row-major) with its attention mask and special-token mask → masked ids and labels, each row
 * from its own stream of `rng(seed)`. Padding (attention 0) and specials are never chosen.
 */
export function maskBatch(
  inputIds: Int32Array,
  attentionMask: Int32Array,
  special: Uint8Array,
  seqLen: number,
  opts: MaskingOptions & { wordStarts?: Uint8Array },
  seed: number,
): Masked {
  const random = rng(seed);
  const rows = inputIds.length / seqLen;
  const outIds = new Int32Array(inputIds.length);
  const outLabels = new Int32Array(inputIds.length);
  for (let r = 0; r < rows; r++) {
    const at = (a: ArrayLike<number>) => Array.from({ length: seqLen }, (_, t) => a[r * seqLen + t]);
    const maskable = at(attentionMask).map((m, t) => m === 1 && special[r * seqLen + t] === 0);
    const rowOpts: MaskingOptions = { ...opts, ...(opts.wordStarts ? { wordStart: at(opts.wordStarts).map((w) => w === 1) } : {}) };
    const m = maskSequence(at(inputIds), maskable, rowOpts, random);
    outIds.set(m.inputIds, r * seqLen);
    outLabels.set(m.labels, r * seqLen);
  }
  return { inputIds: outIds, labels: outLabels };
}

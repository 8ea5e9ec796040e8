/**
 * Masked-LM tokenization on top of mlmBlocks.ts: documents → content ids → blocks as feature rows, and what the
 * train worker (which has no tokenizer) needs to mask and to name predicted tokens (`MaskedLmVocab`).
 */
import type { FeatureRow } from './features.ts';
import { groupBlocks, lineBlocks, type MlmBlock, type MlmSpecials } from './mlmBlocks.ts';
import { encodeSegment } from './segment.ts';
import type { StudioTokenizer } from './types.ts';

/** Masking needs and fill-mask names, built once from the tokenizer and sent with the training data. */
export interface MaskedLmVocab {
  maskTokenId: number;
  /** Never masked (besides padding): [CLS], [SEP], <s>, </s>, … */
  specialIds: number[];
  /** id → token string; random replacements are drawn from [0, tokens.length) (the collator's len(tokenizer)). */
  tokens: string[];
  /** Whole-word masking: 1 where a token id begins a word (WordPiece: no `##`; byte-level BPE: `Ġ`; SentencePiece: `▁`). */
  wordStart: Uint8Array;
}

/** The special tokens one block is wrapped in: the tokenizer's single-text template ([CLS] … [SEP], <s> … </s>). */
export function mlmSpecials(tok: StudioTokenizer): MlmSpecials {
  const parts = tok.layout.single;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (parts.length !== 3 || first.kind !== 'special' || last.kind !== 'special') {
    throw new Error(`${tok.label}: masked-LM blocks need a tokenizer that wraps a text in two special tokens ([CLS] … [SEP] or <s> … </s>)`);
  }
  return { bos: first.id, eos: last.id };
}

/** One document's tokens without specials: what `group_texts` concatenates. */
export function documentIds(tok: StudioTokenizer, text: string): number[] {
  return encodeSegment(tok.pipeline, text).ids;
}

/** Content rows (one per document, ids only) → feature rows of blocks, grouped or line by line. */
export function mlmFeatureRows(tok: StudioTokenizer, docs: readonly FeatureRow[], opts: { maxLength: number; lineByLine?: boolean }): FeatureRow[] {
  const specials = mlmSpecials(tok);
  const ids = docs.map((d) => d.inputIds);
  const blocks = opts.lineByLine ? lineBlocks(ids, opts.maxLength, specials) : groupBlocks(ids, opts.maxLength, specials);
  return blocks.map((b) => blockRow(tok, b));
}

function blockRow(tok: StudioTokenizer, b: MlmBlock): FeatureRow {
  return { inputIds: b.ids, attentionMask: b.ids.map(() => 1), tokenTypeIds: tok.hasTokenTypeIds ? b.ids.map(() => 0) : null };
}

export function maskedLmVocab(tok: StudioTokenizer): MaskedLmVocab {
  const mask = tok.special.mask;
  if (mask === null) throw new Error(`${tok.label}: the tokenizer has no mask token, so it cannot train a masked LM`);
  const size = Math.max(tok.vocabSize, ...[...tok.specialIds].map((id) => id + 1));
  const tokens = Array.from({ length: size }, (_, id) => tok.idToToken(id) ?? '');
  const p = tok.pipeline;
  const marker = p.subwordPrefix ? null : p.byteLevel ? 'Ġ' : p.metaspace;
  const wordStart = Uint8Array.from(tokens, (t, id) => {
    if (tok.specialIds.has(id)) return 1;
    if (p.subwordPrefix) return t.startsWith(p.subwordPrefix) ? 0 : 1;
    return marker ? (t.startsWith(marker) ? 1 : 0) : 1;
  });
  return { maskTokenId: mask, specialIds: [...tok.specialIds].sort((a, b) => a - b), tokens, wordStart };
}

/**
 * Token classification: words → sub-tokens with labels, as run_ner.py's `tokenize_and_align_labels`
 * (`is_split_into_words=True`, truncation to max_length): the word's label goes on its first sub-token,
 * -100 on the others (or, with labelAllSubtokens, the label again with B-X turned into I-X), and -100 on
 * special tokens and padding so the loss ignores them.
 */
import type { NerExample } from '../data/types.ts';
import { padEncoding, segmentOf } from './encode.ts';
import { assemble, numSpecialTokens } from './layout.ts';
import type { NerAlignment, SegmentEncoding, StudioTokenizer, TextEncoding } from './types.ts';

export const IGNORE_LABEL = -100;

export interface NerOptions {
  maxLength: number;
  labelAllSubtokens?: boolean;
  /** Pad to maxLength (default) or leave the row at its own length. */
  padding?: 'max_length' | 'none';
}

/**
 * Sub-tokens of one pre-split word. Every word is tokenized on its own, as HF does with
 * `is_split_into_words`; byte-level BPE models (RoBERTa) then need a space before each word
 * (HF insists on `add_prefix_space=True`), otherwise `Ġword` would become `word`.
 */
export function wordTokens(tok: StudioTokenizer, word: string): number[] {
  return wordSegment(tok, word).ids;
}

function wordSegment(tok: StudioTokenizer, word: string): SegmentEncoding {
  return segmentOf(tok, tok.pipeline.byteLevel && !tok.pipeline.addsPrefixSpace ? ` ${word}` : word);
}

/** For labelAllSubtokens: the id of I-X for each B-X (same id when the label set has no I-X). */
export function beginToInside(labelToId: Map<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [label, id] of labelToId) {
    const inside = label.startsWith('B-') ? labelToId.get(`I-${label.slice(2)}`) : undefined;
    out.set(id, inside ?? id);
  }
  return out;
}

export function alignNerLabels(
  tok: StudioTokenizer,
  ex: NerExample,
  labelToId: Map<string, number>,
  opts: NerOptions,
): NerAlignment {
  if (ex.tokens.length !== ex.tags.length) {
    throw new Error(`NER example has ${ex.tokens.length} tokens but ${ex.tags.length} tags`);
  }
  const budget = opts.maxLength - numSpecialTokens(tok.layout, false);
  if (budget < 0) throw new Error(`max_length ${opts.maxLength} cannot even hold the special tokens`);
  const toInside = opts.labelAllSubtokens ? beginToInside(labelToId) : null;
  const ids: number[] = [];
  const words: number[] = [];
  const labels: number[] = [];
  for (let w = 0; w < ex.tokens.length && ids.length < budget; w++) {
    const label = labelToId.get(ex.tags[w]);
    if (label === undefined) throw new Error(`unknown NER tag "${ex.tags[w]}" (word ${w}: ${JSON.stringify(ex.tokens[w])})`);
    // A word that yields no token (zero-width or control characters only) has no label to carry, as in HF.
    const sub = wordSegment(tok, ex.tokens[w]).ids;
    for (let k = 0; k < sub.length && ids.length < budget; k++) {
      ids.push(sub[k]);
      words.push(w);
      labels.push(k === 0 ? label : toInside ? toInside.get(label)! : IGNORE_LABEL);
    }
  }
  const a = assemble(tok.layout, { ids, offsets: ids.map(() => [0, 0]), wordIds: words }, null, true);
  const wordIds: (number | null)[] = [];
  const alignedLabels: number[] = [];
  let k = 0;
  for (const s of a.sequenceIds) {
    wordIds.push(s === null ? null : words[k]);
    alignedLabels.push(s === null ? IGNORE_LABEL : labels[k]);
    if (s !== null) k++;
  }
  const enc: TextEncoding = {
    inputIds: a.inputIds,
    tokenTypeIds: tok.hasTokenTypeIds ? a.typeIds : null,
    attentionMask: a.inputIds.map(() => 1),
    offsets: a.offsets,
    sequenceIds: a.sequenceIds,
  };
  if ((opts.padding ?? 'max_length') === 'max_length') {
    padEncoding(tok, enc, opts.maxLength);
    while (alignedLabels.length < opts.maxLength) {
      alignedLabels.push(IGNORE_LABEL);
      wordIds.push(null);
    }
  }
  return {
    inputIds: enc.inputIds,
    tokenTypeIds: enc.tokenTypeIds,
    attentionMask: enc.attentionMask,
    labels: alignedLabels,
    wordIds,
  };
}

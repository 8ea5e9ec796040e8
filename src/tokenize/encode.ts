/**
 * Single texts and pairs → ids, token types, mask, offsets. Truncation and padding follow Hugging Face's
 * tokenizers (not transformers.js, which cuts the trailing [SEP] and pads with null when tokenizer_config
 * names no pad token): the special tokens are always kept, `longest_first` removes one token at a time from
 * the longer segment (ties: from the second), `only_second` cuts the second segment only.
 */
import { assemble, numSpecialTokens } from './layout.ts';
import { encodeSegment } from './segment.ts';
import type { EncodeOptions, SegmentEncoding, StudioTokenizer, TextEncoding, Truncation } from './types.ts';

const CACHE_SIZE = 512;

/** Tokens of one text with offsets, cached: QA contexts repeat for every question about them. */
export function segmentOf(tok: StudioTokenizer, text: string): SegmentEncoding {
  const cached = tok.segmentCache.get(text);
  if (cached) return cached;
  const seg = encodeSegment(tok.pipeline, text);
  if (tok.segmentCache.size >= CACHE_SIZE) tok.segmentCache.delete(tok.segmentCache.keys().next().value!);
  tok.segmentCache.set(text, seg);
  return seg;
}

export function sliceSegment(seg: SegmentEncoding, start: number, end: number): SegmentEncoding {
  return { ids: seg.ids.slice(start, end), offsets: seg.offsets.slice(start, end), wordIds: seg.wordIds.slice(start, end) };
}

/**
 * How many tokens of each segment survive truncation to `budget` content tokens (maxLength minus the
 * special tokens). Throws where HF's fast tokenizers throw: a budget the specials alone exceed, or
 * `only_second` when the second segment is too short to absorb the cut. A single text is cut whatever the
 * strategy (a file mixing singles and pairs under `only_second` still gets every row within max_length).
 */
export function truncatedLengths(
  lenA: number,
  lenB: number | null,
  budget: number,
  strategy: Truncation,
): [number, number | null] {
  if (strategy === 'none') return [lenA, lenB];
  if (budget < 0) throw new Error(`max_length is smaller than the ${-budget} special tokens it must hold`);
  if (lenB === null) return [Math.min(lenA, budget), null];
  let a = lenA;
  let b = lenB;
  if (strategy === 'longest_first') {
    const excess = a + b - budget;
    // One token at a time from the longer segment; on a tie from the second (HF slow and fast agree).
    for (let i = 0; i < excess; i++) {
      if (a > b) a--;
      else b--;
    }
    return [a, b];
  }
  const excess = a + b - budget;
  if (excess <= 0) return [a, b];
  if (excess > b) {
    throw new Error(
      `truncation only_second: the first text takes ${a} tokens, so the second (${b}) cannot shrink to fit ${budget}`,
    );
  }
  return [a, b - excess];
}

export function encodeText(
  tok: StudioTokenizer,
  text: string,
  textPair: string | undefined,
  opts: EncodeOptions = {},
): TextEncoding {
  const addSpecialTokens = opts.addSpecialTokens ?? true;
  const truncation = opts.truncation ?? (opts.maxLength !== undefined ? 'longest_first' : 'none');
  const maxLength = opts.maxLength ?? tok.modelMaxLength;
  const a = segmentOf(tok, text);
  const b = textPair === undefined ? null : segmentOf(tok, textPair);
  const specials = addSpecialTokens ? numSpecialTokens(tok.layout, b !== null) : 0;
  const [la, lb] = truncatedLengths(a.ids.length, b ? b.ids.length : null, maxLength - specials, truncation);
  const assembled = assemble(
    tok.layout,
    la === a.ids.length ? a : sliceSegment(a, 0, la),
    b && lb !== null ? (lb === b.ids.length ? b : sliceSegment(b, 0, lb)) : null,
    addSpecialTokens,
  );
  const enc: TextEncoding = {
    inputIds: assembled.inputIds,
    tokenTypeIds: tok.hasTokenTypeIds ? assembled.typeIds : null,
    attentionMask: assembled.inputIds.map(() => 1),
    offsets: assembled.offsets,
    sequenceIds: assembled.sequenceIds,
  };
  if (opts.padding === 'max_length') padEncoding(tok, enc, maxLength);
  return enc;
}

/** Right-padding with the pad id, type 0, mask 0, no offsets (HF's defaults). */
export function padEncoding(tok: StudioTokenizer, enc: TextEncoding, length: number): TextEncoding {
  for (let i = enc.inputIds.length; i < length; i++) {
    enc.inputIds.push(tok.special.pad);
    enc.tokenTypeIds?.push(0);
    enc.attentionMask.push(0);
    enc.offsets.push(null);
    enc.sequenceIds.push(null);
  }
  return enc;
}

export interface TextInput {
  text: string;
  textPair?: string;
}

/** A batch: `padding: 'longest'` pads every row to the longest (after truncation), as HF's `padding=True`. */
export function encodeBatch(tok: StudioTokenizer, inputs: TextInput[], opts: EncodeOptions = {}): TextEncoding[] {
  const rows = inputs.map((x) => encodeText(tok, x.text, x.textPair, opts));
  if (opts.padding === 'longest') {
    const longest = rows.reduce((m, r) => Math.max(m, r.inputIds.length), 0);
    for (const r of rows) padEncoding(tok, r, longest);
  }
  return rows;
}

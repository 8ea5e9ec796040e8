/**
 * Extractive QA features, as Hugging Face's `prepare_train_features` (run_qa.py) builds them with a fast
 * tokenizer: `tokenizer(question, context, truncation="only_second", max_length, stride,
 * return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")`.
 * The context is cut into windows of `budget = maxLength - |question| - specials` tokens that overlap by
 * `stride` tokens; every window repeats the question; offsets are kept for context tokens only.
 */
import type { QaExample } from '../data/types.ts';
import { segmentOf, padEncoding, sliceSegment } from './encode.ts';
import { assemble, numSpecialTokens } from './layout.ts';
import type { QaWindow, Span, StudioTokenizer, TextEncoding } from './types.ts';

export interface QaWindowOptions {
  maxLength: number;
  /** Overlap between consecutive windows in tokens (HF's `doc_stride`). */
  stride: number;
  /** Pad every window to maxLength (default, as run_qa does) or leave it at its own length. */
  padding?: 'max_length' | 'none';
}

/** Why windows of `budget` context tokens cannot overlap by `stride` tokens; null when they can. */
function windowProblem(budget: number, stride: number): string | null {
  if (budget <= 0) return 'no room for context';
  if (stride >= budget) return `the stride (${stride}) must be smaller; lower the stride or raise max_length`;
  return null;
}

/**
 * Token ranges [start, end) of the context windows, as the Rust tokenizer's overflow does it: windows
 * start every `budget - stride` tokens and the last one ends at the context's end.
 */
export function contextWindows(contextLength: number, budget: number, stride: number): [number, number][] {
  const problem = windowProblem(budget, stride);
  if (problem) throw new Error(`${problem} (${budget} context tokens per window)`);
  if (contextLength === 0) return [[0, 0]];
  const out: [number, number][] = [];
  for (let start = 0; ; start += budget - stride) {
    const end = Math.min(start + budget, contextLength);
    out.push([start, end]);
    if (end === contextLength) return out;
  }
}

/** The answer's character range in the context, or null when the example is unanswerable (SQuAD v2). */
export function answerRange(ex: QaExample): [number, number] | null {
  const text = ex.answers.text[0];
  const start = ex.answers.answerStart[0];
  if (text === undefined || text.length === 0 || start === undefined || start < 0) return null;
  return [start, start + text.length];
}

export function encodeQaWindows(tok: StudioTokenizer, ex: QaExample, opts: QaWindowOptions): QaWindow[] {
  // run_qa.py strips the question's left whitespace: some SQuAD questions start with many spaces.
  const question = segmentOf(tok, ex.question.trimStart());
  const context = segmentOf(tok, ex.context);
  const budget = opts.maxLength - question.ids.length - numSpecialTokens(tok.layout, true);
  const problem = windowProblem(budget, opts.stride);
  if (problem) {
    throw new Error(
      `question ${ex.id} takes ${question.ids.length} tokens, leaving ${Math.max(0, budget)} context tokens per window ` +
        `within max_length ${opts.maxLength}: ${problem}`,
    );
  }
  const answer = answerRange(ex);
  return contextWindows(context.ids.length, budget, opts.stride).map(([s, e]) => {
    const a = assemble(tok.layout, question, sliceSegment(context, s, e), true);
    const offsets = a.offsets.map((o, i) => (a.sequenceIds[i] === 1 ? o : null));
    const clsIndex = Math.max(0, tok.special.cls === null ? 0 : a.inputIds.indexOf(tok.special.cls));
    const [startPosition, endPosition] = (answer && answerTokens(offsets, a.sequenceIds, answer)) ?? [clsIndex, clsIndex];
    const enc: TextEncoding = {
      inputIds: a.inputIds,
      tokenTypeIds: tok.hasTokenTypeIds ? a.typeIds : null,
      attentionMask: a.inputIds.map(() => 1),
      offsets,
      sequenceIds: a.sequenceIds,
    };
    if ((opts.padding ?? 'max_length') === 'max_length') padEncoding(tok, enc, opts.maxLength);
    return {
      exampleId: ex.id,
      inputIds: enc.inputIds,
      tokenTypeIds: enc.tokenTypeIds,
      attentionMask: enc.attentionMask,
      offsets: enc.offsets,
      startPosition,
      endPosition,
      contextStart: s,
      contextEnd: e,
    };
  });
}

/**
 * The answer is in the window when, as in run_qa.py, the first context token starts at or before it and the
 * last ends at or after it. Start/end are then the first and last context token overlapping the answer.
 * For ordinary text that is exactly run_qa's "last token starting at or before the answer / first token
 * ending at or after it"; it differs, for the better, where several tokens share one character's span
 * (bert-base-uncased spells a Hangul syllable as 3 jamo tokens, byte-level BPE splits a character's bytes):
 * run_qa would start on the syllable's last jamo and end on the last syllable's first one. It also never
 * runs past the context (run_qa's scan walks into [SEP]'s (0, 0) offsets when the answer starts in the
 * window's last token).
 */
export function answerTokens(
  offsets: (Span | null)[],
  sequenceIds: (0 | 1 | null)[],
  [startChar, endChar]: [number, number],
): [number, number] | null {
  const first = sequenceIds.indexOf(1);
  const last = sequenceIds.lastIndexOf(1);
  if (first < 0) return null;
  if (!(offsets[first]![0] <= startChar && offsets[last]![1] >= endChar)) return null;
  let start = -1;
  let end = -1;
  for (let i = first; i <= last; i++) {
    const [s, e] = offsets[i]!;
    if (s < endChar && e > startChar) {
      if (start < 0) start = i;
      end = i;
    }
  }
  return start < 0 ? null : [start, end];
}

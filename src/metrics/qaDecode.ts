/**
 * Turns start/end logits of the windows of one QA example into an answer span of the original context,
 * the way Hugging Face's `postprocess_qa_predictions` does for SQuAD v1: per window, pair the `nBest`
 * highest start logits with the `nBest` highest end logits, keep pairs that lie inside the context, are
 * ordered and not too long, and return the best `start_logit + end_logit` over all windows.
 */

export interface QaWindow {
  /** one logit per token of the window */
  start_logits: readonly number[];
  end_logits: readonly number[];
  /** character span [start, end) of each token in the context; null for question, special and padding tokens */
  offsets: readonly (readonly [number, number] | null)[];
}

export interface QaDecodeOptions {
  /** the original context string the offsets point into */
  context: string;
  /** how many top start and top end positions to pair per window (default 20) */
  nBest?: number;
  /** longest answer in tokens, end - start + 1 (default 30) */
  maxAnswerLen?: number;
}

export interface QaAnswer {
  text: string;
  /** character offset of the answer in the context */
  start: number;
  /** character offset one past the answer's end */
  end: number;
  /** start_logit + end_logit; -Infinity when no valid span exists (text is then '') */
  score: number;
}

/** Indices of the `k` largest values, largest first; equal values keep index order. */
export function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((_, i) => i)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k);
}

export function decodeQaAnswer(windows: readonly QaWindow[], options: QaDecodeOptions): QaAnswer {
  const { context, nBest = 20, maxAnswerLen = 30 } = options;
  let best: QaAnswer = { text: '', start: 0, end: 0, score: -Infinity };
  for (const w of windows) {
    if (w.start_logits.length !== w.offsets.length || w.end_logits.length !== w.offsets.length) {
      throw new Error('decodeQaAnswer: start_logits, end_logits and offsets must have one entry per token');
    }
    for (const s of topIndices(w.start_logits, nBest)) {
      const startSpan = w.offsets[s];
      if (!startSpan) continue;
      for (const e of topIndices(w.end_logits, nBest)) {
        const endSpan = w.offsets[e];
        if (!endSpan || e < s || e - s + 1 > maxAnswerLen) continue;
        const score = w.start_logits[s] + w.end_logits[e];
        if (score > best.score) {
          best = { text: context.slice(startSpan[0], endSpan[1]), start: startSpan[0], end: endSpan[1], score };
        }
      }
    }
  }
  return best;
}

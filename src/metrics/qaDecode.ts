/**
 * Turns start/end logits of the windows of one QA example into an answer span of the original context,
 * the way Hugging Face's `postprocess_qa_predictions` (examples/pytorch/question-answering/utils_qa.py) does
 * for SQuAD v1: per window, pair the `nBest` highest start logits with the `nBest` highest end logits, keep
 * pairs that lie inside the context, are ordered and not too long; over all windows keep the `nBest` best
 * `start_logit + end_logit`, give each the softmax of those scores as its probability, and answer the first.
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
  /** softmax of `score` over the n-best list (utils_qa's "probability"); 0 when no valid span exists */
  probability: number;
}

export interface QaCandidate extends QaAnswer {
  startLogit: number;
  endLogit: number;
}

/** Indices of the `k` largest values, largest first; equal values keep index order. */
export function topIndices(values: readonly number[], k: number): number[] {
  return values
    .map((_, i) => i)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k);
}

/**
 * The n-best list: valid spans of all windows, best score first (ties keep window, start-rank, end-rank order,
 * as Python's stable sort does), at most `nBest`, with their softmax probabilities (float64, max-subtracted).
 */
export function qaNBest(windows: readonly QaWindow[], options: QaDecodeOptions): QaCandidate[] {
  const { context, nBest = 20, maxAnswerLen = 30 } = options;
  const all: Omit<QaCandidate, 'probability'>[] = [];
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
        const [startLogit, endLogit] = [w.start_logits[s], w.end_logits[e]];
        if (Number.isNaN(startLogit + endLogit)) continue;
        all.push({ text: context.slice(startSpan[0], endSpan[1]), start: startSpan[0], end: endSpan[1], score: startLogit + endLogit, startLogit, endLogit });
      }
    }
  }
  const kept = all.sort((a, b) => b.score - a.score).slice(0, nBest);
  const max = kept[0]?.score ?? 0;
  const exps = kept.map((c) => Math.exp(c.score - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return kept.map((c, i) => ({ ...c, probability: exps[i] / total }));
}

/** The best span of the n-best list, with its score and probability; an empty answer when there is none. */
export function decodeQaAnswer(windows: readonly QaWindow[], options: QaDecodeOptions): QaAnswer {
  const best = qaNBest(windows, options)[0];
  if (!best) return { text: '', start: 0, end: 0, score: -Infinity, probability: 0 };
  const { text, start, end, score, probability } = best;
  return { text, start, end, score, probability };
}

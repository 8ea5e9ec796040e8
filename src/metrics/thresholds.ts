/**
 * Per-class decision thresholds for multi-label models, tuned for F1 on a validation set.
 *
 * Candidates are the class's distinct scores plus 0.5; a row is positive when `score >= t`. The best F1
 * wins; ties go to the threshold closest to 0.5 (then the smaller), so a flat F1 plateau does not drift
 * the threshold away from the untuned default; a class that never reaches F1 > 0 keeps 0.5.
 * Ties are decided on the exact fraction 2tp/(2tp+fp+fn) (integer cross-multiplication), not on floats.
 */
import { f1FromPrecisionRecall, safeDivide } from './prf.ts';

export const DEFAULT_THRESHOLD = 0.5;

export interface ThresholdSearch {
  threshold: number;
  /** sklearn's binary F1 at `threshold` (computed from rounded P and R, like sklearn) */
  f1: number;
  /** distinct scores ∪ {0.5} */
  nCandidates: number;
  /** how many candidates reach the best F1 */
  nAtBest: number;
}

/** sklearn's `f1_score(y, scores >= t, zero_division=0)` from counts. */
export function binaryF1(tp: number, predicted: number, support: number): number {
  return f1FromPrecisionRecall(safeDivide(tp, predicted), safeDivide(tp, support));
}

export function searchThreshold(positive: readonly boolean[], scores: readonly number[]): ThresholdSearch {
  if (positive.length !== scores.length) {
    throw new Error(`searchThreshold: ${positive.length} gold values but ${scores.length} scores`);
  }
  const support = positive.filter(Boolean).length;
  const candidates = [...new Set([...scores, DEFAULT_THRESHOLD])].sort((a, b) => b - a);
  const rows = scores.map((s, i) => ({ s, pos: positive[i] })).sort((a, b) => b.s - a.s);

  // Walk thresholds from high to low; `next` is the first row not yet predicted positive.
  let next = 0;
  let tp = 0;
  let predicted = 0;
  let best = { threshold: DEFAULT_THRESHOLD, num: 0, den: 1, tp: 0, predicted: 0 };
  let nAtBest = 0;
  for (const t of candidates) {
    while (next < rows.length && rows[next].s >= t) {
      predicted += 1;
      if (rows[next].pos) tp += 1;
      next += 1;
    }
    // F1 = 2tp / (predicted + support); both sides are small integers, so cross-multiplying is exact.
    const num = 2 * tp;
    const den = predicted + support;
    const cmp = den === 0 ? -best.num : num * best.den - best.num * den;
    if (cmp > 0 || nAtBest === 0) {
      best = { threshold: t, num: den === 0 ? 0 : num, den: den === 0 ? 1 : den, tp, predicted };
      nAtBest = 1;
    } else if (cmp === 0) {
      nAtBest += 1;
      if (closerToDefault(t, best.threshold)) best = { ...best, threshold: t, tp, predicted };
    }
  }
  if (best.num === 0) {
    return { threshold: DEFAULT_THRESHOLD, f1: 0, nCandidates: candidates.length, nAtBest };
  }
  return {
    threshold: best.threshold,
    f1: binaryF1(best.tp, best.predicted, support),
    nCandidates: candidates.length,
    nAtBest,
  };
}

/**
 * `abs(t - 0.5)` in float64, as Python computes it; for t in [0.25, 1] the subtraction is exact, so e.g.
 * 0.25 and 0.75 tie (the smaller wins) while the doubles nearest 0.3 and 0.7 do not (0.7 is closer).
 */
function closerToDefault(a: number, b: number): boolean {
  const da = Math.abs(a - DEFAULT_THRESHOLD);
  const db = Math.abs(b - DEFAULT_THRESHOLD);
  return da < db || (da === db && a < b);
}

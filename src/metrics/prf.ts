/**
 * Precision / recall / F1 from per-class counts, with scikit-learn 1.2.1's arithmetic and `zero_division=0`
 * (seqeval 1.2.2 copies the same code, so NER uses it too). Keeping the exact float expressions of the
 * reference (`2*p*r/(p+r)` from the rounded p and r, not `2tp/(2tp+fp+fn)`) is what makes results match
 * to the last bit rather than to 1e-15.
 */

export interface ClassCounts {
  /** true positives */
  tp: number;
  /** how many times the class was predicted (tp + fp) */
  predicted: number;
  /** how many gold occurrences (tp + fn), sklearn's `support` */
  support: number;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export interface PrfAverages {
  micro: Prf;
  macro: Prf;
  weighted: Prf;
}

/** `_prf_divide` with zero_division=0. */
export function safeDivide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** sklearn's F-beta for beta = 1: the denominator 0 case is replaced by 1, so F = 0. */
export function f1FromPrecisionRecall(precision: number, recall: number): number {
  const denom = precision + recall;
  return denom === 0 ? 0 : (2 * precision * recall) / denom;
}

export function prfFromCounts(c: ClassCounts): Prf {
  const precision = safeDivide(c.tp, c.predicted);
  const recall = safeDivide(c.tp, c.support);
  return { precision, recall, f1: f1FromPrecisionRecall(precision, recall) };
}

/** `np.average(values)`; an empty list gives 0 instead of NaN so the result stays valid JSON. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** `np.average(values, weights=weights)` = sum(v*w) / sum(w). */
export function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < values.length; i++) {
    num += values[i] * weights[i];
    den += weights[i];
  }
  return num / den;
}

/**
 * Micro, macro and weighted averages over classes, as `precision_recall_fscore_support(average=...)`.
 * Macro counts every class given, including ones never predicted or never gold (they score 0).
 */
export function averagePrf(perClass: readonly Prf[], counts: readonly ClassCounts[]): PrfAverages {
  const total = counts.reduce(
    (acc, c) => ({ tp: acc.tp + c.tp, predicted: acc.predicted + c.predicted, support: acc.support + c.support }),
    { tp: 0, predicted: 0, support: 0 },
  );
  const pick = (key: keyof Prf) => perClass.map((p) => p[key]);
  const macro = { precision: mean(pick('precision')), recall: mean(pick('recall')), f1: mean(pick('f1')) };
  const supports = counts.map((c) => c.support);
  // With no gold positive at all sklearn returns zero_division (0) for all three instead of 0/0.
  const weighted =
    total.support === 0
      ? { precision: 0, recall: 0, f1: 0 }
      : {
          precision: weightedMean(pick('precision'), supports),
          recall: weightedMean(pick('recall'), supports),
          f1: weightedMean(pick('f1'), supports),
        };
  return { micro: prfFromCounts(total), macro, weighted };
}

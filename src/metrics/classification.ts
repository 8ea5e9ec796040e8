/**
 * Single-label (and sentence-pair) classification metrics, as scikit-learn 1.2.1 computes them with
 * `zero_division=0`. The label list is sklearn's `unique_labels(y_true, y_pred)`: the sorted union of gold
 * and predicted labels, so a class the model knows but that never occurs is left out, while a gold class
 * that is never predicted is kept and drags the macro averages down.
 */
import { averagePrf, prfFromCounts, type ClassCounts } from './prf.ts';
import { sortedUnique, type Label } from './python.ts';

export interface PerClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  n: number;
  labels: Label[];
  accuracy: number;
  f1_macro: number;
  f1_micro: number;
  f1_weighted: number;
  precision_macro: number;
  precision_micro: number;
  precision_weighted: number;
  recall_macro: number;
  recall_micro: number;
  recall_weighted: number;
  per_class: Record<string, PerClassMetrics>;
  /** row = gold label, column = predicted label, both in `labels` order */
  confusion_matrix: number[][];
  predicted_counts: Record<string, number>;
}

export function classificationMetrics(gold: readonly Label[], pred: readonly Label[]): ClassificationMetrics {
  if (gold.length !== pred.length) {
    throw new Error(`classificationMetrics: ${gold.length} gold labels but ${pred.length} predictions`);
  }
  if (gold.length === 0) throw new Error('classificationMetrics: no examples');
  const labels = sortedUnique([...gold, ...pred]);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    matrix[index.get(gold[i])!][index.get(pred[i])!] += 1;
    if (gold[i] === pred[i]) correct += 1;
  }
  const counts: ClassCounts[] = labels.map((_, k) => ({
    tp: matrix[k][k],
    predicted: matrix.reduce((sum, row) => sum + row[k], 0),
    support: matrix[k].reduce((sum, v) => sum + v, 0),
  }));
  const perClassPrf = counts.map(prfFromCounts);
  const avg = averagePrf(perClassPrf, counts);

  const per_class: Record<string, PerClassMetrics> = {};
  const predicted_counts: Record<string, number> = {};
  labels.forEach((label, k) => {
    per_class[String(label)] = { ...perClassPrf[k], support: counts[k].support };
    predicted_counts[String(label)] = counts[k].predicted;
  });

  return {
    task: 'classification',
    n: gold.length,
    labels,
    accuracy: correct / gold.length,
    f1_macro: avg.macro.f1,
    f1_micro: avg.micro.f1,
    f1_weighted: avg.weighted.f1,
    precision_macro: avg.macro.precision,
    precision_micro: avg.micro.precision,
    precision_weighted: avg.weighted.precision,
    recall_macro: avg.macro.recall,
    recall_micro: avg.micro.recall,
    recall_weighted: avg.weighted.recall,
    per_class,
    confusion_matrix: matrix,
    predicted_counts,
  };
}

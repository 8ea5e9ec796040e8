/**
 * Multi-label metrics as scikit-learn 1.2.1 computes them on binarized indicator matrices
 * (`MultiLabelBinarizer(classes=labels)`), `zero_division=0`, plus per-class ROC-AUC and tuned thresholds.
 */
import { averagePrf, f1FromPrecisionRecall, mean, prfFromCounts, safeDivide, type ClassCounts } from './prf.ts';
import { rocAuc } from './rocAuc.ts';
import { searchThreshold } from './thresholds.ts';

export interface MultilabelInput {
  /** the model's label set, in the order of the score columns (sorted, as the fixtures' `scores` keys) */
  labels: readonly string[];
  /** gold label names per row; names outside `labels` are ignored, as MultiLabelBinarizer does */
  gold: readonly (readonly string[])[];
  /** predicted label names per row (normally those whose score is >= 0.5) */
  pred: readonly (readonly string[])[];
  /** scores[row][k] for labels[k], used by ROC-AUC and the threshold search */
  scores: readonly (readonly number[])[];
}

export interface MultilabelClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
  roc_auc: number | null;
  best_threshold: number;
  best_f1: number;
  n_threshold_candidates: number;
  n_thresholds_at_best_f1: number;
}

export interface MultilabelMetrics {
  task: 'multilabel';
  n: number;
  labels: string[];
  f1_micro: number;
  f1_macro: number;
  f1_weighted: number;
  f1_samples: number;
  precision_micro: number;
  precision_macro: number;
  precision_weighted: number;
  precision_samples: number;
  recall_micro: number;
  recall_macro: number;
  recall_weighted: number;
  recall_samples: number;
  subset_accuracy: number;
  hamming_loss: number;
  per_class: Record<string, MultilabelClassMetrics>;
  /** mean of the non-null per-class AUCs (null when none is defined) */
  roc_auc_macro_defined: number | null;
  roc_auc_n_defined: number;
  /** AUC over all (row, class) cells pooled: sklearn's average='micro' */
  roc_auc_micro: number | null;
  tuned: {
    thresholds: Record<string, number>;
    f1_macro: number;
    f1_micro: number;
    per_class_f1: Record<string, number>;
  };
}

/** Rows × classes indicator matrix; unknown names are dropped. */
export function binarize(rows: readonly (readonly string[])[], labels: readonly string[]): boolean[][] {
  const index = new Map(labels.map((l, k) => [l, k]));
  return rows.map((names) => {
    const row = labels.map(() => false);
    for (const name of names) {
      const k = index.get(name);
      if (k !== undefined) row[k] = true;
    }
    return row;
  });
}

/** Per-class counts of an indicator matrix against the gold one. */
function columnCounts(gold: boolean[][], pred: boolean[][], nLabels: number): ClassCounts[] {
  const counts = Array.from({ length: nLabels }, () => ({ tp: 0, predicted: 0, support: 0 }));
  for (let i = 0; i < gold.length; i++) {
    for (let k = 0; k < nLabels; k++) {
      if (gold[i][k]) counts[k].support += 1;
      if (pred[i][k]) counts[k].predicted += 1;
      if (gold[i][k] && pred[i][k]) counts[k].tp += 1;
    }
  }
  return counts;
}

/** average='samples': P, R, F per row, then the plain mean; a row with empty gold and prediction scores 0. */
function samplesAverage(gold: boolean[][], pred: boolean[][]) {
  const p: number[] = [];
  const r: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < gold.length; i++) {
    let tp = 0;
    let nPred = 0;
    let nGold = 0;
    gold[i].forEach((g, k) => {
      if (g) nGold += 1;
      if (pred[i][k]) nPred += 1;
      if (g && pred[i][k]) tp += 1;
    });
    const precision = safeDivide(tp, nPred);
    const recall = safeDivide(tp, nGold);
    p.push(precision);
    r.push(recall);
    f.push(f1FromPrecisionRecall(precision, recall));
  }
  return { precision: mean(p), recall: mean(r), f1: mean(f) };
}

export function multilabelMetrics(input: MultilabelInput): MultilabelMetrics {
  const { labels } = input;
  const n = input.gold.length;
  if (input.pred.length !== n || input.scores.length !== n) {
    throw new Error(`multilabelMetrics: ${n} gold rows, ${input.pred.length} predictions, ${input.scores.length} score rows`);
  }
  if (n === 0) throw new Error('multilabelMetrics: no examples');
  if (labels.length === 0) throw new Error('multilabelMetrics: empty label set');
  input.scores.forEach((row, i) => {
    if (row.length !== labels.length) throw new Error(`multilabelMetrics: score row ${i} has ${row.length} values, expected ${labels.length}`);
  });
  const K = labels.length;
  const gold = binarize(input.gold, labels);
  const pred = binarize(input.pred, labels);

  const counts = columnCounts(gold, pred, K);
  const perClassPrf = counts.map(prfFromCounts);
  const avg = averagePrf(perClassPrf, counts);
  const samples = samplesAverage(gold, pred);

  let exactRows = 0;
  let differingCells = 0;
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let k = 0; k < K; k++) {
      if (gold[i][k] !== pred[i][k]) {
        same = false;
        differingCells += 1;
      }
    }
    if (same) exactRows += 1;
  }

  const column = <T>(m: readonly (readonly T[])[], k: number) => m.map((row) => row[k]);
  const per_class: Record<string, MultilabelClassMetrics> = {};
  const thresholds: Record<string, number> = {};
  const aucs: number[] = [];
  const tuned: boolean[][] = gold.map(() => new Array<boolean>(K).fill(false));
  labels.forEach((label, k) => {
    const goldColumn = column(gold, k);
    const scoreColumn = column(input.scores, k);
    const auc = rocAuc(goldColumn, scoreColumn);
    if (auc !== null) aucs.push(auc);
    const search = searchThreshold(goldColumn, scoreColumn);
    thresholds[label] = search.threshold;
    for (let i = 0; i < n; i++) tuned[i][k] = scoreColumn[i] >= search.threshold;
    per_class[label] = {
      ...perClassPrf[k],
      support: counts[k].support,
      predicted: counts[k].predicted,
      roc_auc: auc,
      best_threshold: search.threshold,
      best_f1: search.f1,
      n_threshold_candidates: search.nCandidates,
      n_thresholds_at_best_f1: search.nAtBest,
    };
  });

  const tunedCounts = columnCounts(gold, tuned, K);
  const tunedPrf = tunedCounts.map(prfFromCounts);
  const tunedAvg = averagePrf(tunedPrf, tunedCounts);
  const per_class_f1: Record<string, number> = {};
  labels.forEach((label, k) => (per_class_f1[label] = tunedPrf[k].f1));

  return {
    task: 'multilabel',
    n,
    labels: [...labels],
    f1_micro: avg.micro.f1,
    f1_macro: avg.macro.f1,
    f1_weighted: avg.weighted.f1,
    f1_samples: samples.f1,
    precision_micro: avg.micro.precision,
    precision_macro: avg.macro.precision,
    precision_weighted: avg.weighted.precision,
    precision_samples: samples.precision,
    recall_micro: avg.micro.recall,
    recall_macro: avg.macro.recall,
    recall_weighted: avg.weighted.recall,
    recall_samples: samples.recall,
    subset_accuracy: exactRows / n,
    hamming_loss: differingCells / (n * K),
    per_class,
    roc_auc_macro_defined: aucs.length === 0 ? null : mean(aucs),
    roc_auc_n_defined: aucs.length,
    roc_auc_micro: rocAuc(gold.flat(), input.scores.flat()),
    tuned: { thresholds, f1_macro: tunedAvg.macro.f1, f1_micro: tunedAvg.micro.f1, per_class_f1 },
  };
}

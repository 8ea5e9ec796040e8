/**
 * One evaluation pass: batched forward in inference mode → per-example predictions → the metrics of
 * src/metrics, flattened to the numbers charts and early stopping use. Logits are read asynchronously once
 * per batch; every tensor of a batch is freed before the next.
 */
import * as tf from '@tensorflow/tfjs';
import type { NerExample, QaExample, Task } from '../data/types';
import type { BertFamilyModel, LossOptions } from '../engine/model';
import { classificationMetrics, decodeQaAnswer, multilabelMetrics, nerMetrics, qaMetrics, type QaWindow } from '../metrics';
import type { EvalSplitData, Prediction, SplitResult } from '../protocol/train';
import { disposeBatch, FeatureBatches, labelKindOf, toTensors } from './batches';

export interface EvalOutput {
  result: SplitResult | null;
  predictions: Prediction[];
}

/** Per-row raw outputs, filled batch by batch. */
interface RawOutputs {
  logits: Float32Array[]; // per row: [C] or [T*C]
  start: Float32Array[];
  end: Float32Array[];
  T: number[];
  lossSum: number;
  lossRows: number;
}

async function forwardAll(model: BertFamilyModel, task: Task, split: EvalSplitData, batchSize: number, loss: LossOptions): Promise<RawOutputs> {
  const f = split.features;
  const source = new FeatureBatches(f, { batchSize, shuffle: false, seed: 0, labelKind: labelKindOf(task) });
  const out: RawOutputs = { logits: [], start: [], end: [], T: [], lossSum: 0, lossRows: 0 };
  const hasLabels = task === 'qa' ? !!f.startPositions : !!f.labels;
  for (let i = 0; i < source.batchesPerEpoch; i++) {
    const host = source.batch(0, i);
    const batch = toTensors(host);
    const [a, b, l] = tf.tidy(() => {
      const o = model.forward(batch.inputs, { training: false });
      const lossT = hasLabels ? model.loss(o, batch.labels, loss) : tf.scalar(0);
      return task === 'qa' ? [o.startLogits!, o.endLogits!, lossT] : [o.logits!, tf.scalar(0), lossT];
    });
    disposeBatch(batch);
    const [da, db, dl] = await Promise.all([a.data() as Promise<Float32Array>, b.data() as Promise<Float32Array>, l.data()]);
    tf.dispose([a, b, l]);
    // HF averages batch losses weighted by batch size.
    out.lossSum += dl[0] * host.B;
    out.lossRows += host.B;
    const width = da.length / host.B;
    for (let r = 0; r < host.B; r++) {
      out.T.push(host.T);
      if (task === 'qa') {
        out.start.push(da.slice(r * width, (r + 1) * width));
        out.end.push(db.slice(r * width, (r + 1) * width));
      } else out.logits.push(da.slice(r * width, (r + 1) * width));
    }
  }
  return out;
}

function softmax(x: Float32Array): number[] {
  const m = Math.max(...x);
  const e = Array.from(x, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const argmax = (xs: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
};

export async function evaluateSplit(
  model: BertFamilyModel,
  task: Task,
  labels: readonly string[],
  split: EvalSplitData,
  opts: { batchSize: number; loss?: LossOptions },
): Promise<EvalOutput> {
  const f = split.features;
  if (f.count === 0) return { result: null, predictions: [] };
  const raw = await forwardAll(model, task, split, opts.batchSize, opts.loss ?? {});
  const lossMetric: Record<string, number> = raw.lossRows ? { loss: raw.lossSum / raw.lossRows } : {};
  switch (task) {
    case 'classification':
    case 'pair': {
      const scores = raw.logits.map(softmax);
      const pred = scores.map((s) => labels[argmax(s)]);
      const predictions: Prediction[] = scores.map((s, i) => ({ label: pred[i], scores: Object.fromEntries(labels.map((l, k) => [l, s[k]])) }));
      if (!f.labels) return { result: null, predictions };
      const gold = Array.from(f.labels, (id) => labels[id]);
      const m = classificationMetrics(gold, pred);
      const metrics = { ...lossMetric, accuracy: m.accuracy, f1_macro: m.f1_macro, f1_micro: m.f1_micro, f1_weighted: m.f1_weighted, precision_macro: m.precision_macro, recall_macro: m.recall_macro };
      return { result: { metrics, report: m }, predictions };
    }
    case 'multilabel': {
      const scores = raw.logits.map((row) => Array.from(row, (x) => 1 / (1 + Math.exp(-x))));
      const pred = scores.map((s) => labels.filter((_, k) => s[k] >= 0.5));
      const predictions: Prediction[] = scores.map((s, i) => ({ labels: pred[i], scores: Object.fromEntries(labels.map((l, k) => [l, s[k]])) }));
      if (!f.labels) return { result: null, predictions };
      const C = labels.length;
      const gold = scores.map((_, r) => labels.filter((_, k) => f.labels![r * C + k] === 1));
      const m = multilabelMetrics({ labels, gold, pred, scores });
      const metrics: Record<string, number> = { ...lossMetric, f1_micro: m.f1_micro, f1_macro: m.f1_macro, f1_weighted: m.f1_weighted, f1_samples: m.f1_samples, subset_accuracy: m.subset_accuracy, hamming_loss: m.hamming_loss };
      if (m.roc_auc_macro_defined !== null) metrics.roc_auc_macro = m.roc_auc_macro_defined;
      return { result: { metrics, report: m }, predictions };
    }
    case 'qa':
      return qaOutputs(split, raw, lossMetric);
    case 'ner':
      return nerOutputs(split, raw, labels, lossMetric);
  }
}

function qaOutputs(split: EvalSplitData, raw: RawOutputs, lossMetric: Record<string, number>): EvalOutput {
  const f = split.features;
  const examples = split.examples as QaExample[] | undefined;
  if (!examples || !f.exampleIndex || !f.offsets) throw new Error('QA evaluation needs the examples and the windows\' offsets');
  const windows = new Map<number, QaWindow[]>();
  for (let r = 0; r < f.count; r++) {
    const T = raw.T[r];
    const offsets: ([number, number] | null)[] = [];
    for (let t = 0; t < T; t++) {
      const s = f.offsets[(r * f.seqLen + t) * 2];
      offsets.push(s < 0 ? null : [s, f.offsets[(r * f.seqLen + t) * 2 + 1]]);
    }
    const ex = f.exampleIndex[r];
    if (!windows.has(ex)) windows.set(ex, []);
    windows.get(ex)!.push({ start_logits: Array.from(raw.start[r]), end_logits: Array.from(raw.end[r]), offsets });
  }
  const answers = new Map<string, string>();
  const predictions: Prediction[] = examples.map((e, i) => {
    const answer = windows.has(i) ? decodeQaAnswer(windows.get(i)!, { context: e.context }) : null;
    const text = answer?.text ?? '';
    answers.set(e.id, text);
    const found = answer && Number.isFinite(answer.score);
    return { id: e.id, prediction_text: text, ...(found ? { answer_start: answer.start, score: answer.score, probability: answer.probability } : {}) };
  });
  const m = qaMetrics(examples.map((e) => ({ id: e.id, answers: e.answers.text })), answers);
  const squad = m['squad_v1.1']!;
  const korquad = m['korquad_v1.0']!;
  const metrics = { ...lossMetric, exact_match: squad.exact_match, f1: squad.f1, korquad_exact_match: korquad.exact_match, korquad_f1: korquad.f1 };
  return { result: { metrics, report: { ...m, per_example: undefined } }, predictions };
}

/** Word tags from the first sub-token of each word: the positions whose label is not -100. */
function nerOutputs(split: EvalSplitData, raw: RawOutputs, labels: readonly string[], lossMetric: Record<string, number>): EvalOutput {
  const f = split.features;
  const examples = split.examples as NerExample[] | undefined;
  const C = labels.length;
  const gold: string[][] = [];
  const pred: string[][] = [];
  for (let r = 0; r < f.count; r++) {
    const T = raw.T[r];
    const g: string[] = [];
    const p: string[] = [];
    for (let t = 0; t < T; t++) {
      const id = f.labels ? f.labels[r * f.seqLen + t] : -100;
      if (id < 0) continue;
      g.push(labels[id]);
      p.push(labels[argmax(raw.logits[r].subarray(t * C, (t + 1) * C))]);
    }
    const words = examples?.[r]?.tokens.length ?? g.length;
    // Words cut off by truncation are predicted O, and scored against their real tags.
    while (p.length < words) p.push('O');
    gold.push(examples?.[r]?.tags.slice() ?? g);
    pred.push(p.slice(0, words));
  }
  const predictions: Prediction[] = pred.map((tags) => ({ tags }));
  if (!f.labels) return { result: null, predictions };
  const m = nerMetrics(gold, pred);
  const metrics = { ...lossMetric, f1: m.default.f1_micro, precision: m.default.precision_micro, recall: m.default.recall_micro, accuracy: m.accuracy, f1_strict: m.strict_iob2.f1_micro };
  return { result: { metrics, report: m }, predictions };
}

/**
 * Loss weighting and the multi-label / NER evaluation paths through the real Trainer on WebGPU, checked
 * against numbers computed here in float64 from the model's logits (torch semantics), not against the
 * trainer's own helpers: class weights (sklearn "balanced" and manual; single-label and token classification),
 * multi-label pos_weight (negatives / positives clamped at 10, and manual), and evaluateSplit's metrics,
 * report keys and predictions.jsonl shapes for multilabel and NER.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Task } from '../../../src/data/types.ts';
import type { BertFamilyModel } from '../../../src/engine/model.ts';
import { multilabelMetrics, nerMetrics } from '../../../src/metrics/index.ts';
import type { EvalSplitData, SplitResult, TrainEvent } from '../../../src/protocol/train.ts';
import type { FeatureSet } from '../../../src/tokenize/features.ts';
import { disposeBatch, FeatureBatches, labelKindOf, toTensors, type HostBatch } from '../../../src/train/batches.ts';
import type { TrainConfigInput } from '../../../src/train/config.ts';
import { FIXTURE_LABELS, fixtureCase, fixtureFeatures, fixtureModel, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

const ML_LABELS = ['class_a', 'class_b', 'class_c', 'class_d', 'class_e'];
/** bert-tokcls's id2label. */
const NER_TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

/**
 * Multi-hot targets for the 12 fixture rows. Positives per label: class_a 1 (11 negatives: pos_weight clamped
 * to 10), class_b 0 (pos_weight 1), class_c 6 (1), class_d 3 (3), class_e 8 (0.5).
 */
const MULTI_HOT = [
  [1, 0, 1, 0, 1],
  [0, 0, 1, 1, 1],
  [0, 0, 0, 0, 1],
  [0, 0, 1, 0, 0],
  [0, 0, 0, 1, 1],
  [0, 0, 1, 0, 1],
  [0, 0, 0, 0, 0],
  [0, 0, 1, 1, 1],
  [0, 0, 0, 0, 1],
  [0, 0, 1, 0, 0],
  [0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0],
];

async function multilabelFeatures(): Promise<FeatureSet> {
  const f = await fixtureFeatures();
  return { ...f, labels: Int32Array.from(MULTI_HOT.flat()), labelWidth: ML_LABELS.length };
}

/** bert-tokcls's 3 rows (T = 16), labels on every sub-token but [CLS], [SEP] and padding. */
async function nerFeatures(): Promise<FeatureSet> {
  const c = await fixtureCase('bert-tokcls');
  const i32 = (a: { data: number[] }) => Int32Array.from(a.data);
  const [N, T] = c.inputs.input_ids.shape;
  return {
    count: N,
    seqLen: T,
    inputIds: i32(c.inputs.input_ids),
    attentionMask: i32(c.inputs.attention_mask),
    tokenTypeIds: i32(c.inputs.token_type_ids!),
    labels: i32(c.inputs.labels!),
    labelWidth: T,
    startPositions: null,
    endPositions: null,
    exampleIndex: null,
    offsets: null,
  };
}

/**
 * One word per labelled sub-token, tagged with its label. The last row has two more words than the features
 * (as if truncation cut them off): they are predicted O and scored against their gold tags.
 */
async function nerSplit(): Promise<EvalSplitData> {
  const c = await fixtureCase('bert-tokcls');
  const features = await nerFeatures();
  const tokens = (c.inputs as unknown as { tokens: string[][] }).tokens;
  const T = features.seqLen;
  const examples = tokens.map((row, r) => {
    const words: string[] = [];
    const tags: string[] = [];
    row.forEach((tok, t) => {
      const id = features.labels![r * T + t];
      if (id >= 0) {
        words.push(tok);
        tags.push(NER_TAGS[id]);
      }
    });
    if (r === tokens.length - 1) {
      words.push('cut', 'off');
      tags.push('B-LOC', 'I-LOC');
    }
    return { tokens: words, tags };
  });
  return { features, examples };
}

/** Logits of one host batch in inference mode (the fixtures have dropout 0, as training here does). */
async function logitsOf(model: BertFamilyModel, host: HostBatch): Promise<Float32Array> {
  const batch = toTensors(host);
  const logits = tf.tidy(() => model.forward(batch.inputs, { training: false }).logits!);
  disposeBatch(batch);
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return data;
}

/** -log softmax(row)[y], float64. */
function nll(row: ArrayLike<number>, y: number): number {
  const xs = Array.from(row);
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)) - xs[y];
}

/** torch CrossEntropyLoss(weight=w, ignore_index=-100): Σ w[y]·nll / Σ w[y]. */
function weightedCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, C: number, w: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === -100) continue;
    num += w[y] * nll(logits.subarray(i * C, (i + 1) * C), y);
    den += w[y];
  }
  return num / den;
}

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** torch BCEWithLogitsLoss(pos_weight=pw), mean over B × C: -(pw·y·log σ(x) + (1-y)·log(1-σ(x))). */
function bceWithPosWeight(logits: Float32Array, targets: ArrayLike<number>, C: number, pw: number[]): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    const y = targets[i];
    sum += pw[i % C] * y * softplus(-x) + (1 - y) * softplus(x);
  }
  return sum / logits.length;
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const LOSS_TOL = 1e-5;
/** Evaluation batch size of the runs here; the tests rebuild evaluation batches with it. */
const EVAL_BATCH = 2;

/** Loaded once per file: only read, never trained (every run here has lr 0). */
const models: Partial<Record<'seqcls' | 'multilabel' | 'tokcls', BertFamilyModel>> = {};
async function model(kind: 'seqcls' | 'multilabel' | 'tokcls'): Promise<BertFamilyModel> {
  const fixture = { seqcls: 'bert-seqcls-train', multilabel: 'bert-multilabel', tokcls: 'bert-tokcls' }[kind];
  return (models[kind] ??= await fixtureModel(fixture, kind === 'tokcls' ? 'tokcls' : 'seqcls'));
}
afterAll(() => Object.values(models).forEach((m) => m.dispose()));

interface StepOne {
  /** The loss the loop reported at step 1. */
  loss: number;
  /** Logits and host batch of step 1, computed here. */
  logits: Float32Array;
  host: HostBatch;
  events: TrainEvent[];
}

/**
 * One optimizer step with lr 0 (so the model is unchanged for the next run); step 1's batch is rebuilt from an
 * identical batch source and its logits computed from the same weights.
 */
async function stepOne(kind: 'seqcls' | 'multilabel' | 'tokcls', task: Task, labels: string[], features: FeatureSet, batchSize: number, config: TrainConfigInput, validation?: EvalSplitData): Promise<StepOne> {
  const m = await model(kind);
  const source = () => new FeatureBatches(features, { batchSize, shuffle: true, seed: 11, labelKind: labelKindOf(task) });
  const host = source().batch(0, 0);
  const logits = await logitsOf(m, host);
  const run = await runTrainer({
    model: m,
    task,
    labels,
    train: source(),
    trainFeatures: features,
    ...(validation ? { validation } : {}),
    config: { learningRate: 0, batchSize, evalBatchSize: EVAL_BATCH, maxSteps: 1, loggingSteps: 1, evalStrategy: 'no', seed: 11, ...config },
  });
  expect(run.outcome).toBe('completed');
  expect(run.steps).toHaveLength(1);
  return { loss: run.steps[0].loss, logits, host, events: run.events };
}

/**
 * Class ids for the 12 fixture rows: 8 / 3 / 1 per class, balanced weights 0.5 / 1.33 / 4. Step 1 (seed 11,
 * batch 4) draws rows 3, 9, 11, 0: classes 1, 2, 0, 0, a batch where the weights matter.
 */
const SKEWED_LABELS = [0, 0, 0, 1, 0, 0, 1, 0, 0, 2, 1, 0];

describe('class weights', () => {
  test('single-label: auto ("balanced") and manual weights give torch\'s weighted-mean cross-entropy at step 1', async () => {
    const features = { ...(await fixtureFeatures()), labels: Int32Array.from(SKEWED_LABELS) };
    const counts = [0, 1, 2].map((c) => SKEWED_LABELS.filter((y) => y === c).length);
    expect(counts).toEqual([8, 3, 1]);
    const cases: { config: TrainConfigInput; weights: number[] }[] = [
      { config: { classWeights: { mode: 'auto' } }, weights: counts.map((n) => 12 / (3 * n)) },
      // class_b is not named: weight 1.
      { config: { classWeights: { mode: 'manual', weights: { class_a: 2.5, class_c: 0.25 } } }, weights: [2.5, 1, 0.25] },
    ];
    for (const c of cases) {
      const r = await stepOne('seqcls', 'classification', FIXTURE_LABELS, features, 4, c.config);
      if (r.host.labels.kind !== 'class') throw new Error('class labels expected');
      const ids = r.host.labels.ids;
      const expected = weightedCrossEntropy(r.logits, ids, 3, c.weights);
      const unweighted = weightedCrossEntropy(r.logits, ids, 3, [1, 1, 1]);
      console.log(`${c.config.classWeights!.mode}: labels ${Array.from(ids)} loss ${r.loss} expected ${expected} unweighted ${unweighted}`);
      expect(relErr(r.loss, expected)).toBeLessThan(LOSS_TOL);
      // The batch is one where the weights matter.
      expect(relErr(unweighted, expected)).toBeGreaterThan(100 * LOSS_TOL);
    }
  });

  test('token classification: auto weights count tokens per tag (-100 skipped) and weight the token mean', async () => {
    const features = await nerFeatures();
    const counts = NER_TAGS.map((_, c) => features.labels!.filter((y) => y === c).length);
    const n = counts.reduce((a, b) => a + b, 0);
    const weights = counts.map((k) => (k > 0 ? n / (NER_TAGS.length * k) : 1));
    // Batch 2 of the 3 rows: over the whole training set Σ w[y] = n, which would hide a wrong denominator.
    const r = await stepOne('tokcls', 'ner', NER_TAGS, features, 2, { classWeights: { mode: 'auto' } });
    if (r.host.labels.kind !== 'token') throw new Error('token labels expected');
    const expected = weightedCrossEntropy(r.logits, r.host.labels.ids, NER_TAGS.length, weights);
    const unweighted = weightedCrossEntropy(r.logits, r.host.labels.ids, NER_TAGS.length, NER_TAGS.map(() => 1));
    console.log(`ner: tag counts ${counts}, weights ${weights.map((w) => w.toFixed(4))}; loss ${r.loss} expected ${expected} unweighted ${unweighted}`);
    expect(relErr(r.loss, expected)).toBeLessThan(LOSS_TOL);
    expect(relErr(unweighted, expected)).toBeGreaterThan(100 * LOSS_TOL);
  });
});

test('multi-label pos_weight: auto (negatives / positives, clamped at 10, 1 for no positive) and manual give torch\'s BCEWithLogits at step 1', async () => {
  const features = await multilabelFeatures();
  const positives = ML_LABELS.map((_, k) => MULTI_HOT.filter((row) => row[k] === 1).length);
  const auto = positives.map((p) => (p > 0 ? Math.min((12 - p) / p, 10) : 1));
  expect(auto).toEqual([10, 1, 1, 3, 0.5]);
  const cases: { config: TrainConfigInput; pw: number[] }[] = [
    { config: { posWeight: { mode: 'auto' } }, pw: auto },
    { config: { posWeight: { mode: 'manual', weights: { class_a: 3, class_d: 0.5 } } }, pw: [3, 1, 1, 0.5, 1] },
  ];
  for (const c of cases) {
    const r = await stepOne('multilabel', 'multilabel', ML_LABELS, features, 4, c.config);
    if (r.host.labels.kind !== 'multi') throw new Error('multi-hot labels expected');
    const targets = r.host.labels.targets;
    const expected = bceWithPosWeight(r.logits, targets, 5, c.pw);
    const unweighted = bceWithPosWeight(r.logits, targets, 5, [1, 1, 1, 1, 1]);
    console.log(`${c.config.posWeight!.mode}: rows ${r.host.rows} loss ${r.loss} expected ${expected} unweighted ${unweighted}`);
    expect(relErr(r.loss, expected)).toBeLessThan(LOSS_TOL);
    expect(relErr(unweighted, expected)).toBeGreaterThan(100 * LOSS_TOL);
  }
});

async function expectedJson(name: string): Promise<Record<string, unknown>> {
  const res = await fetch(`/tests/fixtures/metrics/${name}/expected.json`);
  expect(res.ok).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

const keys = (o: unknown) => Object.keys(o as object).sort();
type Done = Extract<TrainEvent, { type: 'done' }>;
const doneOf = (events: TrainEvent[]) => events.find((e): e is Done => e.type === 'done')!;

/** Logits of every row of a split, in order, batched as evaluation batches them. */
async function splitLogits(m: BertFamilyModel, task: Task, f: FeatureSet, batchSize: number): Promise<{ rows: Float32Array[]; batches: { host: HostBatch; logits: Float32Array }[] }> {
  const source = new FeatureBatches(f, { batchSize, shuffle: false, seed: 0, labelKind: labelKindOf(task) });
  const rows: Float32Array[] = [];
  const batches: { host: HostBatch; logits: Float32Array }[] = [];
  for (let i = 0; i < source.batchesPerEpoch; i++) {
    const host = source.batch(0, i);
    const logits = await logitsOf(m, host);
    batches.push({ host, logits });
    const width = logits.length / host.B;
    for (let r = 0; r < host.B; r++) rows.push(logits.slice(r * width, (r + 1) * width));
  }
  return { rows, batches };
}

describe('evaluation through the Trainer', () => {
  test('multilabel: metrics and report keys of the metric fixtures, {labels, scores} predictions, numbers = src/metrics on them', async () => {
    const features = await multilabelFeatures();
    const m = await model('multilabel');
    const { rows, batches } = await splitLogits(m, 'multilabel', features, EVAL_BATCH);
    const r = await stepOne('multilabel', 'multilabel', ML_LABELS, features, 4, {}, { features });
    const done = doneOf(r.events);
    const result = done.validation as SplitResult;
    expect(result).not.toBeNull();

    // predictions.jsonl lines: {"labels": [...], "scores": {...}}, scores = sigmoid of the logits, labels = score >= 0.5.
    expect(done.predictions).toHaveLength(12);
    const scores: number[][] = [];
    done.predictions.forEach((p, i) => {
      expect(keys(p)).toEqual(['labels', 'scores']);
      const q = p as { labels: string[]; scores: Record<string, number> };
      expect(keys(q.scores)).toEqual(ML_LABELS);
      const sig = Array.from(rows[i], (x) => 1 / (1 + Math.exp(-x)));
      ML_LABELS.forEach((l, k) => expect(Math.abs(q.scores[l] - sig[k]), `row ${i} ${l}`).toBeLessThan(1e-6));
      expect(q.labels).toEqual(ML_LABELS.filter((l) => q.scores[l] >= 0.5));
      scores.push(ML_LABELS.map((l) => q.scores[l]));
    });
    expect(done.predictions.some((p) => (p as { labels: string[] }).labels.length > 0)).toBe(true);

    // The report is src/metrics' object for these predictions, with the keys of expected.json.
    const gold = MULTI_HOT.map((row) => ML_LABELS.filter((_, k) => row[k] === 1));
    const pred = done.predictions.map((p) => (p as { labels: string[] }).labels);
    const ref = multilabelMetrics({ labels: ML_LABELS, gold, pred, scores });
    expect(result.report).toEqual(ref);
    const fixture = await expectedJson('multilabel_en');
    const report = result.report as Record<string, Record<string, unknown>>;
    expect(keys(report)).toEqual(keys(fixture));
    const fixturePerClass = fixture.per_class as Record<string, unknown>;
    expect(keys(report.per_class)).toEqual(ML_LABELS);
    for (const l of ML_LABELS) expect(keys(report.per_class[l])).toEqual(keys(Object.values(fixturePerClass)[0]));
    expect(keys(report.tuned)).toEqual(keys(fixture.tuned));

    // Flat metrics: the fixture's numbers (roc_auc_macro = roc_auc_macro_defined) and the loss.
    expect(keys(result.metrics)).toEqual(['f1_macro', 'f1_micro', 'f1_samples', 'f1_weighted', 'hamming_loss', 'loss', 'roc_auc_macro', 'subset_accuracy']);
    for (const k of ['f1_micro', 'f1_macro', 'f1_weighted', 'f1_samples', 'subset_accuracy', 'hamming_loss'] as const) {
      expect(k in fixture).toBe(true);
      expect(result.metrics[k], k).toBe(ref[k]);
    }
    expect(result.metrics.roc_auc_macro).toBe(ref.roc_auc_macro_defined);
    // Batch-size-weighted mean of the batch losses (HF's evaluation loop) = the mean over all cells here.
    const loss = batches.reduce((s, b) => s + b.host.B * bceWithPosWeight(b.logits, (b.host.labels as { targets: Float32Array }).targets, 5, [1, 1, 1, 1, 1]), 0) / 12;
    expect(relErr(result.metrics.loss, loss)).toBeLessThan(LOSS_TOL);
  });

  test('NER: metrics and report keys of the metric fixtures, {tags} predictions (one per word), numbers = src/metrics on them', async () => {
    const split = await nerSplit();
    const f = split.features;
    const m = await model('tokcls');
    const { rows, batches } = await splitLogits(m, 'ner', f, EVAL_BATCH);
    const r = await stepOne('tokcls', 'ner', NER_TAGS, f, 3, {}, split);
    const done = doneOf(r.events);
    const result = done.validation as SplitResult;
    expect(result).not.toBeNull();

    // predictions.jsonl lines: {"tags": [...]}, as long as the example's words; the argmax at each labelled token.
    const examples = split.examples as { tokens: string[]; tags: string[] }[];
    expect(done.predictions).toHaveLength(3);
    const C = NER_TAGS.length;
    done.predictions.forEach((p, i) => {
      expect(keys(p)).toEqual(['tags']);
      const tags = (p as { tags: string[] }).tags;
      expect(tags).toHaveLength(examples[i].tokens.length);
      const expected: string[] = [];
      for (let t = 0; t < f.seqLen; t++) {
        if (f.labels![i * f.seqLen + t] < 0) continue;
        const row = Array.from(rows[i].subarray(t * C, (t + 1) * C));
        expected.push(NER_TAGS[row.indexOf(Math.max(...row))]);
      }
      while (expected.length < examples[i].tokens.length) expected.push('O');
      expect(tags).toEqual(expected);
    });

    const pred = done.predictions.map((p) => (p as { tags: string[] }).tags);
    const ref = nerMetrics(examples.map((e) => e.tags), pred);
    expect(result.report).toEqual(ref);
    const fixture = await expectedJson('ner_en');
    const report = result.report as Record<string, Record<string, Record<string, unknown>>>;
    const fx = fixture as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    expect(keys(report)).toEqual(keys(fixture));
    for (const mode of ['default', 'strict_iob2']) {
      expect(keys(report[mode])).toEqual(keys(fx[mode]));
      const rowKeys = keys(fx[mode].classification_report['micro avg']);
      for (const [name, row] of Object.entries(report[mode].classification_report)) expect(keys(row), `${mode} ${name}`).toEqual(rowKeys);
      for (const avg of ['micro avg', 'macro avg', 'weighted avg']) expect(report[mode].classification_report[avg]).toBeDefined();
    }
    expect(ref.n_tokens).toBe(examples.reduce((n, e) => n + e.tokens.length, 0));

    expect(keys(result.metrics)).toEqual(['accuracy', 'f1', 'f1_strict', 'loss', 'precision', 'recall']);
    expect(result.metrics).toMatchObject({ f1: ref.default.f1_micro, precision: ref.default.precision_micro, recall: ref.default.recall_micro, accuracy: ref.accuracy, f1_strict: ref.strict_iob2.f1_micro });
    const loss = batches.reduce((s, b) => s + b.host.B * weightedCrossEntropy(b.logits, (b.host.labels as { ids: Int32Array }).ids, C, NER_TAGS.map(() => 1)), 0) / f.count;
    expect(relErr(result.metrics.loss, loss)).toBeLessThan(LOSS_TOL);
  });
});

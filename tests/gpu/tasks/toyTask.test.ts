/**
 * The task seam: a toy task (tests/gpu/tasks/lengthBucket.ts) registered in a test-only registry goes through
 * detection, conversion, tokenization, a few Trainer steps, evaluation and export on WebGPU with tiny-bert,
 * and no file outside its module knows it exists.
 */
import { beforeAll, expect, test } from 'vitest';
import { makeConverter } from '../../../src/data/convert.ts';
import { detectTask, DetectionError } from '../../../src/data/detect.ts';
import type { ClassificationExample, Task } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import { modelCard } from '../../../src/export/modelCard.ts';
import type { RunRecord } from '../../../src/persist/runs.ts';
import type { TrainEvent } from '../../../src/protocol/train.ts';
import { buildFeatures } from '../../../src/tasks/features.ts';
import { createTaskRegistry, TASKS } from '../../../src/tasks/index.ts';
import { loadTokenizer } from '../../../src/tokenize/index.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { captureWeights, checkpointFiles } from '../../../src/train/checkpoints.ts';
import { evaluateSplit } from '../../../src/train/evaluate.ts';
import { runTrainer, webgpu } from '../train/helpers.ts';
import { readJsonl, tiny } from '../train/tiny.ts';
import { BUCKETS, bucketOf, lengthBucket } from './lengthBucket.ts';

beforeAll(webgpu);

type Done = Extract<TrainEvent, { type: 'done' }>;
type Eval = Extract<TrainEvent, { type: 'eval' }>;

test('a toy task in a test-only registry: detected, converted, tokenized, trained, evaluated and exported', async () => {
  const registry = createTaskRegistry([...TASKS.list(), lengthBucket]);
  const poem = await readJsonl<{ text: string }>('tests/fixtures/train/en_sentiment_poem_train.jsonl');
  const rows = poem.slice(0, 72).map((r) => ({ sentence: r.text }));

  // Detection: the built-in tasks read a file with one text column as unlabeled text (masked LM, tried last);
  // the toy task, tried before it, claims it in its registry. A file with no text at all is no task's.
  expect(detectTask(['sentence'], rows).task).toBe('mlm');
  expect(() => detectTask(['n'], rows.map((_, i) => ({ n: i })), {}, registry)).toThrow(DetectionError);
  const detection = detectTask(['sentence'], rows, {}, registry);
  expect(detection).toEqual({ task: 'length_bucket', columns: { text: 'sentence' } });
  const convert = makeConverter(detection, registry);
  const examples = rows.map((row, i) => convert(row, { file: 'toy.jsonl', line: i + 1 }).example as ClassificationExample);
  expect(examples.map((e) => e.label)).toEqual(rows.map((r) => bucketOf(r.sentence)));
  const labels = lengthBucket.vocabulary(examples.map((e) => e.label));
  expect(labels).toEqual(BUCKETS);
  // The rows do fall in more than one bucket, or the task would be trivial.
  expect(Object.values(lengthBucket.labelDistribution(examples, labels, 'IOB2')).filter((n) => n > 0).length).toBeGreaterThan(1);

  // Tokenization through the generic feature builder, driven by the spec.
  const tok = await loadTokenizer(tiny);
  const labelToId = new Map(labels.map((l, i) => [l, i]));
  const [train, valid] = [examples.slice(0, 56), examples.slice(56)];
  const [trainF, validF] = await Promise.all([train, valid].map((split) => buildFeatures(tok, lengthBucket, split, { maxLength: 32, labelToId })));
  expect(trainF.count).toBe(56);
  expect(Array.from(validF.labels!)).toEqual(valid.map((e) => labelToId.get(e.label)));

  // A few steps of the app's Trainer: the spec picks the head, the batch layout and the metric for best.
  const { model } = await loadModel(tiny, { head: lengthBucket.head, problemType: lengthBucket.problemType, labels, seed: 1 });
  try {
    const run = await runTrainer({
      model,
      task: lengthBucket,
      labels,
      train: new FeatureBatches(trainF, { batchSize: 8, shuffle: true, seed: 1, labelKind: lengthBucket.labelKind }),
      trainFeatures: trainF,
      validation: { features: validF },
      config: { learningRate: 1e-3, batchSize: 8, maxSteps: 6, loggingSteps: 2, evalStrategy: 'steps', evalSteps: 3, seed: 1 },
    });
    expect(run.outcome).toBe('completed');
    expect(run.steps.map((s) => s.step)).toEqual([2, 4, 6]);
    for (const s of run.steps) expect(Number.isFinite(s.loss)).toBe(true);
    const evals = run.events.filter((e): e is Eval => e.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([3, 6]);
    const done = run.events.find((e): e is Done => e.type === 'done')!;
    expect(done.bestMetric?.name).toBe('f1_macro');

    // Evaluation: the spec's decoder turns logits into bucket predictions and metrics.
    const { result, predictions } = await evaluateSplit(model, lengthBucket, labels, { features: validF }, { batchSize: 8 });
    expect(predictions).toHaveLength(valid.length);
    for (const p of predictions) {
      expect('label' in p && BUCKETS.includes(p.label)).toBe(true);
      expect(Object.keys((p as { scores: Record<string, number> }).scores)).toEqual(BUCKETS);
    }
    const correct = predictions.filter((p, i) => 'label' in p && p.label === valid[i].label).length;
    expect(result!.metrics.accuracy).toBeCloseTo(correct / valid.length, 12);

    // Export: an HF checkpoint with the toy's labels, and a model card from the spec's export section.
    const files = await checkpointFiles(model, await captureWeights(model), { labels });
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    expect(config.architectures).toEqual(['BertForSequenceClassification']);
    expect(config.id2label).toEqual({ 0: 'short', 1: 'medium', 2: 'long' });
    expect(files['model.safetensors'].byteLength).toBeGreaterThan(100_000);
    const card = modelCard(toyRun(labels, done), null, lengthBucket);
    expect(card).toContain('pipeline_tag: text-classification');
    expect(card).toContain('Fine-tuned for **sentence length buckets (a test task)**');
    expect(card).toContain('model = AutoModelForSequenceClassification.from_pretrained(path)');
  } finally {
    model.dispose();
  }
});

/** The run record the studio would keep for this run (only what the model card reads matters). */
function toyRun(labels: string[], done: Done): RunRecord {
  return {
    id: 'toy', name: 'toy run', createdAt: 0, updatedAt: 0, status: 'finished',
    task: lengthBucket.name as Task, labels, model: { kind: 'hub', id: 'tiny-bert' } as RunRecord['model'], modelLabel: 'tiny-bert',
    datasetId: 'toy', taskOverride: 'auto', columns: { text: 'sentence' }, maxLength: 32, config: {}, presetId: null,
    totalSteps: 6, stepOffset: 0, lastStep: 6, bestStep: done.bestStep, bestMetric: done.bestMetric, checkpointStep: done.bestStep,
    parameters: 1, trainableParameters: 1,
    data: { files: [{ name: 'toy.jsonl', split: 'train', rows: 72, valid: 72 }], splits: { train: 56, validation: 16, test: 0 }, labelCounts: {}, invalidRows: 0 },
    final: { validation: done.validation, test: null, predictions: [] }, error: null,
  };
}

/**
 * Trainer features through the real loop on WebGPU with the tiny fixture models: freezing (embeddings, the
 * first N layers, the whole encoder), layer-wise LR decay, and early stopping. Parameter groups come from the
 * HF names of src/engine/names.ts, not from the trainer's own depth rule, so a wrong rule shows up here.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { embeddingNames, headNames, layerNames } from '../../../src/engine/names.ts';
import type { BertFamilyModel } from '../../../src/engine/model.ts';
import type { TrainEvent } from '../../../src/protocol/train.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { captureWeights } from '../../../src/train/checkpoints.ts';
import type { TrainConfigInput } from '../../../src/train/config.ts';
import { FIXTURE_LABELS, fixtureFeatures, fixtureModel, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

interface Groups {
  embeddings: string[];
  /** layers[i]: every tensor of encoder layer i */
  layers: string[][];
  head: string[];
}

const weightAndBias = (module: string) => [`${module}.weight`, `${module}.bias`];

/** Parameter names by group, from the HF naming functions; asserts they cover the model exactly. */
function groupsOf(model: BertFamilyModel): Groups {
  const cfg = model.encoderConfig;
  const e = embeddingNames(cfg);
  const embeddings = [e.word, e.position, ...(cfg.typeVocabSize > 0 ? [e.tokenType] : []), ...weightAndBias(e.norm), ...(e.project ? weightAndBias(e.project) : [])];
  const layers = Array.from({ length: cfg.numLayers }, (_, i) => Object.values(layerNames(cfg, i)).flatMap(weightAndBias));
  const h = headNames(cfg, model.head);
  const head = [...(h.kind === 'pooled' ? weightAndBias(h.dense) : []), ...weightAndBias(h.out)];
  const all = [...embeddings, ...layers.flat(), ...head];
  expect(new Set(all).size).toBe(all.length);
  expect([...all].sort()).toEqual([...model.params.keys()].sort());
  return { embeddings, layers, head };
}

const BASE: TrainConfigInput = {
  learningRate: 1e-2,
  batchSize: 4,
  loggingSteps: 1,
  evalStrategy: 'no',
  seed: 3,
};

async function trainOn(model: BertFamilyModel, config: TrainConfigInput, validation = false) {
  const features = await fixtureFeatures();
  return runTrainer({
    model,
    task: 'classification',
    labels: FIXTURE_LABELS,
    train: new FeatureBatches(features, { batchSize: 4, shuffle: true, seed: 3, labelKind: 'class' }),
    ...(validation ? { validation: { features } } : {}),
    config,
  });
}

const sizeOf = (model: BertFamilyModel, names: string[]) => names.reduce((n, name) => n + model.params.get(name)!.size, 0);

describe('freezing', () => {
  const cases: { what: string; fixture: string; freeze: TrainConfigInput['freeze']; frozen: (g: Groups) => string[] }[] = [
    // ELECTRA: embeddings_project (24 → 32) belongs to the embeddings too.
    { what: 'freeze.embeddings', fixture: 'electra-seqcls', freeze: { embeddings: true }, frozen: (g) => g.embeddings },
    { what: 'freeze.layers = 1', fixture: 'bert-seqcls-train', freeze: { layers: 1 }, frozen: (g) => g.layers[0] },
    // The head (BERT: pooler + classifier) is all that trains.
    { what: 'freeze.encoder', fixture: 'bert-seqcls-train', freeze: { encoder: true }, frozen: (g) => [...g.embeddings, ...g.layers.flat()] },
  ];
  for (const c of cases) {
    test(`${c.what} (${c.fixture}): frozen tensors are bit-identical after 2 steps, every other tensor moved`, async () => {
      const model = await fixtureModel(c.fixture, 'seqcls');
      try {
        const groups = groupsOf(model);
        const frozen = new Set(c.frozen(groups));
        expect(frozen.size).toBeGreaterThan(0);
        const before = await captureWeights(model);
        // Weight decay on: a frozen tensor must not even decay.
        const run = await trainOn(model, { ...BASE, maxSteps: 2, weightDecay: 0.01, freeze: c.freeze });
        expect(run.outcome).toBe('completed');
        expect(run.steps).toHaveLength(2);
        const trainable = [...model.params.keys()].filter((n) => !frozen.has(n));
        const after = await captureWeights(model);
        const moved: string[] = [];
        const stayed: string[] = [];
        for (const [name, b] of before) (after.get(name)!.some((v, i) => v !== b[i]) ? moved : stayed).push(name);
        expect(stayed.sort()).toEqual([...frozen].sort());
        expect(moved.sort()).toEqual(trainable.sort());
        expect(run.events.find((e) => e.type === 'ready')).toMatchObject({ parameters: model.numParameters, trainableParameters: sizeOf(model, trainable) });
      } finally {
        model.dispose();
      }
    });
  }
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

test('layer-wise LR decay: one AdamW step moves layer l by factor^(L+1-l) of the head, embeddings factor^(L+1)', async () => {
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  const factor = 0.5;
  try {
    const g = groupsOf(model);
    const L = g.layers.length;
    const before = await captureWeights(model);
    // AdamW's first step is -lr·g/(|g|+ε) per element: |Δ| = lr wherever |g| ≫ ε. No decay, no clipping.
    const run = await trainOn(model, { ...BASE, maxSteps: 1, schedule: 'constant', weightDecay: 0, maxGradNorm: 0, layerwiseLrDecay: factor });
    expect(run.outcome).toBe('completed');
    const lr = run.steps[0].lr;
    expect(lr).toBe(1e-2);
    const after = await captureWeights(model);
    const expected = new Map<string, number>();
    g.embeddings.forEach((n) => expected.set(n, factor ** (L + 1)));
    g.layers.forEach((names, l) => names.forEach((n) => expected.set(n, factor ** (L - l)))); // layer l (0-based) has depth l + 1
    g.head.forEach((n) => expected.set(n, 1));
    const lines: string[] = [];
    for (const [name, scale] of expected) {
      // The key bias has zero gradient in exact arithmetic (softmax ignores a per-query shift): |g| ~ ε there.
      if (name.endsWith('.key.bias')) continue;
      const b = before.get(name)!;
      const steps = Array.from(after.get(name)!, (v, i) => Math.abs(v - b[i])).filter((d) => d > 0);
      expect(steps.length, `${name} moved`).toBeGreaterThan(0);
      const rel = median(steps) / lr;
      lines.push(`${name}: ${rel.toPrecision(6)} (expected ${scale})`);
      // Float32 rounding of p ± Δ (|p| < 1, Δ ≥ lr/8) bounds the error well below 1e-3.
      expect(Math.abs(rel - scale) / scale, name).toBeLessThan(1e-3);
    }
    console.log(lines.join('\n'));
  } finally {
    model.dispose();
  }
});

test('early stopping: a metric that cannot improve stops after patience + 1 evaluations; the first is the best', async () => {
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  const patience = 2;
  try {
    // lr 0: predictions never change, so accuracy never improves after the first evaluation.
    const run = await trainOn(model, { ...BASE, learningRate: 0, maxSteps: 10, evalStrategy: 'steps', evalSteps: 1, earlyStopping: { patience, minDelta: 0 } }, true);
    expect(run.outcome).toBe('early_stopping');
    const evals = run.events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval' && e.split === 'validation');
    expect(evals.map((e) => e.step)).toEqual([1, 2, 3]);
    expect(evals.map((e) => e.isBest)).toEqual([true, false, false]);
    const accuracy = evals.map((e) => e.result.metrics.accuracy);
    expect(new Set(accuracy).size).toBe(1);
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    const checkpoints = run.events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.filter((e) => e.kind === 'best').map((e) => e.step)).toEqual([1]);
    expect(checkpoints.filter((e) => e.kind === 'last').map((e) => e.step)).toEqual([1, 2, 3]);
    expect(run.trainer.best?.step).toBe(1);
    expect(run.events.find((e) => e.type === 'done')).toMatchObject({ reason: 'early_stopping', step: 3, bestStep: 1, bestMetric: { name: 'accuracy', value: accuracy[0] } });
  } finally {
    model.dispose();
  }
});

/**
 * Mixed precision (TrainConfig.mixedPrecision, the Trainer's fp16=True) on the tiny fixture model, real WebGPU:
 * a forced overflow skips the step (weights, AdamW step count and LR schedule untouched, scale halved); the
 * scale sequence follows GradScaler's rules; the weights after N steps equal an f32 replay of the same run that
 * applies those rules (skip the step, hold the scheduler); an exact resume continues the scale sequence.
 * Forcing: a huge initial scale makes the scaled f16 gradients overflow (65504 is f16's largest value), and a
 * growth interval of 2 makes the scale grow back into overflow again and again.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { measureStepMemory } from '../../../src/bench/activationBytes.ts';
import { randomModel } from '../../../src/bench/stepBench.ts';
import { setMixedPrecision } from '../../../src/engine/kernels/precision.ts';
import { clearChoices, setChoice } from '../../../src/engine/kernels/select.ts';
import type { BertFamilyModel } from '../../../src/engine/model.ts';
import { batchFromCase, disposeBatch } from '../../../src/parity/caseFile.ts';
import type { ResumeState, TrainEvent } from '../../../src/protocol/train.ts';
import { AdamW } from '../../../src/train/adamw.ts';
import type { TrainConfigInput } from '../../../src/train/config.ts';
import { GradScaler } from '../../../src/train/gradScaler.ts';
import { weightDecayByName } from '../../../src/train/paramGroups.ts';
import { lrAtStep } from '../../../src/train/schedule.ts';
import { scaledTrainStep, trainStep, type Batch } from '../../../src/train/step.ts';
import { FIXTURE_LABELS, fixtureBatches, fixtureCase, fixtureFeatures, fixtureModel, runTrainer, trainKeepingResumeStates, webgpu } from './helpers.ts';

beforeAll(webgpu);

const NAME = 'bert-seqcls-train';
type StepEvent = Extract<TrainEvent, { type: 'step' }>;

const sameBits = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) => [...a].every(([k, v]) => v.every((x, i) => Object.is(x, b.get(k)![i])));

/** ‖Δa − Δb‖ / ‖Δb‖ over every parameter, Δ = weights − start: how far two runs' updates are apart. */
function updateDistance(a: Map<string, Float32Array>, b: Map<string, Float32Array>, start: Map<string, Float32Array>): number {
  let diff = 0;
  let norm = 0;
  for (const [name, w0] of start) {
    const [x, y] = [a.get(name)!, b.get(name)!];
    for (let i = 0; i < w0.length; i++) {
      diff += (x[i] - y[i]) ** 2;
      norm += (y[i] - w0[i]) ** 2;
    }
  }
  return Math.sqrt(diff / norm);
}

describe('scaledTrainStep', () => {
  test('an overflow skips the step: weights, AdamW step and moments untouched, scale halved, loss still finite', async () => {
    const c = await fixtureCase(NAME);
    const model = await fixtureModel(NAME, 'seqcls');
    const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0.01));
    const batches = c.inputs.batches!.map((b) => batchFromCase(b, c.head));
    setMixedPrecision(true);
    try {
      const before = await model.readParams();
      const scaler = new GradScaler({ initScale: 2 ** 40 });
      const r = await scaledTrainStep(model, optimizer, batches[0], { lr: 1e-3, maxGradNorm: 1 }, scaler);
      expect(r).toMatchObject({ skipped: true, lossScale: 2 ** 40 });
      expect(Number.isFinite((await r.gradNorm.data())[0])).toBe(false);
      const loss = (await r.loss.data())[0];
      expect(Number.isFinite(loss) && loss > 0).toBe(true);
      expect(sameBits(await model.readParams(), before)).toBe(true);
      expect(optimizer.step).toBe(0);
      expect(optimizer.state().size).toBe(0); // no moments were even created
      expect(scaler.state()).toEqual({ scale: 2 ** 39, growthTracker: 0 });
      tf.dispose([r.loss, r.gradNorm]);

      // At torch's default scale the same batch trains: one AdamW step, weights move, the count starts.
      scaler.load({ scale: 2 ** 16, growthTracker: 0 });
      const clean = await scaledTrainStep(model, optimizer, batches[0], { lr: 1e-3, maxGradNorm: 1 }, scaler);
      expect(clean.skipped).toBe(false);
      expect(optimizer.step).toBe(1);
      expect(scaler.state()).toEqual({ scale: 2 ** 16, growthTracker: 1 });
      expect(sameBits(await model.readParams(), before)).toBe(false);
      tf.dispose([clean.loss, clean.gradNorm]);
    } finally {
      setMixedPrecision(false);
      batches.forEach(disposeBatch);
      optimizer.dispose();
      model.dispose();
    }
  });

  test('gradient accumulation scales every micro-batch: one scaled step ≈ the f32 step (f16 tolerance)', async () => {
    const c = await fixtureCase(NAME);
    const batches = c.inputs.batches!.slice(0, 2).map((b) => batchFromCase(b, c.head));
    const run = async (mixed: boolean) => {
      const model = await fixtureModel(NAME, 'seqcls');
      const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0));
      setMixedPrecision(mixed);
      try {
        const opts = { lr: 1e-3, maxGradNorm: 0 };
        const r = mixed ? await scaledTrainStep(model, optimizer, batches, opts, new GradScaler()) : trainStep(model, optimizer, batches, opts);
        const out = { loss: (await r.loss.data())[0], norm: (await r.gradNorm.data())[0], weights: await model.readParams() };
        tf.dispose([r.loss, r.gradNorm]);
        return out;
      } finally {
        setMixedPrecision(false);
        optimizer.dispose();
        model.dispose();
      }
    };
    const start = (await fixtureModel(NAME, 'seqcls').then(async (m) => [await m.readParams(), m.dispose()] as const))[0];
    const [f32, mixed] = [await run(false), await run(true)];
    console.log(`ga 2: loss ${mixed.loss} vs ${f32.loss}, grad norm ${mixed.norm} vs ${f32.norm}, update distance ${updateDistance(mixed.weights, f32.weights, start).toExponential(2)}`);
    expect(Math.abs(mixed.loss - f32.loss) / f32.loss).toBeLessThan(2e-3);
    expect(Math.abs(mixed.norm - f32.norm) / f32.norm).toBeLessThan(1e-2);
    // One Adam step moves every weight by ≈ lr·sign(g): a wrong or unscaled gradient flips signs wholesale.
    expect(updateDistance(mixed.weights, f32.weights, start)).toBeLessThan(0.1);
    batches.forEach(disposeBatch);
  });
});

const N = 16;
const TRAIN: TrainConfigInput = {
  learningRate: 1e-3,
  maxSteps: N,
  warmupSteps: 3,
  schedule: 'linear',
  weightDecay: 0.01,
  maxGradNorm: 1,
  batchSize: 3,
  loggingSteps: 1,
  evalStrategy: 'no',
  dropout: { hidden: 0, attention: 0, classifier: 0 },
};
const SCALER = { initScale: 2 ** 24, growthInterval: 2 };

/** The run's weights before and after, and its step events (markers of skipped steps apart). */
async function trainOnFixture(config: TrainConfigInput, gradScaler = SCALER) {
  const c = await fixtureCase(NAME);
  const model = await fixtureModel(NAME, 'seqcls');
  try {
    const start = await model.readParams();
    const run = await runTrainer({ model, task: 'classification', labels: FIXTURE_LABELS, train: fixtureBatches(c), config, gradScaler });
    return { run, start, end: await model.readParams(), c };
  } finally {
    model.dispose();
  }
}

/** The f32 replay: the same batches and schedule, AdamW and the scheduler held on the steps flagged skipped. */
async function replayF32(skipped: boolean[], schedule: Parameters<typeof lrAtStep>[0]) {
  const c = await fixtureCase(NAME);
  const model: BertFamilyModel = await fixtureModel(NAME, 'seqcls');
  const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0.01));
  const batches: Batch[] = c.inputs.batches!.map((b) => batchFromCase(b, c.head));
  const lrs: number[] = [];
  let scheduled = 0;
  try {
    for (let k = 0; k < skipped.length; k++) {
      const lr = lrAtStep(schedule, scheduled + 1);
      lrs.push(lr);
      if (skipped[k]) continue;
      const r = trainStep(model, optimizer, batches[k % batches.length], { lr, maxGradNorm: 1 });
      tf.dispose([r.loss, r.gradNorm]);
      scheduled++;
    }
    return { weights: await model.readParams(), lrs, adamSteps: optimizer.step };
  } finally {
    batches.forEach(disposeBatch);
    optimizer.dispose();
    model.dispose();
  }
}

describe('the Trainer in mixed precision', () => {
  test(`forced overflows over ${N} steps: skipped steps, GradScaler's scale sequence, LR held, weights = the f32 replay`, async () => {
    const tensorsBefore = tf.memory().numTensors;
    const { run, start, end } = await trainOnFixture({ ...TRAIN, mixedPrecision: true });
    expect(run.outcome).toBe('completed');
    expect(tf.memory().numTensors, 'skipped and clean steps free everything they allocate').toBe(tensorsBefore);
    const regular = run.steps.filter((e) => !e.skipped);
    const markers = run.steps.filter((e): e is StepEvent & { skipped: true } => e.skipped === true);
    expect(regular.map((e) => e.step)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const skipped = regular.map((e) => markers.some((m) => m.step === e.step));
    console.log(`skipped ${skipped.map((s) => (s ? 'x' : '.')).join('')}, scales ${regular.map((e) => Math.log2(e.lossScale!)).join(' ')}`);
    // 2^24 · |dlogits| is far past 65504: the first step must overflow; a skipped step's norm is inf/NaN, the others finite.
    expect(skipped[0]).toBe(true);
    expect(skipped.filter((s) => !s).length).toBeGreaterThan(N / 3);
    regular.forEach((e, i) => expect(Number.isFinite(e.gradNorm), `step ${e.step} norm ${e.gradNorm}`).toBe(!skipped[i]));
    markers.forEach((m) => expect(m).toMatchObject({ lossScale: regular[m.step - 1].lossScale, loss: regular[m.step - 1].loss }));
    // The scale sequence is GradScaler's, replayed on the CPU from the skip flags.
    const replay = new GradScaler(SCALER);
    const expectedScales = skipped.map((s) => {
      const scale = replay.scale;
      replay.update(s);
      return scale;
    });
    expect(regular.map((e) => e.lossScale)).toEqual(expectedScales);
    // Growth happened (interval 2) and overflowed again at least once after the first clean step.
    expect(new Set(expectedScales).size).toBeGreaterThan(2);
    expect(skipped.slice(skipped.indexOf(false)).some(Boolean)).toBe(true);

    const schedule = { kind: 'linear' as const, lr: 1e-3, warmupSteps: 3, totalSteps: N };
    const f32 = await replayF32(skipped, schedule);
    // The LR of every step is the scheduler's at the number of steps that ran before it (skips hold it).
    expect(regular.map((e) => e.lr)).toEqual(f32.lrs);
    expect(f32.lrs[1]).toBe(f32.lrs[0]); // step 1 skipped: step 2 still runs at the scheduler's first LR
    const distance = updateDistance(end, f32.weights, start);
    // A replay that ignores the skips (N steps, scheduler always advancing) is a different run altogether.
    const noSkips = await replayF32(new Array(N).fill(false), schedule);
    const wrong = updateDistance(end, noSkips.weights, start);
    console.log(`update distance to the f32 replay ${distance.toExponential(2)}, to a replay without skips ${wrong.toExponential(2)}; AdamW steps ${f32.adamSteps}`);
    expect(distance).toBeLessThan(0.05);
    expect(wrong).toBeGreaterThan(4 * distance);
  });

  test('an exact resume carries the scale, the growth count and the scheduler steps', async () => {
    const features = await fixtureFeatures();
    const config: TrainConfigInput = { ...TRAIN, maxSteps: 8, evalStrategy: 'steps', evalSteps: 4, batchSize: 2, mixedPrecision: true };
    const train = (resume?: ResumeState) => trainKeepingResumeStates(config, resume, { gradScaler: SCALER });
    const full = await train();
    const state = full.states.get(4)!;
    expect(state.mixedPrecision).toBeDefined();
    const skippedBy4 = full.run.steps.filter((e) => e.skipped && e.step <= 4).length;
    expect(state.mixedPrecision!.schedulerSteps).toBe(4 - skippedBy4);
    expect(state.optimizer.step).toBe(4 - skippedBy4);
    const resumed = await train(state);
    const key = (e: StepEvent) => `${e.step}${e.skipped ? 'x' : ''} scale ${e.lossScale} lr ${e.lr} loss ${e.loss.toPrecision(6)}`;
    expect(resumed.run.steps.map(key)).toEqual(full.run.steps.filter((e) => e.step > 4).map(key));
    const [a, b] = [full.states.get(8)!, resumed.states.get(8)!];
    expect(b.mixedPrecision).toEqual(a.mixedPrecision);
    for (const [name, w] of Object.entries(a.weights)) expect(b.weights[name], name).toEqual(w);
    // A float32 state cannot continue a mixed-precision run (nor the reverse): the scale would be made up.
    const f32State: ResumeState = { ...state };
    delete f32State.mixedPrecision;
    const refused = await train(f32State);
    expect(refused.run.events.find((e) => e.type === 'error')).toMatchObject({ kind: 'invalid_config', message: expect.stringMatching(/float32, this one in mixed precision/) });
  });
});

test('measureStepMemory: weights, gradients and AdamW state add up, and mixed precision holds fewer activation bytes', async () => {
  // FFN-heavy (I = 8H, short sequences), where what mixed precision stores as f16 (linear inputs, GELU input)
  // is a large share. Attention is held to the plain path in both runs (TF.js chosen for its two products), so
  // the comparison isolates the f16 storage of the linear layers and GELU.
  const shape = { name: 'ffn', hidden: 64, layers: 2, heads: 2, intermediate: 512, vocab: 1000, batch: 8, seq: 16 };
  const D = shape.hidden / shape.heads;
  setChoice('matmul.ABt', `${shape.batch * shape.heads}x${shape.seq}x${D}x${shape.seq}`, 'tfjs');
  setChoice('matmul.AB', `${shape.batch * shape.heads}x${shape.seq}x${shape.seq}x${D}`, 'tfjs');
  try {
    const [f32, mixed] = [await measureStepMemory(shape, false), await measureStepMemory(shape, true)];
    console.log(`activation peak f32 ${f32.activationPeak} B, mixed ${mixed.activationPeak} B (${((100 * mixed.activationPeak) / f32.activationPeak).toFixed(1)}%)`);
    const model = randomModel(shape, 1);
    expect(f32.weights).toBe(model.numParameters * 4);
    model.dispose();
    for (const m of [f32, mixed]) {
      expect(m.gradients).toBe(m.weights);
      expect(m.optimizerState).toBe(2 * m.weights);
      expect(m.activationPeak).toBeGreaterThan(0);
      // tf.profile counts a buffer once per tensor sharing it: never less than the buffers themselves.
      expect(m.profileActivationPeak).toBeGreaterThanOrEqual(m.activationPeak);
    }
    expect(mixed.activationPeak).toBeLessThan(0.95 * f32.activationPeak);
  } finally {
    clearChoices();
  }
});

/**
 * Exact resume on real WebGPU with the tiny fixture model: a run's state at an evaluation (weights, AdamW
 * moments and step, data position, best checkpoint, unlogged loss), structured-cloned as IndexedDB and
 * postMessage would, continues in a fresh model and optimizer with the losses, learning rates, gradient norms,
 * evaluations and final weights of the uninterrupted run. Dropout, weight decay, warmup + linear decay and
 * gradient accumulation are all on, and the state is taken mid-epoch.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ResumeState, TrainEvent } from '../../../src/protocol/train.ts';
import type { TrainConfigInput } from '../../../src/train/config.ts';
import { trainKeepingResumeStates, webgpu } from './helpers.ts';

beforeAll(webgpu);

// 12 rows, batch 2, accumulation 2: 6 batches = 3 optimizer steps per epoch; the state at step 4 is mid-epoch 1.
const CONFIG: TrainConfigInput = {
  learningRate: 2e-3,
  batchSize: 2,
  gradientAccumulationSteps: 2,
  maxSteps: 8,
  warmupSteps: 2,
  schedule: 'linear',
  weightDecay: 0.01,
  evalStrategy: 'steps',
  evalSteps: 4,
  seed: 7,
  dropout: { hidden: 0.1, attention: 0.1, classifier: 0.1 },
};
const SNAPSHOT_STEP = 4;

/** The whole run with its resume states (tests/gpu/train/helpers.ts). */
const train = (config: TrainConfigInput, resume?: ResumeState) => trainKeepingResumeStates(config, resume);

type Logged = Extract<TrainEvent, { type: 'step' | 'eval' }>;
const logged = (events: TrainEvent[]) => events.filter((e): e is Logged => e.type === 'step' || e.type === 'eval');
const after = (events: TrainEvent[], step: number) => logged(events).filter((e) => e.step > step);
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

for (const loggingSteps of [1, 3]) {
  test(`resumed from step ${SNAPSHOT_STEP} in a fresh model and optimizer = the uninterrupted run (loggingSteps ${loggingSteps})`, async () => {
    const config = { ...CONFIG, loggingSteps };
    const full = await train(config);
    expect(full.run.outcome).toBe('completed');
    const state = full.states.get(SNAPSHOT_STEP);
    expect(state).toBeDefined();
    expect(state!).toMatchObject({ step: 4, totalSteps: 8, epoch: 1, batch: 2, seed: 7, sinceImprovement: 0 });
    expect(state!.optimizer.step).toBe(4);
    expect(Object.keys(state!.optimizer.moments).length).toBeGreaterThan(0);
    expect(state!.best?.step).toBe(4);
    // Logging every 3 steps leaves step 4's loss unlogged at the evaluation: it must travel with the state.
    expect(state!.pendingLoss.steps).toBe(loggingSteps === 1 ? 0 : 1);

    const resumed = await train(config, state!);
    expect(resumed.run.outcome).toBe('completed');
    expect(resumed.run.events.find((e) => e.type === 'ready')).toMatchObject({ totalSteps: 8 });
    const ref = after(full.run.events, SNAPSHOT_STEP);
    const got = logged(resumed.run.events);
    expect(got.map((e) => `${e.type}@${e.step}`)).toEqual(ref.map((e) => `${e.type}@${e.step}`));
    expect(got[0].step).toBe(SNAPSHOT_STEP + 1 + (loggingSteps === 1 ? 0 : 1));
    let worst = 0;
    got.forEach((e, i) => {
      const r = ref[i];
      if (e.type === 'step' && r.type === 'step') {
        expect(e.epoch).toBe(r.epoch);
        expect(e.lr).toBe(r.lr);
        for (const k of ['loss', 'gradNorm'] as const) worst = Math.max(worst, relErr(e[k], r[k]));
      } else if (e.type === 'eval' && r.type === 'eval') {
        for (const [k, v] of Object.entries(r.result.metrics)) worst = Math.max(worst, relErr(e.result.metrics[k], v));
      }
    });
    const fullDone = full.run.events.find((e) => e.type === 'done');
    const resumedDone = resumed.run.events.find((e) => e.type === 'done');
    expect(resumedDone).toMatchObject({ reason: 'completed', step: 8, bestStep: (fullDone as { bestStep: number }).bestStep });
    // The last evaluation's weights and AdamW moments, every tensor.
    const [a, b] = [full.states.get(8)!, resumed.states.get(8)!];
    expect(b.optimizer.step).toBe(8);
    let tensorErr = 0;
    const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    for (const [name, w] of Object.entries(a.weights)) tensorErr = Math.max(tensorErr, maxDiff(b.weights[name], w));
    for (const [name, { m, v }] of Object.entries(a.optimizer.moments)) tensorErr = Math.max(tensorErr, maxDiff(b.optimizer.moments[name].m, m), maxDiff(b.optimizer.moments[name].v, v));
    console.log(`loggingSteps ${loggingSteps}: worst relative error of losses, grad norms and metrics ${worst.toExponential(2)}; weights and moments at step 8, max |Δ| ${tensorErr.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    expect(tensorErr).toBeLessThan(1e-6);
  });
}

test('a state from another plan is refused with invalid_config, before any step', async () => {
  const foreign: ResumeState = {
    step: 2, totalSteps: 5, epoch: 0, batch: 4, seed: 7, metric: 'accuracy', value: 0.5, weights: {},
    optimizer: { step: 2, moments: {} }, best: null, sinceImprovement: 0, pendingLoss: { sum: 0, steps: 0 },
  };
  const other = await train({ ...CONFIG, loggingSteps: 1 }, foreign);
  expect(other.run.outcome).toBe('failed');
  expect(other.run.events.find((e) => e.type === 'error')).toMatchObject({ kind: 'invalid_config', message: expect.stringMatching(/Cannot resume exactly: the saved run has 5 steps, this one 8/) });
  expect(other.run.steps).toEqual([]);
});

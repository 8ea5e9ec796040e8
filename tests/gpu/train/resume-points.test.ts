/**
 * Resume points between evaluations (issue 15): with evaluation off, a state is taken every resumeEverySteps
 * steps and on pause and stop, announced by a 'resumePoint' event, and a run resumed from one continues exactly
 * as the uninterrupted run (same losses, same weights and AdamW moments at the next point).
 */
import { beforeAll, expect, test } from 'vitest';
import type { ResumeState, TrainEvent } from '../../../src/protocol/train.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import type { TrainConfigInput } from '../../../src/train/config.ts';
import type { Trainer } from '../../../src/train/trainer.ts';
import { FIXTURE_LABELS, fixtureFeatures, fixtureModel, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

const CONFIG: TrainConfigInput = {
  learningRate: 2e-3, batchSize: 2, gradientAccumulationSteps: 2, maxSteps: 8, warmupSteps: 2, weightDecay: 0.01,
  evalStrategy: 'no', loggingSteps: 1, seed: 7, dropout: { hidden: 0.1, attention: 0.1, classifier: 0.1 },
  resumeEverySteps: 3, resumeEveryMinutes: 0,
};

type Point = Extract<TrainEvent, { type: 'resumePoint' }>;

async function train(resume?: ResumeState, control?: (e: TrainEvent, t: Trainer) => void, more: { maxSteps?: number; extend?: boolean } = {}) {
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  const states = new Map<number, ResumeState>();
  try {
    const run = await runTrainer(
      {
        model, task: 'classification', labels: FIXTURE_LABELS, config: { ...CONFIG, ...(more.maxSteps ? { maxSteps: more.maxSteps } : {}) }, keepResumeState: true,
        ...(more.extend ? { extend: true } : {}),
        train: new FeatureBatches(await fixtureFeatures(), { batchSize: 2, shuffle: true, seed: 7, labelKind: 'class' }),
        ...(resume ? { resume } : {}),
      },
      (e, t) => {
        if (e.type === 'resumePoint') states.set(e.step, structuredClone(t.resumeState()!));
        control?.(e, t);
      },
    );
    return { run, states, points: run.events.filter((e): e is Point => e.type === 'resumePoint') };
  } finally {
    model.dispose();
  }
}

const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);

test('evaluation off: points every 3 steps and on pause; resuming from step 3 reproduces the run to the point at step 6', async () => {
  const full = await train(undefined, (e, t) => {
    if (e.type === 'step' && e.step === 7) {
      t.pause();
      setTimeout(() => t.resume(), 50);
    }
  });
  expect(full.run.outcome).toBe('completed');
  expect(full.points.map((p) => `${p.reason}@${p.step}`)).toEqual(['steps@3', 'steps@6', 'pause@7']);
  const at3 = full.states.get(3)!;
  expect(at3).toMatchObject({ step: 3, totalSteps: 8, epoch: 1, batch: 0, best: null, pendingLoss: { steps: 0 } });
  expect(Number.isNaN(at3.value)).toBe(true); // not evaluated

  const resumed = await train(at3);
  expect(resumed.run.outcome).toBe('completed');
  const losses = (r: typeof full) => r.run.steps.filter((s) => s.step > 3).map((s) => s.loss);
  expect(losses(resumed)).toHaveLength(5);
  losses(resumed).forEach((l, i) => expect(Math.abs(l - losses(full)[i]) / losses(full)[i]).toBeLessThan(1e-6));
  const [a, b] = [full.states.get(6)!, resumed.states.get(6)!];
  let worst = 0;
  for (const [name, w] of Object.entries(a.weights)) worst = Math.max(worst, maxDiff(b.weights[name], w));
  for (const [name, { m, v }] of Object.entries(a.optimizer.moments)) worst = Math.max(worst, maxDiff(b.optimizer.moments[name].m, m), maxDiff(b.optimizer.moments[name].v, v));
  expect(worst).toBeLessThan(1e-6);
});

test('stop takes a point at the step it stops on, before the final evaluation restores the best weights', async () => {
  const stopped = await train(undefined, (e, t) => {
    if (e.type === 'step' && e.step === 5) t.stop();
  });
  expect(stopped.run.outcome).toBe('stopped');
  expect(stopped.points.map((p) => `${p.reason}@${p.step}`)).toEqual(['steps@3', 'stop@5']);
  expect(stopped.states.get(5)).toMatchObject({ step: 5, epoch: 1, batch: 4 });
});

test('a stopped run continues later for more steps: weights, moments and data position from its stop point, a longer schedule', async () => {
  const stopped = await train(undefined, (e, t) => {
    if (e.type === 'step' && e.step === 5) t.stop();
  });
  const at5 = stopped.states.get(5)!;
  // Exact resume refuses a longer plan; continuing accepts it.
  const refused = await train(at5, undefined, { maxSteps: 12 });
  expect(refused.run.events.find((e) => e.type === 'error')).toMatchObject({ kind: 'invalid_config', message: expect.stringMatching(/the saved run has 8 steps, this one 12/) });
  const more = await train(at5, undefined, { maxSteps: 12, extend: true });
  expect(more.run.outcome).toBe('completed');
  expect(more.run.events.find((e) => e.type === 'ready')).toMatchObject({ totalSteps: 12 });
  expect(more.run.steps.map((s) => s.step)).toEqual([6, 7, 8, 9, 10, 11, 12]);
  // AdamW continues its count (bias correction) and the points after it belong to the 12-step plan.
  expect(more.points.map((p) => p.step)).toEqual([8, 11]); // every 3 steps from the stop point
  expect(more.states.get(8)).toMatchObject({ step: 8, totalSteps: 12 });
  expect(more.states.get(8)!.optimizer.step).toBe(8);
  // The first step after 5 starts from the stopped weights: its loss equals the stopped run's at step 6, had it gone on
  // (same weights, batch and dropout; only the learning rate of the longer schedule differs, which acts after the loss).
  const uninterrupted = await train();
  const loss6 = uninterrupted.run.steps.find((s) => s.step === 6)!.loss;
  expect(Math.abs(more.run.steps[0].loss - loss6) / loss6).toBeLessThan(1e-6);
  expect(more.run.steps[0].lr).not.toBe(uninterrupted.run.steps.find((s) => s.step === 6)!.lr);
});

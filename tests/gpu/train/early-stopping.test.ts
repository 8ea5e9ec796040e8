/**
 * Early stopping through the real loop (Trainer.evaluateValidation + the loop's patience check) on WebGPU with
 * the tiny fixture model: the metrics the run reported, replayed through transformers' rule by hand
 * (tests/unit/train/earlyStoppingReplay.ts), must give the run's own decisions — which evaluations became the
 * best checkpoint, which one stopped the run, and the step it kept.
 */
import { beforeAll, expect, test } from 'vitest';
import type { TrainEvent } from '../../../src/protocol/train.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { replayTransformers } from '../../unit/train/earlyStoppingReplay.ts';
import { FIXTURE_LABELS, fixtureFeatures, fixtureModel, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

test('validation loss (lower is better) with a threshold: the run stops and keeps the best where the replay does', async () => {
  const features = await fixtureFeatures();
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  const patience = 2;
  const minDelta = 0.02;
  try {
    const run = await runTrainer({
      model,
      task: 'classification',
      labels: FIXTURE_LABELS,
      train: new FeatureBatches(features, { batchSize: 4, shuffle: true, seed: 3, labelKind: 'class' }),
      validation: { features },
      config: { learningRate: 1e-2, batchSize: 4, loggingSteps: 1, seed: 3, maxSteps: 30, evalStrategy: 'steps', evalSteps: 1, metricForBest: 'loss', earlyStopping: { patience, minDelta } },
    });
    const evals = run.events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval' && e.split === 'validation');
    const losses = evals.map((e) => e.result.metrics.loss);
    console.log(`validation losses: ${losses.map((l) => l.toFixed(5)).join(', ')}; isBest: ${evals.map((e) => e.isBest).join(', ')}`);
    const reference = replayTransformers({ metrics: losses, greaterIsBetter: false, threshold: minDelta, patience });
    expect(reference.stopAt, 'the replay stops on the last evaluation the run made').toBe(evals.length - 1);
    // What this run exercises (seeded, so fixed): a new best whose gain is under minDelta (it counts toward
    // patience), and the counter back at 0 after it had started.
    const counter = reference.counter;
    expect(counter.some((c, i) => reference.isBest[i] && c > 0), 'a best that does not reset').toBe(true);
    expect(counter.some((c, i) => c === 0 && i > 0 && counter[i - 1] > 0), 'a reset after a non-improvement').toBe(true);
    expect(run.outcome).toBe('early_stopping');
    expect(evals.length).toBeLessThan(30);
    expect(evals.map((e) => e.step)).toEqual(evals.map((_, i) => i + 1));
    expect(run.steps.at(-1)?.step, 'no step after the stopping evaluation').toBe(evals.length);
    expect(evals.map((e) => e.isBest)).toEqual(reference.isBest);
    const bestStep = evals[reference.bestAt!].step;
    expect(run.trainer.best?.step).toBe(bestStep);
    const last = evals[evals.length - 1];
    expect(run.events.find((e) => e.type === 'done')).toMatchObject({ reason: 'early_stopping', step: last.step, bestStep, bestMetric: { name: 'loss', value: losses[reference.bestAt!] } });
  } finally {
    model.dispose();
  }
});

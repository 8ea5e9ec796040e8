/**
 * trainer_state.json → the studio's History and run summary. The 4.27 file is real: train.py of a classification
 * run's Trainer project under transformers 4.27.4 (eval every 5 steps, early stopping after 15 of 20 steps).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { evalSeries, stepSeries, trainLossData } from '../../../src/charts/build';
import { importTrainerState, TrainerStateError } from '../../../src/export/trainer/importState';

const state427 = JSON.parse(readFileSync(new URL('./trainer_state.cls-4.27.json', import.meta.url), 'utf8'));

describe('transformers 4.27 (no grad_norm)', () => {
  const run = importTrainerState(state427, { preferred: 'accuracy' });

  test('training logs become the step series: loss, learning_rate → lr, epoch', () => {
    const h = run.history;
    expect(h.step).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(h.loss.slice(0, 3)).toEqual([0.6923, 0.6938, 0.6923]);
    expect(h.lr[0]).toBe(0.00030000000000000003);
    expect(h.lr[14]).toBe(0.0002647058823529412);
    expect(h.epoch[6]).toBe(1.0);
    // Not in 4.27's logs: gaps, not zeros.
    expect(h.gradNorm.every(Number.isNaN)).toBe(true);
    expect(h.tokensPerSecond.every(Number.isNaN)).toBe(true);
    expect(run.notes.join(' ')).toMatch(/no grad_norm in log_history/);
  });

  test('eval_<metric> → <metric> at each evaluation; timings dropped; the summary entry is not a step', () => {
    const h = run.history;
    expect(h.evalStep).toEqual([5, 10, 15]);
    expect(Object.keys(h.evalMetrics).sort()).toEqual(['accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'loss', 'precision_macro', 'recall_macro']);
    expect(h.evalMetrics.loss).toEqual([0.6929462552070618, 0.6926506161689758, 0.6925933361053467]);
    expect(h.evalMetrics.f1_macro).toEqual([0.3684210526315789, 0.3684210526315789, 0.3684210526315789]);
    expect(run.trainLoss).toBe(0.6932251652081808);
    expect(run.trainRuntimeSeconds).toBe(0.9518);
  });

  test('the run summary: steps, best checkpoint, early stop', () => {
    expect(run).toMatchObject({ lastStep: 15, totalSteps: 20, epochs: 3, bestStep: 5, stoppedEarly: true, test: null });
    expect(run.bestMetric).toEqual({ name: 'accuracy', value: 0.5833333333333334 });
    expect(run.validation).toMatchObject({ loss: 0.6929462552070618, accuracy: 0.5833333333333334 });
  });

  test('the best metric\'s name: the run\'s metric_for_best_model when given, else the first metric with that value', () => {
    expect(importTrainerState(state427, { metricForBest: 'f1_micro' }).bestMetric).toEqual({ name: 'f1_micro', value: 0.5833333333333334 });
    expect(importTrainerState(state427).bestMetric?.name).toBe('accuracy');
    const odd = importTrainerState({ ...state427, best_metric: 0.123 });
    expect(odd.bestMetric).toBeNull();
    expect(odd.notes.join(' ')).toMatch(/best_metric 0.123 is not named/);
  });

  test('the charts build from it as from a browser run', () => {
    const [steps, loss] = trainLossData(run.history);
    expect(steps).toHaveLength(15);
    expect(loss[14]).toBe(0.6959);
    expect(Array.from(stepSeries(run.history, 'gradNorm')[1] as ArrayLike<number | null>).every((v) => v === null)).toBe(true);
    expect(evalSeries(run.history, ['accuracy', 'missing'])).toEqual([[5, 10, 15], [0.5833333333333334, 0.5833333333333334, 0.5833333333333334], [null, null, null]]);
  });
});

test('newer Trainers: grad_norm charted; final evaluate(metric_key_prefix=…) entries are the final metrics', () => {
  const state = {
    global_step: 4,
    max_steps: 4,
    num_train_epochs: 1,
    best_metric: null,
    best_model_checkpoint: null,
    log_history: [
      { epoch: 0.5, grad_norm: 3.25, learning_rate: 2e-5, loss: 1.1, step: 2 },
      { epoch: 0.5, eval_f1: 40.5, eval_exact_match: 30, eval_loss: 2.5, eval_runtime: 1.2, eval_samples_per_second: 8, eval_steps_per_second: 1, step: 2 },
      { epoch: 1, grad_norm: 2.5, learning_rate: 0, loss: 0.9, step: 4 },
      { epoch: 1, eval_f1: 55, eval_exact_match: 50, eval_loss: 2.25, step: 4 },
      { epoch: 1, step: 4, train_loss: 1.0, train_runtime: 12.5, total_flos: 1 },
      { epoch: 1, step: 4, test_f1: 51, test_exact_match: 47, test_runtime: 2 },
    ],
  };
  const run = importTrainerState(state, { preferred: 'f1' });
  expect(run.history.gradNorm).toEqual([3.25, 2.5]);
  expect(run.history.lr).toEqual([2e-5, 0]);
  expect(run.history.evalMetrics).toEqual({ f1: [40.5, 55], exact_match: [30, 50], loss: [2.5, 2.25] });
  expect(run.notes).toEqual([]);
  // No best checkpoint: the last evaluation.
  expect(run).toMatchObject({ bestStep: null, bestMetric: null, stoppedEarly: false, validation: { f1: 55, exact_match: 50, loss: 2.25 }, test: { f1: 51, exact_match: 47 } });
});

test('anything but a trainer_state.json is refused', () => {
  expect(() => importTrainerState({ best_metric: 1 })).toThrow(TrainerStateError);
  expect(() => importTrainerState({ log_history: [{ loss: 1 }] })).toThrow(/log_history\[0\] has no numeric "step"/);
});

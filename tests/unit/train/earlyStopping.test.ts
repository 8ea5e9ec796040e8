/**
 * Early stopping against the hand replay of transformers' rule (earlyStoppingReplay.ts), on scripted metric
 * sequences: a threshold, a metric where lower is better, and the counter resetting after an improvement.
 */
import { describe, expect, test } from 'vitest';
import { judgeEvaluation, patienceExhausted, type EarlyStoppingRule } from '../../../src/train/earlyStopping.ts';
import { replayTransformers, type Decisions, type Script } from './earlyStoppingReplay.ts';

/** The production functions, driven the way Trainer.evaluateValidation and its loop drive them. */
function replayProduct(s: Script): Decisions {
  const rule: EarlyStoppingRule = { greaterIsBetter: s.greaterIsBetter, minDelta: s.threshold };
  let best: number | null = null;
  let since = 0;
  const out: Decisions = { isBest: [], counter: [], stopAt: null, bestAt: null };
  for (const [i, metric] of s.metrics.entries()) {
    const v = judgeEvaluation(metric, best, since, rule);
    since = v.sinceImprovement;
    if (v.isBest) {
      best = metric;
      out.bestAt = i;
    }
    out.isBest.push(v.isBest);
    out.counter.push(since);
    if (patienceExhausted(since, s.patience)) {
      out.stopAt = i;
      break;
    }
  }
  return out;
}

const T = true;
const F = false;

describe('early stopping = transformers EarlyStoppingCallback, on scripted metrics', () => {
  const cases: { what: string; script: Script; expected: Decisions }[] = [
    {
      // 0.54 is a new best but gains only 0.04 <= 0.05; 0.58 is then measured against 0.54 (the best), not
      // against 0.50 (the last significant value, as Keras' min_delta would): 0.04 again, so it stops.
      what: 'threshold: a small gain becomes the best checkpoint yet counts toward patience',
      script: { metrics: [0.5, 0.54, 0.58, 0.9], greaterIsBetter: true, threshold: 0.05, patience: 2 },
      expected: { isBest: [T, T, T], counter: [0, 1, 2], stopAt: 2, bestAt: 2 },
    },
    {
      // Exactly representable: a gain equal to the threshold is not "more than" it.
      what: 'threshold: a gain equal to the threshold does not reset, a larger one does',
      script: { metrics: [0.5, 0.75, 1.5, 1.25, 1.25], greaterIsBetter: true, threshold: 0.25, patience: 3 },
      expected: { isBest: [T, T, T, F, F], counter: [0, 1, 0, 1, 2], stopAt: null, bestAt: 2 },
    },
    {
      what: 'lower is better (loss): a drop resets, a rise or a tie counts',
      script: { metrics: [1.0, 0.8, 0.9, 0.8, 0.7, 0.75, 0.7, 0.71], greaterIsBetter: false, threshold: 0, patience: 3 },
      expected: { isBest: [T, T, F, F, T, F, F, F], counter: [0, 0, 1, 2, 0, 1, 2, 3], stopAt: 7, bestAt: 4 },
    },
    {
      what: 'lower is better with a threshold: a drop under it is a best that does not reset',
      script: { metrics: [1.0, 0.7, 0.65, 0.62, 0.3], greaterIsBetter: false, threshold: 0.1, patience: 2 },
      expected: { isBest: [T, T, T, T], counter: [0, 0, 1, 2], stopAt: 3, bestAt: 3 },
    },
    {
      // Without the reset at 0.6 the run would stop at the third evaluation.
      what: 'the counter resets after an improvement, then runs out again',
      script: { metrics: [0.5, 0.4, 0.45, 0.6, 0.55, 0.58, 0.59, 0.9], greaterIsBetter: true, threshold: 0, patience: 3 },
      expected: { isBest: [T, F, F, T, F, F, F], counter: [0, 1, 2, 0, 1, 2, 3], stopAt: 6, bestAt: 3 },
    },
  ];
  for (const c of cases) {
    test(c.what, () => {
      const reference = replayTransformers(c.script);
      expect(reference).toEqual(c.expected);
      expect(replayProduct(c.script)).toEqual(reference);
    });
  }

  test('patience 0 never stops; otherwise the counter reaching patience does', () => {
    expect(patienceExhausted(100, 0)).toBe(false);
    expect(patienceExhausted(2, 3)).toBe(false);
    expect(patienceExhausted(3, 3)).toBe(true);
  });

  // A product choice, not the library's (transformers skips a missing metric and takes a NaN as the first best).
  test('a missing or non-finite metric is never the best and counts toward patience (even as the first)', () => {
    const rule = { greaterIsBetter: true, minDelta: 0 };
    expect(judgeEvaluation(Number.NaN, null, 0, rule)).toEqual({ isBest: false, sinceImprovement: 1 });
    expect(judgeEvaluation(undefined, 0.5, 1, rule)).toEqual({ isBest: false, sinceImprovement: 2 });
    expect(judgeEvaluation(Number.POSITIVE_INFINITY, 0.5, 0, rule)).toEqual({ isBest: false, sinceImprovement: 1 });
  });
});

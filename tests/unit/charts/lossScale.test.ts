/** Mixed-precision steps in the history and charts: skipped-step markers, the loss-scale series, inf norms as gaps. */
import { describe, expect, test } from 'vitest';
import { hasLossScale, lossScaleData, stepSeries } from '../../../src/charts/build';
import { appendStep, emptyHistory, truncateHistory, type History } from '../../../src/charts/history';

const step = (n: number, extra: { lossScale?: number; skipped?: true; gradNorm?: number } = {}) =>
  ({ type: 'step' as const, step: n, epoch: n / 10, loss: 1 / n, lr: 1e-4, gradNorm: 1, tokensPerSecond: 100, elapsedMs: n * 10, ...extra });

describe('skipped steps', () => {
  test('are markers with their scale, not points of the loss series; the next logged point carries the new scale', () => {
    const h = emptyHistory();
    appendStep(h, step(1, { lossScale: 65536 }));
    appendStep(h, step(2, { lossScale: 65536, skipped: true, gradNorm: Infinity }));
    appendStep(h, step(2, { lossScale: 65536, gradNorm: Infinity })); // the logging event of the same step
    appendStep(h, step(3, { lossScale: 32768 }));
    expect(h.step).toEqual([1, 2, 3]);
    expect(h.lossScale).toEqual([65536, 65536, 32768]);
    expect(h.skippedStep).toEqual([2]);
    expect(h.skippedScale).toEqual([65536]);
    expect(hasLossScale(h)).toBe(true);
    expect(lossScaleData(h)).toEqual([[1, 2, 3], [65536, 65536, 32768], [null, 65536, null]]);
    // The gradient-norm chart shows the skipped step's inf as a gap, not an infinite axis.
    expect(stepSeries(h, 'gradNorm')[1]).toEqual([1, null, 1]);
    const cut = truncateHistory(h, 1);
    expect([cut.step, cut.lossScale, cut.skippedStep]).toEqual([[1], [65536], []]);
  });

  test('a marker between logging steps still gets its own x; float32 runs have no loss-scale chart', () => {
    const h = emptyHistory();
    appendStep(h, step(10, { lossScale: 8 }));
    appendStep(h, step(13, { lossScale: 8, skipped: true }));
    appendStep(h, step(20, { lossScale: 4 }));
    expect(lossScaleData(h)).toEqual([[10, 13, 20], [8, null, 4], [null, 8, null]]);
    const f32 = emptyHistory();
    appendStep(f32, step(1));
    expect(hasLossScale(f32)).toBe(false);
  });

  test('histories saved before mixed precision (no new columns) still append and truncate', () => {
    const old = { ...emptyHistory() } as History;
    delete old.lossScale;
    delete old.skippedStep;
    delete old.skippedScale;
    appendStep(old, step(1));
    appendStep(old, step(2, { lossScale: 4, skipped: true }));
    appendStep(old, step(2, { lossScale: 4 }));
    expect(old.lossScale).toEqual([null, 4]);
    expect(old.skippedStep).toEqual([2]);
    const legacy = { ...emptyHistory(), step: [1], epoch: [0], loss: [1], lr: [1], gradNorm: [1], tokensPerSecond: [1], elapsedMs: [1] } as History;
    delete legacy.lossScale;
    expect(truncateHistory(legacy, 5).lossScale).toEqual([null]);
    expect(lossScaleData(legacy)).toEqual([[1], [null], [null]]);
  });
});

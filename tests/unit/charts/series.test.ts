import { describe, expect, test } from 'vitest';
import { appendEval, appendStep, emptyHistory, progressOf } from '../../../src/charts/history';
import { downsample, ema, formatDuration } from '../../../src/charts/series';

describe('ema', () => {
  test('weight 0 is the raw series', () => {
    expect(ema([3, 1, 4], 0)).toEqual([3, 1, 4]);
  });
  test('is debiased: a constant series stays constant from the first point', () => {
    for (const v of ema([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 12);
  });
  test('matches the TensorBoard recurrence', () => {
    const w = 0.6;
    const xs = [1, 3, 2];
    const l1 = (1 - w) * 1;
    const l2 = w * l1 + (1 - w) * 3;
    const l3 = w * l2 + (1 - w) * 2;
    const got = ema(xs, w);
    expect(got[0]).toBeCloseTo(l1 / (1 - w), 12);
    expect(got[1]).toBeCloseTo(l2 / (1 - w ** 2), 12);
    expect(got[2]).toBeCloseTo(l3 / (1 - w ** 3), 12);
  });
  test('skips gaps without resetting', () => {
    const got = ema([1, null, NaN, 1], 0.5);
    expect(got[1]).toBeNull();
    expect(got[2]).toBeNull();
    expect(got[3]).toBeCloseTo(1, 12);
  });
  test('rejects a weight of 1', () => {
    expect(() => ema([1], 1)).toThrow();
  });
});

describe('downsample', () => {
  test('short series come back unchanged', () => {
    expect(downsample([0, 1, 2], [5, 6, 7], 10)).toEqual({ x: [0, 1, 2], y: [5, 6, 7] });
  });
  test('keeps at most maxPoints points, in x order, and every bucket extreme', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => Math.sin(i / 50));
    ys[4321] = 100; // a spike
    ys[7777] = -100;
    const d = downsample(xs, ys, 500);
    expect(d.x.length).toBeLessThanOrEqual(500);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]).toBeGreaterThan(d.x[i - 1]);
    expect(d.y).toContain(100);
    expect(d.y).toContain(-100);
    expect(Math.max(...(d.y as number[]))).toBe(100);
  });
  test('an all-null bucket stays a gap', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const ys: (number | null)[] = xs.map((i) => (i < 50 ? null : i));
    const d = downsample(xs, ys, 10);
    expect(d.y[0]).toBeNull();
    expect(d.y.at(-1)).toBe(99);
  });
});

describe('history', () => {
  const step = (s: number, ms: number) => ({ type: 'step' as const, step: s, epoch: 0, loss: 1, lr: 1e-4, gradNorm: 1, tokensPerSecond: 100, elapsedMs: ms });
  test('eval columns stay aligned when metrics come and go', () => {
    const h = emptyHistory();
    appendEval(h, 10, { loss: 1 });
    appendEval(h, 20, { loss: 0.5, accuracy: 0.7 });
    appendEval(h, 30, { accuracy: 0.8 });
    expect(h.evalStep).toEqual([10, 20, 30]);
    expect(h.evalMetrics.loss).toEqual([1, 0.5, null]);
    expect(h.evalMetrics.accuracy).toEqual([null, 0.7, 0.8]);
  });
  test('ETA from the recent time per step; resume offsets steps', () => {
    const h = emptyHistory();
    appendStep(h, step(10, 1000), 100, 5000);
    appendStep(h, step(20, 2000), 100, 5000);
    expect(h.step).toEqual([110, 120]);
    const p = progressOf(h, 220);
    expect(p.step).toBe(120);
    expect(p.etaSeconds).toBeCloseTo(10, 6); // 100 steps at 100 ms
  });
  test('formatDuration', () => {
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});

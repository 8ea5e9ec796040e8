import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../../src/metrics/index.ts';

describe('classificationMetrics (hand-computed)', () => {
  // gold a a b c / pred a b b a:
  //   a: tp 1, predicted 2, support 2 → P ½, R ½, F ½
  //   b: tp 1, predicted 2, support 1 → P ½, R 1, F ⅔
  //   c: tp 0, never predicted       → P 0/0 = 0 (zero_division=0), R 0, F 0
  const m = classificationMetrics(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'a']);

  it('per class, with zero_division=0 for a never-predicted class', () => {
    expect(m.labels).toEqual(['a', 'b', 'c']);
    expect(m.per_class.a).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.per_class.b.precision).toBe(0.5);
    expect(m.per_class.b.recall).toBe(1);
    expect(m.per_class.b.f1).toBeCloseTo(2 / 3, 15);
    expect(m.per_class.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('averages: macro includes the zero class, weighted by support, micro = accuracy', () => {
    expect(m.accuracy).toBe(0.5);
    expect(m.f1_micro).toBe(0.5);
    expect(m.precision_micro).toBe(0.5);
    expect(m.f1_macro).toBeCloseTo((0.5 + 2 / 3 + 0) / 3, 15);
    expect(m.precision_macro).toBeCloseTo(1 / 3, 15);
    expect(m.recall_macro).toBe(0.5);
    expect(m.f1_weighted).toBeCloseTo((0.5 * 2 + 2 / 3) / 4, 15);
    expect(m.recall_weighted).toBe(0.5);
  });

  it('confusion matrix rows are gold, columns predicted; predicted counts', () => {
    expect(m.confusion_matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(m.predicted_counts).toEqual({ a: 2, b: 2, c: 0 });
  });

  it('a label that is only predicted is counted (support 0 → recall 0) and drags macro down', () => {
    const r = classificationMetrics(['x', 'x'], ['x', 'y']);
    expect(r.labels).toEqual(['x', 'y']);
    expect(r.per_class.y).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.recall_macro).toBe(0.25);
    expect(r.recall_weighted).toBe(0.5);
  });

  it('orders labels like Python (code points), numbers numerically', () => {
    expect(classificationMetrics(['b', 'B', 'a'], ['a', 'a', 'a']).labels).toEqual(['B', 'a', 'b']);
    expect(classificationMetrics([10, 2], [1, 10]).labels).toEqual([1, 2, 10]);
  });

  it('rejects misaligned or empty input', () => {
    expect(() => classificationMetrics(['a'], [])).toThrow(/1 gold labels but 0/);
    expect(() => classificationMetrics([], [])).toThrow(/no examples/);
  });
});

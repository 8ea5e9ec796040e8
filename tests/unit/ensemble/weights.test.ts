/** Member weights: normalisation and the search over the simplex. */
import { describe, expect, test } from 'vitest';
import { normalizeWeights, searchWeights } from '../../../src/ensemble/index';

describe('normalizeWeights', () => {
  test('scales to sum 1', () => {
    expect(normalizeWeights([1, 3])).toEqual([0.25, 0.75]);
  });
  test('rejects negative, non-finite and all-zero weights', () => {
    expect(() => normalizeWeights([-1, 2])).toThrow(/>= 0/);
    expect(() => normalizeWeights([NaN, 2])).toThrow(/finite/);
    expect(() => normalizeWeights([0, 0])).toThrow(/not all be 0/);
  });
});

describe('searchWeights', () => {
  test('the grid has C(10 + n - 1, n - 1) points: 11, 66, 286, plus equal weights when off the grid (n = 3, 4)', () => {
    expect(searchWeights(2, () => 0).evaluated).toBe(11);
    expect(searchWeights(3, () => 0).evaluated).toBe(67);
    expect(searchWeights(4, () => 0).evaluated).toBe(287);
  });

  test('a flat metric keeps equal weights', () => {
    const r = searchWeights(3, () => 0.5);
    expect(r.weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(r).toMatchObject({ method: 'grid', score: 0.5, equalScore: 0.5 });
  });

  test('finds the peak of a smooth metric on the grid', () => {
    const r = searchWeights(2, (w) => -((w[0] - 0.7) ** 2));
    expect(r.weights[0]).toBeCloseTo(0.7, 12);
    expect(r.weights[1]).toBeCloseTo(0.3, 12);
  });

  test('plateaus resolve to the point closest to equal weights', () => {
    // Every weighting with w0 >= .6 scores 1; the closest to (1/3, 1/3, 1/3) among them is (.6, .2, .2).
    const r = searchWeights(3, (w) => (w[0] >= 0.6 - 1e-9 ? 1 : 0));
    r.weights.forEach((x, i) => expect(x).toBeCloseTo([0.6, 0.2, 0.2][i], 12));
    expect(r.equalScore).toBe(0);
  });

  test('more than 4 members: coordinate ascent from equal weights', () => {
    const calls: number[][] = [];
    const r = searchWeights(6, (w) => {
      calls.push(w);
      return w[4] - 0.1 * w[0];
    });
    expect(r.method).toBe('coordinate ascent');
    r.weights.forEach((x, i) => expect(x).toBeCloseTo(i === 4 ? 1 : 0, 12));
    expect(r.score).toBeCloseTo(1, 12);
    // far fewer evaluations than the C(15, 5) = 3003 points of the grid
    expect(r.evaluated).toBeLessThan(200);
    for (const w of calls) expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

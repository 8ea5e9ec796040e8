import { describe, expect, it } from 'vitest';
import { rocAuc, searchThreshold } from '../../../src/metrics/index.ts';

describe('rocAuc (Mann–Whitney, ties count ½)', () => {
  it('separable, reversed, constant', () => {
    expect(rocAuc([false, false, true, true], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([true, true, false, false], [0.1, 0.2, 0.3, 0.4])).toBe(0);
    expect(rocAuc([true, false, true, false], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('a tied positive/negative pair counts one half', () => {
    // pairs (pos, neg): (0.5, 0.5) ½, (0.5, 0.1) 1, (0.9, 0.5) 1, (0.9, 0.1) 1 → 3.5 / 4
    expect(rocAuc([true, false, true, false], [0.5, 0.5, 0.9, 0.1])).toBe(0.875);
    // pos {0.3, 0.7, 0.7}, neg {0.7, 0.2}: vs 0.7 → 0, ½, ½; vs 0.2 → 1, 1, 1 → 4 / 6
    expect(rocAuc([true, true, true, false, false], [0.3, 0.7, 0.7, 0.7, 0.2])).toBeCloseTo(4 / 6, 15);
  });

  it('is null when the gold column has one value', () => {
    expect(rocAuc([false, false], [0.1, 0.9])).toBeNull();
    expect(rocAuc([true, true], [0.1, 0.9])).toBeNull();
  });
});

describe('searchThreshold', () => {
  it('picks the best F1 and counts candidates (distinct scores ∪ {0.5})', () => {
    // t=0.9: tp1 fp0 → F 2/3; t=0.8/0.5: tp1 fp1 → ½; t=0.3: tp2 fp1 → 0.8; t=0.2: tp2 fp2 → 2/3
    const r = searchThreshold([true, false, true, false], [0.9, 0.8, 0.3, 0.2]);
    expect(r).toEqual({ threshold: 0.3, f1: 0.8, nCandidates: 5, nAtBest: 1 }); // Python: 2*(2/3)*1.0/(2/3+1.0) == 0.8
  });

  it('on an F1 tie prefers the threshold closest to 0.5, not the first or the highest', () => {
    // t=0.9: tp1 pred1 → 2/3; t=0.62: ½; t=0.61 and 0.5: 2/5; t=0.3: tp2 pred4 → 2/3  → 0.3 is closer to 0.5
    const r = searchThreshold([true, false, false, true], [0.9, 0.62, 0.61, 0.3]);
    expect(r.threshold).toBe(0.3);
    expect(r.nAtBest).toBe(2);
  });

  it('on an exact distance tie prefers the smaller threshold', () => {
    // t=0.75: tp1 pred1 → 2/3; t=0.25: tp2 pred4 → 2/3; 0.75 and 0.25 are both 0.25 away from 0.5
    const r = searchThreshold([true, false, false, true], [0.75, 0.6, 0.55, 0.25]);
    expect(r.threshold).toBe(0.25);
    expect(r.nAtBest).toBe(2);
    expect(r.f1).toBe(0.6666666666666666); // sklearn: 2·½·1 / (½ + 1)
  });

  it('counts a score equal to the threshold as positive', () => {
    expect(searchThreshold([true, false], [0.5, 0.4]).f1).toBe(1);
  });

  it('keeps 0.5 when no threshold gives F1 > 0 (no gold positive)', () => {
    expect(searchThreshold([false, false, false], [0.9, 0.6, 0.2])).toEqual({ threshold: 0.5, f1: 0, nCandidates: 4, nAtBest: 4 });
  });

  it('finds a low threshold for a class whose scores never reach 0.5', () => {
    const r = searchThreshold([true, true, false, false], [0.3, 0.2, 0.1, 0.05]);
    expect(r.threshold).toBe(0.2);
    expect(r.f1).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { assignSplits, groupedSplitIndices, mulberry32, splitExamples, splitIndices } from '../../../src/data/split.ts';
import type { ClassificationExample, QaExample } from '../../../src/data/types.ts';
import { xquadExamples } from '../tokenize/helpers.ts';

const examples: ClassificationExample[] = Array.from({ length: 1000 }, (_, i) => ({
  text: `t${i}`,
  // 70% a, 25% b, 5% c: a rare class must keep its share in every split.
  label: i % 20 === 0 ? 'c' : i % 4 === 1 ? 'b' : 'a',
}));
const share = (xs: ClassificationExample[], l: string) => xs.filter((e) => e.label === l).length / xs.length;

describe('seeded splits', () => {
  it('the generator and the split are deterministic for a seed and differ across seeds', () => {
    expect(Array.from({ length: 3 }, mulberry32(42))).toEqual(Array.from({ length: 3 }, mulberry32(42)));
    const a = splitIndices(100, { validation: 0.1, test: 0.1 }, 7);
    expect(splitIndices(100, { validation: 0.1, test: 0.1 }, 7)).toEqual(a);
    expect(splitIndices(100, { validation: 0.1, test: 0.1 }, 8)).not.toEqual(a);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([80, 10, 10]);
    expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('stratifies single-label data: every split keeps the class shares', () => {
    const s = splitExamples(examples, 'classification', { validation: 0.2, test: 0.1 }, 1);
    expect(s.train.length + s.validation.length + s.test.length).toBe(1000);
    for (const part of [s.train, s.validation, s.test]) {
      expect(share(part, 'c')).toBeCloseTo(0.05, 2);
      expect(share(part, 'b')).toBeCloseTo(0.25, 2);
    }
    expect(splitExamples(examples, 'classification', { validation: 0.2, test: 0.1 }, 1)).toEqual(s);
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => splitIndices(10, { validation: 0.5, test: 0.5 }, 1)).toThrow(/leave some training data/);
  });
});

describe('QA splits keep the questions on one context together', () => {
  const qa = xquadExamples();

  it('no context is in two splits; sizes are within half the largest group of the fractions; seeded', () => {
    const s = splitExamples(qa, 'qa', { validation: 0.1, test: 0.1 }, 42);
    const contexts = (xs: QaExample[]) => new Set(xs.map((e) => e.context));
    const [tr, va, te] = [contexts(s.train), contexts(s.validation), contexts(s.test)];
    for (const c of va) expect(tr.has(c) || te.has(c)).toBe(false);
    for (const c of te) expect(tr.has(c)).toBe(false);
    expect(s.train.length + s.validation.length + s.test.length).toBe(qa.length);
    const sizes = new Map<string, number>();
    for (const e of qa) sizes.set(e.context, (sizes.get(e.context) ?? 0) + 1);
    const half = Math.max(...sizes.values()) / 2;
    expect(Math.abs(s.validation.length - Math.round(qa.length * 0.1))).toBeLessThanOrEqual(half);
    expect(Math.abs(s.test.length - Math.round(qa.length * 0.1))).toBeLessThanOrEqual(half);
    expect(splitExamples(qa, 'qa', { validation: 0.1, test: 0.1 }, 42)).toEqual(s);
    expect(splitExamples(qa, 'qa', { validation: 0.1, test: 0.1 }, 43).validation).not.toEqual(s.validation);
  });

  it('groups larger than twice the target stay in train rather than overshoot', () => {
    // 20 items: groups of 10, 6, 3 and 1; 10% is 2 items, so only the single item or the group of 3 may go.
    const keys = [...Array(10).fill('a'), ...Array(6).fill('b'), ...Array(3).fill('c'), 'd'];
    for (let seed = 0; seed < 20; seed++) {
      const s = groupedSplitIndices(keys, { validation: 0.1, test: 0 }, seed);
      expect([1, 3]).toContain(s.validation.length);
      expect(s.test).toEqual([]);
    }
  });

  it('when every group is too big for the target, validation gets the smallest one (train keeps the rest)', () => {
    const keys = [...Array(8).fill('a'), ...Array(9).fill('b'), ...Array(7).fill('c'), ...Array(8).fill('d')];
    const s = groupedSplitIndices(keys, { validation: 0.1, test: 0.05 }, 1);
    expect(s.validation.map((i) => keys[i])).toEqual(Array(7).fill('c'));
    // Test (2 of 32 wanted) gets one of the two remaining groups of 8, whole.
    expect(s.test.length).toBe(8);
    expect(new Set(s.test.map((i) => keys[i])).size).toBe(1);
    expect(s.train.length + s.validation.length + s.test.length).toBe(keys.length);
    expect(groupedSplitIndices(['x', 'x', 'x'], { validation: 0.1, test: 0 }, 1)).toEqual({ train: [0, 1, 2], validation: [], test: [] });
  });
});

describe('assignSplits', () => {
  it('reads train/dev/test from names, then fills free slots in order', () => {
    expect(assignSplits([{ name: 'data/dev.jsonl' }, { name: 'train.csv' }, { name: 'x_test.tsv' }])).toEqual(['validation', 'train', 'test']);
    expect(assignSplits([{ name: 'a.jsonl' }, { name: 'b.jsonl' }])).toEqual(['train', 'validation']);
    expect(assignSplits([{ name: 'a.jsonl', split: 'test' }, { name: 'b.jsonl' }])).toEqual(['test', 'train']);
    expect(assignSplits([{ name: 'wnut17_dev.jsonl' }])).toEqual(['train']);
  });
});

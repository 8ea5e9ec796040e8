import { describe, expect, it } from 'vitest';
import { assignSplits, mulberry32, splitExamples, splitIndices } from '../../../src/data/split.ts';
import type { ClassificationExample } from '../../../src/data/types.ts';

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

describe('assignSplits', () => {
  it('reads train/dev/test from names, then fills free slots in order', () => {
    expect(assignSplits([{ name: 'data/dev.jsonl' }, { name: 'train.csv' }, { name: 'x_test.tsv' }])).toEqual(['validation', 'train', 'test']);
    expect(assignSplits([{ name: 'a.jsonl' }, { name: 'b.jsonl' }])).toEqual(['train', 'validation']);
    expect(assignSplits([{ name: 'a.jsonl', split: 'test' }, { name: 'b.jsonl' }])).toEqual(['test', 'train']);
    expect(assignSplits([{ name: 'wnut17_dev.jsonl' }])).toEqual(['train']);
  });
});

import { describe, expect, it } from 'vitest';
import { histogram, labelDistribution, quantile, suggestMaxLength, summarizeLengths } from '../../../src/data/stats.ts';
import { countEntities, detectTagScheme, tagSequenceError } from '../../../src/data/tags.ts';
import { labelMaps, sortLabels, sortTags } from '../../../src/data/vocab.ts';

describe('length statistics', () => {
  const lengths = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('quantiles cover the asked fraction (nearest rank)', () => {
    expect(quantile(lengths, 0.5)).toBe(50);
    expect(quantile(lengths, 0.95)).toBe(95);
    expect(quantile(lengths, 0.99)).toBe(99);
    expect(quantile(lengths, 1)).toBe(100);
    expect(quantile([], 0.5)).toBe(0);
    expect(summarizeLengths([5, 1, 3])).toEqual({ count: 3, mean: 3, p50: 3, p95: 5, p99: 5, max: 5 });
  });

  it('suggests max_length: the 99% cover rounded up to 32, within the model limit', () => {
    expect(suggestMaxLength(lengths)).toEqual({ cover95: 95, cover99: 99, suggested: 128 });
    expect(suggestMaxLength([10, 12, 20])).toMatchObject({ suggested: 32 });
    expect(suggestMaxLength([900, 1000], 512).suggested).toBe(512);
  });

  it('histogram bins have a power-of-two width and count everything', () => {
    const h = histogram(lengths, 16);
    expect(h.binWidth).toBe(8);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(h.counts[0]).toBe(7); // 1..7
  });
});

describe('label distribution and vocabularies', () => {
  it('rows per class keeps vocabulary order and empty classes', () => {
    const ex = [{ text: 'a', label: 'pos' }, { text: 'b', label: 'pos' }, { text: 'c', label: 'neg' }];
    expect(labelDistribution('classification', ex, ['neg', 'neu', 'pos'])).toEqual({ neg: 1, neu: 0, pos: 2 });
    expect(labelDistribution('multilabel', [{ text: 'a', labels: ['x', 'y'] }, { text: 'b', labels: [] }], ['x', 'y', 'z'])).toEqual({ x: 1, y: 1, z: 0 });
    expect(labelDistribution('ner', [{ tokens: ['a', 'b', 'c', 'd'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC'] }])).toEqual({ LOC: 1, PER: 1 });
  });

  it('sorts numeric labels numerically, others by code point, NER tags with O first', () => {
    expect(sortLabels(['10', '2', '1', '2'])).toEqual(['1', '2', '10']);
    expect(sortLabels(['pos', 'neg', 'Neutral', '긍정', '😀'])).toEqual(['Neutral', 'neg', 'pos', '긍정', '😀']);
    expect(sortTags(['I-PER', 'O', 'B-PER', 'B-LOC'])).toEqual(['O', 'B-LOC', 'B-PER', 'I-PER']);
    expect(labelMaps(['neg', 'pos'])).toEqual({ id2label: { 0: 'neg', 1: 'pos' }, label2id: { neg: 0, pos: 1 } });
  });
});

describe('NER tag schemes', () => {
  it('detects IOB1, IOB2, BIOES, IO and integer tags', () => {
    expect(detectTagScheme([['B-PER', 'I-PER', 'O', 'B-LOC']])).toBe('IOB2');
    expect(detectTagScheme([['I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC']])).toBe('IOB1');
    expect(detectTagScheme([['B-PER', 'E-PER', 'O', 'S-LOC']])).toBe('BIOES');
    expect(detectTagScheme([['PER', 'PER', 'O']])).toBe('IO');
    expect(detectTagScheme([['0', '3', '4']])).toBe('unknown');
  });

  it('finds the first invalid transition for the scheme', () => {
    expect(tagSequenceError(['B-PER', 'I-PER', 'O'], 'IOB2')).toBeNull();
    expect(tagSequenceError(['O', 'I-PER'], 'IOB2')).toBe('I-PER at token 2 follows O (IOB2 entities start with B-)');
    expect(tagSequenceError(['B-PER', 'I-LOC'], 'IOB2')).toMatch(/^I-LOC at token 2 follows B-PER/);
    expect(tagSequenceError(['I-PER', 'B-PER'], 'IOB1')).toBeNull();
    expect(tagSequenceError(['O', 'B-PER'], 'IOB1')).toMatch(/^B-PER at token 2 follows O/);
    expect(tagSequenceError(['B-PER', 'E-PER', 'S-LOC'], 'BIOES')).toBeNull();
    expect(tagSequenceError(['B-PER', 'O'], 'BIOES')).toMatch(/^B-PER at token 1 is not followed by I-PER or E-PER/);
    expect(tagSequenceError(['O', 'E-PER'], 'BIOES')).toMatch(/^E-PER at token 2 follows O/);
    expect(tagSequenceError(['B-PER', 'PER'], 'IOB2')).toMatch(/no B-\/I- prefix/);
  });

  it('counts entities as seqeval chunks', () => {
    const count = (tags: string[], scheme: Parameters<typeof countEntities>[1]) => {
      const m = new Map<string, number>();
      countEntities(tags, scheme, m);
      return Object.fromEntries(m);
    };
    expect(count(['B-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'], 'IOB2')).toEqual({ PER: 2, LOC: 1 });
    expect(count(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'], 'IOB1')).toEqual({ PER: 2, LOC: 1 });
    expect(count(['B-PER', 'E-PER', 'S-PER', 'S-LOC'], 'BIOES')).toEqual({ PER: 2, LOC: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { defaultModeEntities, nerMetrics, strictIob2Entities } from '../../../src/metrics/index.ts';

const spans = (es: { type: string; start: number; end: number }[]) => es.map((e) => `${e.type}:${e.start}-${e.end}`);

describe('seqeval entity extraction', () => {
  it('default mode: an I- tag after O starts an entity; strict IOB2 ignores it', () => {
    const tags = [['O', 'I-PER', 'I-PER', 'O']];
    expect(spans(defaultModeEntities(tags))).toEqual(['PER:1-2']);
    expect(strictIob2Entities(tags)).toEqual([]);
  });

  it('a type change splits in default mode and ends the entity in strict mode', () => {
    const tags = [['B-PER', 'I-LOC', 'I-LOC']];
    expect(spans(defaultModeEntities(tags))).toEqual(['PER:0-0', 'LOC:1-2']);
    expect(spans(strictIob2Entities(tags))).toEqual(['PER:0-1']); // end exclusive, as seqeval stores it
  });

  it('types may contain hyphens', () => {
    expect(spans(defaultModeEntities([['B-creative-work', 'I-creative-work']]))).toEqual(['creative-work:0-1']);
    expect(spans(strictIob2Entities([['B-creative-work', 'I-creative-work']]))).toEqual(['creative-work:0-2']);
  });

  it('no entity crosses a sentence boundary', () => {
    expect(spans(defaultModeEntities([['B-X'], ['I-X']]))).toEqual(['X:0-0', 'X:2-2']);
  });

  it('strict mode rejects prefixes other than B, I, O', () => {
    expect(() => strictIob2Entities([['E-PER']])).toThrow(/Invalid token/);
  });
});

describe('nerMetrics (hand-computed)', () => {
  it('default vs strict scores, per-type zero division, token accuracy', () => {
    const gold = [['B-PER', 'I-PER', 'O', 'B-LOC'], ['B-ORG', 'O']];
    const pred = [['I-PER', 'I-PER', 'O', 'B-MISC'], ['B-ORG', 'O']];
    const m = nerMetrics(gold, pred);
    expect(m.n_sentences).toBe(2);
    expect(m.n_tokens).toBe(6);
    expect(m.accuracy).toBe(4 / 6);
    // default: PER and ORG found, MISC spurious, LOC missed → P 2/3, R 2/3
    expect(m.default.precision_micro).toBeCloseTo(2 / 3, 15);
    expect(m.default.recall_micro).toBeCloseTo(2 / 3, 15);
    // strict: the I-PER start does not count → only ORG → P ½, R ⅓
    expect(m.strict_iob2.precision_micro).toBe(0.5);
    expect(m.strict_iob2.recall_micro).toBeCloseTo(1 / 3, 15);
    const report = m.default.classification_report;
    expect(Object.keys(report)).toEqual(['LOC', 'MISC', 'ORG', 'PER', 'micro avg', 'macro avg', 'weighted avg']);
    expect(report.MISC).toEqual({ precision: 0, recall: 0, 'f1-score': 0, support: 0 });
    expect(report.LOC).toEqual({ precision: 0, recall: 0, 'f1-score': 0, support: 1 });
    expect(report['macro avg']).toEqual({ precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 3 });
    expect(report['weighted avg'].recall).toBeCloseTo(2 / 3, 15);
  });

  it('strict entities are keyed by sentence, so equal offsets in two sentences are two entities', () => {
    const m = nerMetrics([['B-X'], ['B-X']], [['B-X'], ['O']]);
    expect(m.strict_iob2.recall_micro).toBe(0.5);
    expect(m.default.recall_micro).toBe(0.5);
  });
});

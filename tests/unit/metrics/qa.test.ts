import { describe, expect, it } from 'vitest';
import {
  korquadExactMatch,
  korquadF1,
  normalizeKorquadAnswer,
  normalizeSquadAnswer,
  qaMetrics,
  squadExactMatch,
  squadF1,
} from '../../../src/metrics/index.ts';

describe('SQuAD v1.1 normalisation (Python semantics)', () => {
  it('lower, ASCII punctuation, articles, whitespace', () => {
    expect(normalizeSquadAnswer('The  Cat, a dog & AN owl!')).toBe('cat dog owl');
    expect(normalizeSquadAnswer('then another theme')).toBe('then another theme');
  });

  it('keeps Unicode punctuation that string.punctuation lacks', () => {
    expect(normalizeSquadAnswer('“Short”—it’s…')).toBe('“short”—it’s…');
    expect(squadExactMatch('“Short”', 'Short')).toBe(0);
  });

  it('uses Unicode word boundaries for articles, as Python re does', () => {
    // JavaScript's \b would see a boundary between "Ñ" and "the"; Python does not.
    expect(normalizeSquadAnswer('Ñthe the_end café the')).toBe('ñthe theend café');
    // A combining mark is not a word character in Python, so "a" before it is an article.
    expect(normalizeSquadAnswer('a\u0301 b')).toBe('\u0301 b');
  });

  it('treats U+00A0, U+0085, tabs and newlines as spaces, but not U+FEFF', () => {
    expect(squadExactMatch('  Kawann\u00a0Short\u0085\t\n', 'Kawann Short')).toBe(1);
    expect(squadF1('a\ufeffb', 'b')).toBe(0);
  });

  it('token F1 with the script’s float expression', () => {
    // common {x, y}: P = 2/4, R = 2/3
    expect(squadF1('w x y z', 'x y v')).toBe((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
    expect(squadF1('', 'x')).toBe(0);
    // both normalise to '' → EM 1, but no shared token → F1 0, as in the script
    expect(squadExactMatch('The', 'a')).toBe(1);
    expect(squadF1('The', 'a')).toBe(0);
  });
});

describe('KorQuAD 1.0 vs SQuAD v1.1', () => {
  it('a space inside a word: KorQuAD F1 1 (characters), SQuAD F1 0 (tokens)', () => {
    expect(korquadF1('걸 작', '걸작')).toBe(1);
    expect(korquadExactMatch('걸 작', '걸작')).toBe(0); // EM compares normalised strings, spaces included
    expect(squadF1('걸 작', '걸작')).toBe(0);
  });

  it('a particle: character overlap gives partial credit', () => {
    // 저녁에 (3 chars) vs 저녁에는 (4 chars): P 1, R ¾ → F 6/7
    expect(korquadF1('저녁에는', '저녁에')).toBe((2 * 1 * 0.75) / 1.75);
    expect(squadF1('저녁에는', '저녁에')).toBe(0);
  });

  it('KorQuAD turns quotes and brackets into spaces, but not 「」', () => {
    expect(normalizeKorquadAnswer('《걸작》')).toBe('걸작');
    expect(normalizeKorquadAnswer('〈A〉 ‘b’ "c" (d) <e>')).toBe('a b c d e');
    expect(korquadExactMatch('「걸작」', '걸작')).toBe(0);
    // KorQuAD removes no articles
    expect(normalizeKorquadAnswer('The cat')).toBe('the cat');
  });
});

describe('qaMetrics', () => {
  const gold = [
    { id: 'q1', answers: ['Paris', 'the city of Paris'] },
    { id: 'q2', answers: ['42'] },
  ];

  it('takes the best gold answer and scores 0–100; a missing prediction scores 0 but counts', () => {
    const m = qaMetrics(gold, new Map([['q1', 'city of Paris']]));
    expect(m.n).toBe(2);
    expect(m['squad_v1.1']).toEqual({ exact_match: 50, f1: 50 });
    expect(m.per_example[1]).toEqual({ id: 'q2', squad: { exact_match: 0, f1: 0 }, korquad: { exact_match: 0, f1: 0 } });
  });

  it('empty predictions score 0', () => {
    const m = qaMetrics(gold, new Map([['q1', ''], ['q2', '']]), ['squad_v1.1']);
    expect(m['squad_v1.1']).toEqual({ exact_match: 0, f1: 0 });
    expect(m['korquad_v1.0']).toBeUndefined();
    expect(m.per_example[0]).toEqual({ id: 'q1', exact_match: 0, f1: 0 });
  });
});

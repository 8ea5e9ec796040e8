/** The ensemble combiners on numbers small enough to check by hand. */
import { describe, expect, test } from 'vitest';
import {
  averageProbabilities,
  averageQaLogits,
  averageTagProbabilities,
  decodeAveragedQa,
  multilabelLines,
  singleLabelLines,
  tuneThresholds,
  voteQaAnswer,
  voteTags,
} from '../../../src/ensemble/index';
import type { QaWindow } from '../../../src/metrics/qaDecode';

const close = (actual: number[][], expected: number[][]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => row.forEach((x, k) => expect(x).toBeCloseTo(expected[r][k], 12)));
};

describe('single-label: mean softmax probabilities', () => {
  // Row 1 is in binary fractions so that the weighted tie below is exact.
  const a = [[0.9, 0.1], [0.875, 0.125]];
  const b = [[0.5, 0.5], [0.375, 0.625]];

  test('equal weights average each class', () => {
    close(averageProbabilities([a, b], [0.5, 0.5]), [[0.7, 0.3], [0.625, 0.375]]);
  });

  test('weights tilt the mean; a tie picks the first label', () => {
    // row 0: .25*.9 + .75*.5 = .6; row 1: .25*.875 + .75*.375 = .5 against .25*.125 + .75*.625 = .5
    const mean = averageProbabilities([a, b], [0.25, 0.75]);
    close(mean, [[0.6, 0.4], [0.5, 0.5]]);
    const lines = singleLabelLines(mean, ['neg', 'pos']);
    expect(lines.map((l) => l.label)).toEqual(['neg', 'neg']);
    expect(lines[0].scores.neg).toBeCloseTo(0.6, 12);
    expect(lines[1].scores).toEqual({ neg: 0.5, pos: 0.5 });
  });

  test('the ensemble can disagree with both members’ argmax only through their confidence', () => {
    // a says neg at .55, b says pos at .9: the mean (.325 / .675) follows the confident member.
    const lines = singleLabelLines(averageProbabilities([[[0.55, 0.45]], [[0.1, 0.9]]], [0.5, 0.5]), ['neg', 'pos']);
    expect(lines[0].label).toBe('pos');
  });
});

describe('multi-label: mean sigmoid probabilities, thresholds re-tuned on the mean', () => {
  const labels = ['a', 'b', 'c'];
  // mean: a [.7 .45 .3 .2], b [.6 .55 .52 .1], c all below .5
  const m1 = [[0.9, 0.7, 0.2], [0.5, 0.6, 0.1], [0.4, 0.5, 0.3], [0.2, 0.1, 0.1]];
  const m2 = [[0.5, 0.5, 0.2], [0.4, 0.5, 0.1], [0.2, 0.54, 0.3], [0.2, 0.1, 0.1]];
  const gold = [['a', 'b'], ['a'], [], []];

  test('thresholds: the lowest mean score of the positives when that separates them (F1 1), 0.5 for a class never positive', () => {
    const mean = averageProbabilities([m1, m2], [0.5, 0.5]);
    close(mean, [[0.7, 0.6, 0.2], [0.45, 0.55, 0.1], [0.3, 0.52, 0.3], [0.2, 0.1, 0.1]]);
    const t = tuneThresholds(mean, gold, labels);
    expect(t.a).toBeCloseTo(0.45, 12);
    expect(t.b).toBeCloseTo(0.6, 12);
    expect(t.c).toBe(0.5);
    // At 0.5 row 1 would lose a and gain b, row 2 would gain b: the tuned thresholds get every row right.
    expect(multilabelLines(mean, labels, t).map((l) => l.labels)).toEqual([['a', 'b'], ['a'], [], []]);
    expect(multilabelLines(mean, labels, {}).map((l) => l.labels)).toEqual([['a', 'b'], ['b'], ['b'], []]);
  });
});

describe('NER', () => {
  const m1 = [['B-PER', 'O', 'B-LOC']];
  const m2 = [['O', 'O', 'B-LOC']];
  const m3 = [['O', 'B-ORG', 'I-LOC']];

  test('majority vote per word', () => {
    expect(voteTags([m1, m2, m3], [1 / 3, 1 / 3, 1 / 3])).toEqual([['O', 'O', 'B-LOC']]);
  });

  test('weights count: a member with .6 outvotes two with .2', () => {
    expect(voteTags([m1, m2, m3], [0.6, 0.2, 0.2])).toEqual([['B-PER', 'O', 'B-LOC']]);
  });

  test('a tie keeps the tag of the earlier member', () => {
    expect(voteTags([m3, m1], [0.5, 0.5])).toEqual([['O', 'B-ORG', 'I-LOC']]);
    expect(voteTags([m1, m3], [0.5, 0.5])).toEqual([['B-PER', 'O', 'B-LOC']]);
  });

  test('averaged tag probabilities where the members have them', () => {
    const labels = ['O', 'B-PER'];
    // word 0: (.6 + .1) / 2 = .35 for O → B-PER; word 1: (.9 + .8) / 2 for O → O
    const a = [[[0.6, 0.4], [0.9, 0.1]]];
    const b = [[[0.1, 0.9], [0.8, 0.2]]];
    expect(averageTagProbabilities([a, b], [0.5, 0.5], labels)).toEqual([['B-PER', 'O']]);
    // with .9 on a: .9*.6 + .1*.1 = .55 for O
    expect(averageTagProbabilities([a, b], [0.9, 0.1], labels)).toEqual([['O', 'O']]);
  });
});

describe('QA', () => {
  const context = 'The quick brown';
  const offsets: QaWindow['offsets'] = [null, [0, 3], [4, 9], [10, 15]];
  // Member a alone answers "The quick" (start 1, end 2: 5 + 5); member b alone "quick brown" (start 2, end 3: 6 + 4).
  const a: QaWindow = { start_logits: [0, 5, 1, 0], end_logits: [0, 1, 5, 0], offsets };
  const b: QaWindow = { start_logits: [0, 0, 6, 0], end_logits: [0, 0, 1, 4], offsets };

  test('each member on its own', () => {
    expect(decodeAveragedQa([[a]], [1], context).text).toBe('The quick');
    expect(decodeAveragedQa([[b]], [1], context).text).toBe('quick brown');
  });

  test('mean logits before n-best: the token both spans share wins', () => {
    const [mean] = averageQaLogits([[a], [b]], [0.5, 0.5]);
    expect(mean.start_logits).toEqual([0, 2.5, 3.5, 0]);
    expect(mean.end_logits).toEqual([0, 0.5, 3, 2]);
    // start 2 + end 2 = 6.5 beats 5.5 (1,2), 5.5 (2,3), 4.5 (1,3)
    const answer = decodeAveragedQa([[a], [b]], [0.5, 0.5], context);
    expect(answer).toMatchObject({ text: 'quick', start: 4, end: 9, score: 6.5 });
  });

  test('windows that cover other tokens cannot be averaged', () => {
    const shifted: QaWindow = { ...b, offsets: [null, [0, 3], [4, 9], [10, 14]] };
    expect(() => averageQaLogits([[a], [shifted]], [0.5, 0.5])).toThrow(/member 2 window 1 covers other tokens/);
    expect(() => averageQaLogits([[a], [b, b]], [0.5, 0.5])).toThrow(/member 2 has 2 windows, member 1 has 1/);
  });

  test('fallback vote: weight × probability per answer text', () => {
    const votes = [
      { prediction_text: 'Paris', answer_start: 10, probability: 0.6 },
      { prediction_text: 'Paris, France', answer_start: 10, probability: 0.9 },
      { prediction_text: 'Paris', answer_start: 42, probability: 0.5 },
    ];
    // Paris: (.6 + .5) / 3 = .3667 against .9 / 3 = .3; its start is the strongest supporter's (member 1, .2 > .1667)
    const r = voteQaAnswer(votes, [1 / 3, 1 / 3, 1 / 3]);
    expect(r.prediction_text).toBe('Paris');
    expect(r.answer_start).toBe(10);
    expect(r.probability).toBeCloseTo(1.1 / 3, 12);
    // with member 2 at .5: .45 against (.6 + .5) * .25 = .275
    expect(voteQaAnswer(votes, [0.25, 0.5, 0.25]).prediction_text).toBe('Paris, France');
  });

  test('an empty answer only wins when nobody answered', () => {
    expect(voteQaAnswer([{ prediction_text: '' }, { prediction_text: 'x', probability: 0.01 }], [0.9, 0.1]).prediction_text).toBe('x');
    expect(voteQaAnswer([{ prediction_text: '' }, { prediction_text: '' }], [0.5, 0.5])).toEqual({ prediction_text: '', probability: 0 });
  });
});

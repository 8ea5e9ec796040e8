import { describe, expect, it } from 'vitest';
import { decodeQaAnswer, qaNBest, type QaWindow } from '../../../src/metrics/index.ts';
import { qaScoreText } from '../../../src/state/selectors.ts';

//                 0         1         2
//                 0123456789012345678901234567
const context = 'Marie Curie won two Nobels.';
// Token spans of the context words, as a tokenizer's offset mapping gives them.
const MARIE: [number, number] = [0, 5];
const CURIE: [number, number] = [6, 11];
const WON: [number, number] = [12, 15];
const TWO: [number, number] = [16, 19];
const NOBELS: [number, number] = [20, 26];

/** [CLS] q q [SEP] ...context tokens... [SEP]: only context tokens carry offsets. */
function window(tokens: ([number, number] | null)[], start: number[], end: number[]): QaWindow {
  return { start_logits: start, end_logits: end, offsets: tokens };
}

describe('decodeQaAnswer', () => {
  it('skips question/special tokens even when they have the highest logits', () => {
    const w = window(
      [null, null, null, null, MARIE, CURIE, WON, null],
      [9, 8, 0, 0, 5, 1, 0, 7],
      [9, 0, 8, 0, 0, 4, 1, 7],
    );
    expect(decodeQaAnswer([w], { context })).toMatchObject({ text: 'Marie Curie', start: 0, end: 11, score: 9 });
  });

  it('rejects end before start and spans longer than maxAnswerLen tokens', () => {
    // best pair by score would be start=CURIE(5) end=MARIE(5): end < start → rejected
    const w = window([null, MARIE, CURIE, WON], [0, 1, 5, 0], [0, 5, 0, 2]);
    expect(decodeQaAnswer([w], { context })).toMatchObject({ text: 'Curie won', score: 7 });
    // start MARIE(1) + end WON(2) = 3 tokens; with maxAnswerLen 2 only shorter spans remain
    const w2 = window([null, MARIE, CURIE, WON], [0, 9, 0, 0], [0, 0, 1, 9]);
    expect(decodeQaAnswer([w2], { context }).text).toBe('Marie Curie won');
    expect(decodeQaAnswer([w2], { context, maxAnswerLen: 2 })).toMatchObject({ text: 'Marie Curie', score: 10 });
  });

  it('takes the best span over all windows of the example', () => {
    const first = window([null, MARIE, CURIE, WON], [0, 2, 0, 0], [0, 2, 0, 0]);
    const second = window([null, WON, TWO, NOBELS], [0, 0, 3, 0], [0, 0, 0, 4]);
    expect(decodeQaAnswer([first, second], { context })).toMatchObject({ text: 'two Nobels', start: 16, end: 26, score: 7 });
  });

  it('only pairs the nBest top starts and ends', () => {
    // With nBest 1 the only start considered is the question token: no valid span at all.
    const w = window([null, MARIE, CURIE], [9, 1, 0], [0, 0, 1]);
    expect(decodeQaAnswer([w], { context, nBest: 1 })).toEqual({ text: '', start: 0, end: 0, score: -Infinity, probability: 0 });
    expect(decodeQaAnswer([w], { context, nBest: 2 }).text).toBe('Marie Curie');
  });

  it('returns an empty answer when no window has a context token', () => {
    expect(decodeQaAnswer([window([null, null], [1, 2], [3, 4])], { context }).text).toBe('');
    expect(decodeQaAnswer([], { context }).text).toBe('');
  });

  it('rejects windows whose arrays disagree in length', () => {
    expect(() => decodeQaAnswer([window([null, MARIE], [1], [1, 2])], { context })).toThrow(/one entry per token/);
  });
});

describe('QA answer score: start + end logit sum, softmax over the n-best list (utils_qa)', () => {
  // Pairs (start, end) over MARIE CURIE WON with start logits 2 1 0 and end logits 0 1 2:
  // MCW 4, MC 3, CW 3, M 2, C 2, W 2 (ties in the order the pairs are made: start rank, then end rank).
  const w = window([null, MARIE, CURIE, WON], [0, 2, 1, 0], [0, 0, 1, 2]);

  it('lists every valid span, best first, with softmax probabilities (numpy reference values)', () => {
    const list = qaNBest([w], { context });
    expect(list.map((c) => [c.text, c.score])).toEqual([
      ['Marie Curie won', 4],
      ['Marie Curie', 3],
      ['Curie won', 3],
      ['Marie', 2],
      ['Curie', 2],
      ['won', 2],
    ]);
    // np.exp(s - s.max()) / sum for s = [4, 3, 3, 2, 2, 2]
    const reference = [0.46690469080680674, 0.17176463673433315, 0.17176463673433315, 0.06318867857484227, 0.06318867857484227, 0.06318867857484227];
    list.forEach((c, i) => expect(c.probability).toBeCloseTo(reference[i], 14));
    expect(list.reduce((a, c) => a + c.probability, 0)).toBeCloseTo(1, 14);
    expect(list[0]).toMatchObject({ startLogit: 2, endLogit: 2, start: 0, end: 15 });
    expect(decodeQaAnswer([w], { context })).toEqual({ text: 'Marie Curie won', start: 0, end: 15, score: 4, probability: reference[0] });
  });

  it('the probability is over the nBest kept spans only', () => {
    // nBest 2: starts MARIE, CURIE × ends WON, CURIE → 4, 3, 3, 2, of which the 2 best are kept.
    const list = qaNBest([w], { context, nBest: 2 });
    expect(list.map((c) => c.score)).toEqual([4, 3]);
    expect(list.map((c) => c.probability)).toEqual([expect.closeTo(0.7310585786300049, 14), expect.closeTo(0.2689414213699951, 14)]);
  });

  it('spans of all windows share one list; large logits do not overflow', () => {
    const first = window([null, MARIE, CURIE], [0, 1000, 0], [0, 0, 1000]);
    const second = window([null, WON, TWO], [0, 999, 0], [0, 0, 1000]);
    const list = qaNBest([first, second], { context });
    expect(list[0]).toMatchObject({ text: 'Marie Curie', score: 2000 });
    expect(list[1]).toMatchObject({ text: 'won two', score: 1999 });
    expect(list.every((c) => Number.isFinite(c.probability))).toBe(true);
    expect(list[0].probability / list[1].probability).toBeCloseTo(Math.E, 12);
    expect(list.reduce((a, c) => a + c.probability, 0)).toBeCloseTo(1, 14);
  });

  it('no valid span: empty list, probability 0; the playground text', () => {
    expect(qaNBest([window([null, null], [1, 2], [3, 4])], { context })).toEqual([]);
    expect(qaScoreText({ score: 12.345, probability: 0.8731 })).toBe('87.3% · score 12.35');
    expect(qaScoreText({})).toBe('');
  });
});

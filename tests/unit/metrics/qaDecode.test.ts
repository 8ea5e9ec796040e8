import { describe, expect, it } from 'vitest';
import { decodeQaAnswer, type QaWindow } from '../../../src/metrics/index.ts';

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
    expect(decodeQaAnswer([w], { context })).toEqual({ text: 'Marie Curie', start: 0, end: 11, score: 9 });
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
    expect(decodeQaAnswer([first, second], { context })).toEqual({ text: 'two Nobels', start: 16, end: 26, score: 7 });
  });

  it('only pairs the nBest top starts and ends', () => {
    // With nBest 1 the only start considered is the question token: no valid span at all.
    const w = window([null, MARIE, CURIE], [9, 1, 0], [0, 0, 1]);
    expect(decodeQaAnswer([w], { context, nBest: 1 })).toEqual({ text: '', start: 0, end: 0, score: -Infinity });
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

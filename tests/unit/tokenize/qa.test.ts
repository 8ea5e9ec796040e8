/**
 * QA windows: HF prepare_train_features semantics (question first, only_second truncation, stride overlap,
 * CLS index when the answer is not inside), 100% answer coverage on XQuAD with max_length 384 / stride 128,
 * and a Korean check with KoELECTRA.
 */
import { describe, expect, it } from 'vitest';
import type { QaExample } from '../../../src/data/types.ts';
import { segmentOf } from '../../../src/tokenize/encode.ts';
import { answerTokens, contextWindows, encodeQaWindows } from '../../../src/tokenize/qa.ts';
import { qaCoverage } from '../../../src/tokenize/stats.ts';
import { fixtureTokenizer, xquadExamples } from './helpers.ts';

describe('contextWindows (Rust overflow with stride)', () => {
  it('starts a window every budget - stride tokens and ends the last at the context end', () => {
    expect(contextWindows(10, 4, 1)).toEqual([[0, 4], [3, 7], [6, 10]]);
    expect(contextWindows(11, 4, 1)).toEqual([[0, 4], [3, 7], [6, 10], [9, 11]]);
    expect(contextWindows(3, 4, 1)).toEqual([[0, 3]]);
    expect(contextWindows(0, 4, 1)).toEqual([[0, 0]]);
    expect(() => contextWindows(10, 4, 4)).toThrow(/stride/);
  });
});

describe('answerTokens', () => {
  const seq: (0 | 1 | null)[] = [null, 0, null, 1, 1, 1, null];
  const offs: ([number, number] | null)[] = [null, null, null, [0, 3], [4, 9], [9, 10], null];
  it('maps a character range to the first and last token', () => {
    expect(answerTokens(offs, seq, [4, 9])).toEqual([4, 4]);
    expect(answerTokens(offs, seq, [0, 10])).toEqual([3, 5]);
    expect(answerTokens(offs, seq, [5, 7])).toEqual([4, 4]);
    // An answer starting in the window's last token stays inside the context (run_qa would run into [SEP]).
    expect(answerTokens(offs, seq, [9, 10])).toEqual([5, 5]);
    expect(answerTokens(offs, seq, [8, 12])).toBeNull();
  });
  it('takes every token of a character several tokens share (jamo, split UTF-8 bytes)', () => {
    const shared: ([number, number] | null)[] = [null, [0, 1], [0, 1], [0, 1], [1, 2], [1, 2], [2, 3], null];
    const ids: (0 | 1 | null)[] = [null, 1, 1, 1, 1, 1, 1, null];
    expect(answerTokens(shared, ids, [0, 2])).toEqual([1, 5]);
    expect(answerTokens(shared, ids, [1, 2])).toEqual([4, 5]);
  });
});

describe('encodeQaWindows', () => {
  it('repeats the question, overlaps windows by stride and points at CLS outside the answer', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const context = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + ' The answer is Paris. ' + 'more text here '.repeat(10);
    const ex: QaExample = {
      id: 'q1',
      question: '   Where is it?',
      context,
      answers: { text: ['Paris'], answerStart: [context.indexOf('Paris')] },
    };
    const windows = encodeQaWindows(tok, ex, { maxLength: 48, stride: 16 });
    const question = segmentOf(tok, 'Where is it?').ids;
    const ctx = segmentOf(tok, context);
    expect(windows.length).toBeGreaterThan(2);
    let answered = 0;
    windows.forEach((w, k) => {
      expect(w.exampleId).toBe('q1');
      expect(w.inputIds.length).toBe(48);
      expect(w.inputIds.slice(0, question.length + 2)).toEqual([101, ...question, 102]);
      const n = w.contextEnd - w.contextStart;
      expect(w.inputIds.slice(question.length + 2, question.length + 2 + n)).toEqual(ctx.ids.slice(w.contextStart, w.contextEnd));
      expect(w.inputIds[question.length + 2 + n]).toBe(102);
      expect(w.tokenTypeIds!.slice(question.length + 2, question.length + 3 + n).every((t) => t === 1)).toBe(true);
      if (k > 0) expect(windows[k - 1].contextEnd - w.contextStart).toBe(16);
      expect(w.offsets.slice(0, question.length + 2).every((o) => o === null)).toBe(true);
      if (w.startPosition !== 0) {
        answered++;
        const [s, e] = [w.offsets[w.startPosition]![0], w.offsets[w.endPosition]![1]];
        expect(context.slice(s, e)).toBe('Paris');
      } else {
        expect(w.endPosition).toBe(0);
      }
    });
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(windows[windows.length - 1].contextEnd).toBe(ctx.ids.length);
  });

  it('unanswerable examples point every window at CLS; RoBERTa windows use <s> A </s></s> B </s>', async () => {
    const tok = await fixtureTokenizer('roberta-base');
    const ex: QaExample = { id: 'u', question: 'Why?', context: 'Because it is.', answers: { text: [], answerStart: [] } };
    const [w] = encodeQaWindows(tok, ex, { maxLength: 16, stride: 4 });
    expect([w.startPosition, w.endPosition]).toEqual([0, 0]);
    expect(w.tokenTypeIds).toBeNull();
    expect(w.inputIds.slice(0, 4)).toEqual([0, ...segmentOf(tok, 'Why?').ids, 2, 2].slice(0, 4));
    expect(w.inputIds.filter((id) => id === 2).length).toBe(3);
    expect(w.inputIds.at(-1)).toBe(1);
  });

  it('rejects a question that leaves no room for context', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const ex: QaExample = { id: 'long', question: 'why '.repeat(30), context: 'x', answers: { text: [], answerStart: [] } };
    expect(() => encodeQaWindows(tok, ex, { maxLength: 16, stride: 2 })).toThrow(/no room/);
  });

  it('names the question and the fix when its windows are too short for the stride', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    // 5 question tokens + [CLS] [SEP] [SEP] leave 8 context tokens in 16.
    const ex: QaExample = { id: 'q7', question: 'why why why why why', context: 'a b c d e f g h i j k l', answers: { text: [], answerStart: [] } };
    expect(() => encodeQaWindows(tok, ex, { maxLength: 16, stride: 8 })).toThrow(
      'question q7 takes 5 tokens, leaving 8 context tokens per window within max_length 16: the stride (8) must be smaller; lower the stride or raise max_length',
    );
    expect(encodeQaWindows(tok, ex, { maxLength: 16, stride: 7 }).length).toBeGreaterThan(1);
  });
});

describe.each(['bert-base-uncased', 'roberta-base', 'koelectra-base-v1'] as const)('XQuAD coverage with %s (max_length 384, stride 128)', (name) => {
  it('every answer is covered by its gold span', async () => {
    const tok = await fixtureTokenizer(name);
    const cov = qaCoverage(tok, xquadExamples(), { maxLength: 384, stride: 128 });
    console.log(
      `${name}: ${cov.questions} questions, ${cov.windows} windows (${cov.answer_windows} with the answer), ` +
        `coverage ${(cov.answer_coverage_rate * 100).toFixed(2)}%, exact recovery ${(cov.answer_recovery_rate * 100).toFixed(2)}%\n` +
        cov.inexact.map((x) => `  inexact ${x.id}: ${JSON.stringify(x.answer)} → ${JSON.stringify(x.recovered)}`).join('\n'),
    );
    expect(cov.questions).toBe(1190);
    expect(cov.unanswerable).toBe(0);
    expect(cov.uncovered).toEqual([]);
    expect(cov.answer_coverage_rate).toBe(1);
    expect(cov.windows).toBeGreaterThan(cov.questions);
    // Inexact only where an answer boundary falls inside a token: the recovered text contains the answer.
    for (const x of cov.inexact) expect(x.recovered).toContain(x.answer.trim());
    expect(cov.answer_recovery_rate).toBeGreaterThan(0.98);
  });
});

/** Korean paragraph (our own sentences) with answers as whole words and as nouns cut off their particles. */
const KO_CONTEXT =
  '대한민국의 수도는 서울특별시이다. 서울은 한강을 사이에 두고 강북과 강남으로 나뉜다. ' +
  '2023년 기준 서울의 인구는 약 940만 명이며, 경기도와 인천을 합친 수도권에는 2,600만 명 이상이 산다. ' +
  '경복궁은 1395년에 지어진 조선 왕조의 법궁이다. 남산서울타워는 해발 479.7미터 높이에 있어 도시 전체를 내려다볼 수 있다.';
const KO_QA: [string, string][] = [
  ['대한민국의 수도는 어디인가?', '서울특별시'],
  ['서울을 가로지르는 강은?', '한강'],
  ['서울의 인구는 얼마인가?', '약 940만 명'],
  ['수도권 인구는?', '2,600만 명'],
  ['경복궁이 지어진 해는?', '1395년'],
  ['경복궁은 어느 왕조의 궁궐인가?', '조선'],
  ['남산서울타워의 높이는?', '479.7미터'],
  ['서울을 나누는 두 지역은?', '강북과 강남'],
  ['경복궁은 무엇인가?', '법궁'],
];

// bert-base-uncased spells Hangul as jamo (3 tokens a syllable), so its windows need more room.
describe.each([
  ['koelectra-base-v1', 48, 12],
  ['bert-base-uncased', 128, 24],
] as const)('Korean QA-like check with %s', (name, maxLength, stride) => {
  it('covers every answer with small windows; lists particle-glued answers', async () => {
    const tok = await fixtureTokenizer(name);
    const examples: QaExample[] = KO_QA.map(([question, answer], i) => ({
      id: `ko${i}`,
      question,
      context: KO_CONTEXT,
      answers: { text: [answer], answerStart: [KO_CONTEXT.indexOf(answer)] },
    }));
    const cov = qaCoverage(tok, examples, { maxLength, stride });
    console.log(
      `${name} Korean: coverage ${(cov.answer_coverage_rate * 100).toFixed(1)}%, exact ${(cov.answer_recovery_rate * 100).toFixed(1)}%, ` +
        `${cov.windows} windows\n` +
        cov.inexact.map((x) => `  inexact ${x.id}: ${JSON.stringify(x.answer)} → ${JSON.stringify(x.recovered)}`).join('\n'),
    );
    expect(cov.windows).toBeGreaterThan(examples.length);
    expect(cov.uncovered).toEqual([]);
    expect(cov.answer_coverage_rate).toBe(1);
    for (const x of cov.inexact) expect(x.recovered).toContain(x.answer);
  });
});

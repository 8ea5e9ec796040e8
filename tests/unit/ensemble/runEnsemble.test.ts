/** runEnsemble end to end on hand-made prediction rows: scores, weight search, thresholds, errors. */
import { describe, expect, test } from 'vitest';
import { runEnsemble, type EnsembleMember } from '../../../src/ensemble/index';
import { TASKS } from '../../../src/tasks/index';
import type { JsonlRow } from '../../../src/tasks/evalInputs';

const rows = (values: Record<string, unknown>[]): JsonlRow[] => values.map((value, i) => ({ line: i + 1, value }));
const member = (name: string, values: Record<string, unknown>[]): EnsembleMember => ({ name, predFile: `${name}/predictions.jsonl`, pred: rows(values) });
const cls = (neg: number) => ({ label: neg > 0.5 ? 'neg' : 'pos', scores: { neg, pos: 1 - neg } });

describe('classification', () => {
  const goldLabels = ['pos', 'neg', 'pos', 'neg'];
  const gold = rows(goldLabels.map((label) => ({ text: 'x', label })));
  // A is right on every row at 0.6; B and C are wrong on every row at 0.9.
  const right = (g: string) => cls(g === 'neg' ? 0.6 : 0.4);
  const wrong = (g: string) => cls(g === 'neg' ? 0.1 : 0.9);
  const members = [member('A', goldLabels.map(right)), member('B', goldLabels.map(wrong)), member('C', goldLabels.map(wrong))];
  const request = { task: 'classification', labels: ['neg', 'pos'], goldFile: 'gold.jsonl', gold, members };

  test('equal weights: the two confident wrong members carry the vote (right class at (.6 + .1 + .1) / 3)', () => {
    const r = runEnsemble(request);
    expect(r.weightMode).toBe('equal');
    expect(r.members.map((m) => m.score)).toEqual([1, 0, 0]);
    expect(r.score).toBe(0);
    expect(r.predictions[0]).toMatchObject({ label: 'neg' });
  });

  test('weight search gives the good member the weight: the right class wins once w_A > 0.8', () => {
    const r = runEnsemble({ ...request, weights: 'search' });
    expect(r.search).toMatchObject({ method: 'grid', equalScore: 0, score: 1, evaluated: 67 });
    // (1, 0, 0), (.9, .1, 0) and (.9, 0, .1) all score 1; the first of the two closest to equal weights is kept.
    r.weights.forEach((w, i) => expect(w).toBeCloseTo([0.9, 0.1, 0][i], 12));
    expect(r.score).toBe(1);
    expect(r.metrics.accuracy).toBe(1);
    expect(r.members.map((m) => m.weight)).toEqual(r.weights);
    expect(r.notes.join(' ')).toMatch(/optimistic/);
    // The report is what `npm run eval` prints for these predictions.
    const again = TASKS.get('classification').scoreFiles({ goldFile: 'g', predFile: 'p', gold, pred: rows(r.predictions) }, () => {});
    expect(again).toEqual(r.report);
  });

  test('given weights are normalised', () => {
    const r = runEnsemble({ ...request, weights: [9, 1, 0] });
    expect(r.weightMode).toBe('given');
    expect(r.weights).toEqual([0.9, 0.1, 0]);
    expect(r.score).toBe(1);
  });

  test('bad members are reported with file and line', () => {
    const short = member('D', goldLabels.slice(1).map(right));
    expect(() => runEnsemble({ ...request, members: [members[0], short] })).toThrow('D/predictions.jsonl: 3 prediction rows but gold.jsonl has 4 gold rows');
    const noPos = member('E', goldLabels.map((g) => ({ label: g, scores: { neg: 0.5 } })));
    expect(() => runEnsemble({ ...request, members: [members[0], noPos] })).toThrow('E/predictions.jsonl:1: "scores" lacks "pos" (labels of the run: neg, pos)');
    expect(() => runEnsemble({ ...request, members: [members[0]] })).toThrow(/at least 2 runs/);
    expect(() => runEnsemble({ ...request, task: 'mlm' })).toThrow(/task mlm cannot be ensembled/);
  });
});

describe('multi-label', () => {
  test('thresholds re-tuned on the mean; the members\' own tuned scores are reported beside their 0.5 scores', () => {
    const gold = rows([{ text: 'x', labels: ['a'] }, { text: 'y', labels: [] }]);
    const line = (a: number) => ({ labels: a >= 0.5 ? ['a'] : [], scores: { a } });
    // A: .4 / .2, B: .3 / .1 → both miss row 0 at 0.5; the mean .35 / .15 separates the rows at threshold .35.
    const r = runEnsemble({ task: 'multilabel', labels: ['a'], goldFile: 'g', gold, members: [member('A', [line(0.4), line(0.2)]), member('B', [line(0.3), line(0.1)])] });
    expect(r.thresholds!.a).toBeCloseTo(0.35, 12);
    expect(r.predictions.map((p) => p.labels)).toEqual([['a'], []]);
    expect(r.score).toBe(1);
    expect(r.members.map((m) => [m.score, m.tunedScore])).toEqual([[0, 1], [0, 1]]);
  });
});

describe('NER and QA from predictions.jsonl alone', () => {
  test('NER: majority vote per word', () => {
    const gold = rows([{ tokens: ['Ann', 'saw', 'Bob'], ner_tags: ['B-PER', 'O', 'B-PER'] }]);
    const ms = [['B-PER', 'O', 'O'], ['B-PER', 'O', 'B-PER'], ['O', 'O', 'B-PER']].map((tags, i) => member(`m${i}`, [{ tags }]));
    const r = runEnsemble({ task: 'ner', labels: ['O', 'B-PER'], goldFile: 'g', gold, members: ms });
    expect(r.method).toBe('weighted majority vote per word');
    expect(r.predictions).toEqual([{ tags: ['B-PER', 'O', 'B-PER'] }]);
    expect(r.members.map((m) => m.score)).toEqual([2 / 3, 1, 2 / 3]);
    expect(r.score).toBe(1);
  });

  test('QA: without logits the answers are voted on, and the output says so', () => {
    const gold = rows([{ id: 'q1', question: 'Where?', context: 'in Paris, France', answers: { text: ['Paris'], answer_start: [3] } }]);
    const ms = [
      member('A', [{ id: 'q1', prediction_text: 'Paris', answer_start: 3, probability: 0.4 }]),
      member('B', [{ id: 'q1', prediction_text: 'Paris, France', answer_start: 3, probability: 0.7 }]),
      member('C', [{ id: 'q1', prediction_text: 'Paris', answer_start: 3, probability: 0.35 }]),
    ];
    const r = runEnsemble({ task: 'qa', labels: [], goldFile: 'g', gold, members: ms });
    expect(r.method).toMatch(/^vote on prediction_text/);
    expect(r.notes[0]).toMatch(/A, B, C have no qa_logits.jsonl, so the answers were voted on/);
    expect(r.predictions).toEqual([{ id: 'q1', prediction_text: 'Paris', answer_start: 3, probability: 0.75 / 3 }]);
    expect(r.metrics.exact_match).toBe(100);
  });

  test('QA: with every member\'s window logits, they are averaged before decoding', () => {
    const context = 'Big quick brown';
    const gold = rows([{ id: 'q', context, answers: { text: ['quick'], answer_start: [4] } }]);
    const offsets: [number, number][] = [[0, 3], [4, 9], [10, 15]];
    const withLogits = (name: string, text: string, start: number[], end: number[]): EnsembleMember => ({
      ...member(name, [{ id: 'q', prediction_text: text }]),
      qaWindows: new Map([['q', [{ start_logits: start, end_logits: end, offsets }]]]),
    });
    const ms = [withLogits('A', 'Big quick', [5, 1, 0], [1, 5, 0]), withLogits('B', 'quick brown', [0, 6, 0], [0, 1, 4])];
    const r = runEnsemble({ task: 'qa', labels: [], goldFile: 'g', gold, members: ms });
    expect(r.method).toMatch(/start\/end logits per window/);
    expect(r.notes).toEqual([]);
    expect(r.predictions[0]).toMatchObject({ id: 'q', prediction_text: 'quick', answer_start: 4, score: 6.5 });
    expect(r.members.map((m) => m.score)).toEqual([2 / 3 * 100, 2 / 3 * 100]);
    expect(r.score).toBe(100);
  });
});

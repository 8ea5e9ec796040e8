import { expect, test } from 'vitest';
import { combinePredictions } from '../../../src/ensemble/playground.ts';

test('one input through an ensemble: mean probabilities, tag votes, answer votes, with the weights', () => {
  const a = { label: 'pos', scores: { neg: 0.4, pos: 0.6 } };
  const b = { label: 'neg', scores: { neg: 0.9, pos: 0.1 } };
  expect(combinePredictions('classification', ['neg', 'pos'], [a, b], [0.5, 0.5])).toEqual({ label: 'neg', scores: { neg: 0.65, pos: 0.35 } });
  expect(combinePredictions('classification', ['neg', 'pos'], [a, b], [0.9, 0.1])).toMatchObject({ label: 'pos' });
  const m = (x: number, y: number) => ({ labels: [], scores: { x, y } });
  expect(combinePredictions('multilabel', ['x', 'y'], [m(0.8, 0.2), m(0.4, 0.3)], [0.5, 0.5], { x: 0.7, y: 0.2 })).toEqual({ labels: ['y'], scores: { x: 0.6000000000000001, y: 0.25 } });
  expect(combinePredictions('ner', [], [{ tags: ['B-PER', 'O'] }, { tags: ['O', 'O'] }, { tags: ['B-PER', 'B-LOC'] }], [1 / 3, 1 / 3, 1 / 3])).toEqual({ tags: ['B-PER', 'O'] });
  const q = (t: string, p: number) => ({ id: 'q', prediction_text: t, answer_start: 3, probability: p });
  expect(combinePredictions('qa', [], [q('Denver', 0.5), q('Broncos', 0.6), q('Denver', 0.4)], [1 / 3, 1 / 3, 1 / 3])).toMatchObject({ id: 'q', prediction_text: 'Denver' });
});

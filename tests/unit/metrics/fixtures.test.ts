/**
 * Every number of every reference case (tests/fixtures/metrics/*) recomputed through src/metrics and
 * compared with expected.json to 1e-9, including the per-question QA scores.
 */
import { describe, expect, it } from 'vitest';
import { classificationMetrics, comparePyStrings, multilabelMetrics, nerMetrics, qaMetrics } from '../../../src/metrics/index.ts';
import { caseNames, countNumbers, differences, readExpected, readRows, type Row } from './fixtureCases.ts';

function expectMatches(actual: unknown, expected: Row, skip: string[] = []) {
  expect(differences(actual, expected, skip)).toEqual([]);
  // Guard against a vacuous pass (e.g. an empty expected object).
  expect(countNumbers(expected, skip)).toBeGreaterThan(5);
}

describe('classification fixtures (scikit-learn 1.2.1)', () => {
  it.each(caseNames('classification'))('%s', (name) => {
    const gold = readRows(name, 'gold.jsonl').map((r) => r.label as string);
    const pred = readRows(name, 'pred.jsonl').map((r) => r.label as string);
    expectMatches(classificationMetrics(gold, pred), readExpected(name));
  });
});

describe('multilabel fixtures (scikit-learn 1.2.1)', () => {
  it.each(caseNames('multilabel'))('%s', (name) => {
    const predRows = readRows(name, 'pred.jsonl');
    const labels = Object.keys(predRows[0].scores).sort(comparePyStrings);
    const result = multilabelMetrics({
      labels,
      gold: readRows(name, 'gold.jsonl').map((r) => r.labels as string[]),
      pred: predRows.map((r) => r.labels as string[]),
      scores: predRows.map((r) => labels.map((l) => r.scores[l] as number)),
    });
    expectMatches(result, readExpected(name));
  });
});

describe('QA fixtures (official SQuAD v1.1 and KorQuAD 1.0 scripts)', () => {
  it.each(caseNames('qa'))('%s', (name) => {
    const gold = readRows(name, 'gold.jsonl').map((r) => ({ id: r.id as string, answers: r.answers.text as string[] }));
    const predictions = new Map(readRows(name, 'pred.jsonl').map((r) => [r.id as string, r.prediction_text as string]));
    const expected = readExpected(name);
    // qa_squad was scored with the SQuAD script only; qa_korquad with both.
    const scripts = 'korquad_v1.0' in expected ? (['korquad_v1.0', 'squad_v1.1'] as const) : (['squad_v1.1'] as const);
    const result = qaMetrics(gold, predictions, scripts);
    // `kind` says how the fixture generator built each prediction; it is not a metric.
    expectMatches(result, expected, ['kind']);
    expect(result.per_example).toHaveLength(gold.length);
  });
});

describe('NER fixtures (seqeval 1.2.2)', () => {
  it.each(caseNames('ner'))('%s', (name) => {
    const gold = readRows(name, 'gold.jsonl').map((r) => r.ner_tags as string[]);
    const pred = readRows(name, 'pred.jsonl').map((r) => r.tags as string[]);
    expectMatches(nerMetrics(gold, pred), readExpected(name));
  });
});

/** Runs side by side: config differences, the metrics table, curves on one step axis (src/state/compare.ts). */
import { expect, test } from 'vitest';
import { appendEval, emptyHistory } from '../../../src/charts/history';
import { alignSeries, configDifferences, flattenSettings, lossOverlay, metricOverlay, metricsTable, type ComparedRun } from '../../../src/state/compare';

const run = (over: Partial<ComparedRun>): ComparedRun => ({ name: 'r', task: 'classification', modelLabel: 'bert-tiny', maxLength: 128, labels: ['neg', 'pos'], config: {}, validation: null, ...over });

test('only settings that differ, defaults filled in, nested groups by dotted name', () => {
  const diffs = configDifferences([
    run({ config: { learningRate: 5e-5, earlyStopping: { patience: 2 } } }),
    run({ config: { learningRate: 1e-4, seed: 42 } }),
    run({ modelLabel: 'roberta-base', config: { seed: 7 } }),
  ]);
  expect(diffs).toEqual([
    { field: 'model', values: ['bert-tiny', 'bert-tiny', 'roberta-base'] },
    { field: 'config.learningRate', values: ['0.00005', '0.0001', '0.00005'] },
    { field: 'config.seed', values: ['42', '42', '7'] },
    { field: 'config.earlyStopping.patience', values: ['2', '0', '0'] },
  ]);
});

test('an imported run without its settings shows them as unknown and does not make a difference by itself', () => {
  const diffs = configDifferences([run({ config: { seed: 1 } }), run({ config: null, maxLength: 0 }), run({ config: { seed: 2 } })]);
  expect(diffs).toEqual([{ field: 'config.seed', values: ['1', null, '2'] }]);
  expect(configDifferences([run({}), run({ config: null })])).toEqual([]);
});

test('flattenSettings keeps arrays and null whole', () => {
  expect(flattenSettings({ a: { b: [1, 2], c: null }, d: 'x' })).toEqual({ 'a.b': '[1,2]', 'a.c': 'null', d: 'x' });
});

test('metrics table: every metric, the best runs per row (lowest loss, highest score; ties all, none when all agree)', () => {
  const rows = metricsTable([
    run({ validation: { loss: 0.5, accuracy: 0.8, f1_micro: 0.7 } }),
    run({ validation: { loss: 0.4, accuracy: 0.7, f1_macro: 0.6, f1_micro: 0.7 } }),
    run({ validation: { accuracy: 0.8, f1_micro: 0.7 } }),
    run({ validation: null }),
  ]);
  expect(rows).toEqual([
    { metric: 'loss', values: [0.5, 0.4, null, null], best: [1] },
    { metric: 'accuracy', values: [0.8, 0.7, 0.8, null], best: [0, 2] },
    { metric: 'f1_micro', values: [0.7, 0.7, 0.7, null], best: [] },
    { metric: 'f1_macro', values: [null, 0.6, null, null], best: [] },
  ]);
});

test('curves on the union of the steps, gaps where a run has no point', () => {
  expect(alignSeries([{ x: [1, 3], y: [1, 0.5] }, { x: [2, 3], y: [0.9, NaN] }])).toEqual([[1, 2, 3], [1, null, 0.5], [null, 0.9, null]]);
  const a = emptyHistory();
  a.step.push(10, 20);
  a.loss.push(1, 0.8);
  const b = appendEval(appendEval(emptyHistory(), 5, { f1: 0.4 }), 10, { f1: 0.5, loss: 0.7 });
  b.step.push(5);
  b.loss.push(1.2);
  expect(lossOverlay([a, b])).toEqual([[5, 10, 20], [null, 1, 0.8], [1.2, null, null]]);
  expect(metricOverlay([a, b], 'f1')).toEqual([[5, 10], [null, null], [0.4, 0.5]]);
});

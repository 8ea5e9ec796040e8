import { expect, test } from 'vitest';
import type { RunRecord } from '../../../src/persist/runs.ts';
import { ensembleMembers } from '../../../src/state/ensembleRuns.ts';

const run = (id: string, over: Partial<RunRecord> = {}): RunRecord =>
  ({
    id, name: id, task: 'classification', labels: ['neg', 'pos'],
    final: { validation: null, test: null, predictions: [{ label: 'pos', scores: { neg: 0.4, pos: 0.6 } }, { label: 'neg', scores: { neg: 0.7, pos: 0.3 } }] },
    ...over,
  }) as RunRecord;

test('an ensemble takes runs of one task and label set that kept predictions of the same validation rows', () => {
  const runs = [run('a'), run('b'), run('c', { task: 'multilabel' }), run('d', { labels: ['neg', 'neutral', 'pos'] }), run('e', { final: null }), run('f')];
  runs[5].final!.predictions.pop();
  expect(ensembleMembers(runs, ['a', 'b']).map((r) => r.id)).toEqual(['a', 'b']);
  expect(() => ensembleMembers(runs, ['a'])).toThrow('pick two or more runs');
  expect(() => ensembleMembers(runs, ['a', 'c'])).toThrow('c is a multilabel run, a a classification run: an ensemble needs one task');
  expect(() => ensembleMembers(runs, ['a', 'd'])).toThrow('d has other labels than a');
  expect(() => ensembleMembers(runs, ['a', 'e'])).toThrow('e has no saved validation predictions');
  expect(() => ensembleMembers(runs, ['a', 'f'])).toThrow('f predicted 1 validation rows, a 2: the runs must share their validation split');
});

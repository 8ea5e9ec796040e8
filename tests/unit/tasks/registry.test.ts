/** The built-in registry: one spec per Task, lookups that fail loudly, and the answers callers used to hard-code. */
import { describe, expect, test } from 'vitest';
import type { Task } from '../../../src/data/types.ts';
import { createTaskRegistry, taskOfCheckpoint, TASKS, taskSpec } from '../../../src/tasks/index.ts';

const ALL: Task[] = ['classification', 'pair', 'multilabel', 'ner', 'qa', 'mlm'];

test('every Task has exactly one spec, under its own name, in the order the task picker lists them', () => {
  expect(TASKS.list().map((s) => s.name)).toEqual(ALL);
  for (const t of ALL) expect(taskSpec(t).name).toBe(t);
});

test('an unknown task is an error, not a default', () => {
  expect(TASKS.has('summarization')).toBe(false);
  expect(() => TASKS.get('summarization')).toThrow(/unknown task "summarization"/);
  expect(() => createTaskRegistry([taskSpec('qa'), taskSpec('qa')])).toThrow(/share a name/);
});

describe('what each task is', () => {
  test.each([
    ['classification', 'seqcls', 'single_label_classification', 'class', 'accuracy'],
    ['pair', 'seqcls', 'single_label_classification', 'class', 'accuracy'],
    ['multilabel', 'seqcls', 'multi_label_classification', 'multi', 'f1_micro'],
    ['ner', 'tokcls', 'single_label_classification', 'token', 'f1'],
    ['qa', 'qa', 'single_label_classification', 'span', 'f1'],
    ['mlm', 'mlm', 'single_label_classification', 'token', 'loss'],
  ] as const)('%s: head %s, %s, labels %s, best by %s', (task, head, problemType, labelKind, metric) => {
    const s = taskSpec(task);
    expect([s.head, s.problemType, s.labelKind, s.defaultMetric]).toEqual([head, problemType, labelKind, metric]);
    expect(s.metrics).toContain(s.defaultMetric);
    for (const m of s.chartedMetrics) expect(s.metrics).toContain(m);
  });

  test('loss options apply where torch applies them', () => {
    const applies = (o: 'classWeights' | 'posWeight' | 'labelSmoothing') => ALL.filter((t) => taskSpec(t).loss[o]);
    expect(applies('classWeights')).toEqual(['classification', 'pair', 'ner']);
    expect(ALL.filter((t) => Object.values(taskSpec(t).loss).some(Boolean))).not.toContain('mlm');
    expect(applies('posWeight')).toEqual(['multilabel']);
    expect(applies('labelSmoothing')).toEqual(['classification', 'pair', 'ner']);
  });

  test('QA and the masked LM have no label vocabulary; only QA slides windows and has its own default max_length', () => {
    expect(ALL.filter((t) => !taskSpec(t).hasLabelVocabulary)).toEqual(['qa', 'mlm']);
    expect(ALL.filter((t) => taskSpec(t).slidingWindows)).toEqual(['qa']);
    expect(ALL.map((t) => taskSpec(t).defaultMaxLength)).toEqual([undefined, undefined, undefined, undefined, 384, undefined]);
    expect(ALL.filter((t) => taskSpec(t).groupRows)).toEqual(['mlm']);
    expect(ALL.filter((t) => taskSpec(t).decodeNeedsExamples)).toEqual(['ner', 'qa']);
  });
});

test('a checkpoint\'s task from its config.json', () => {
  expect(taskOfCheckpoint({ architectures: ['BertForQuestionAnswering'] })).toBe('qa');
  expect(taskOfCheckpoint({ architectures: ['RobertaForTokenClassification'] })).toBe('ner');
  expect(taskOfCheckpoint({ architectures: ['BertForSequenceClassification'], problem_type: 'multi_label_classification' })).toBe('multilabel');
  expect(taskOfCheckpoint({ architectures: ['BertForSequenceClassification'] })).toBe('classification');
  expect(taskOfCheckpoint({ architectures: ['RobertaForMaskedLM'] })).toBe('mlm');
  expect(taskOfCheckpoint({ architectures: ['ElectraForMaskedLM'] })).toBe('mlm');
  expect(taskOfCheckpoint({})).toBe('classification');
});

test('auto-detection tries QA, NER, then pair before multi-label only when a column is named like one label; unlabeled text (mlm) last', () => {
  const order = (singleLabel: boolean) =>
    [...TASKS.list()].sort((a, b) => a.detect.priority(singleLabel) - b.detect.priority(singleLabel)).map((s) => s.name);
  expect(order(true)).toEqual(['qa', 'ner', 'pair', 'multilabel', 'classification', 'mlm']);
  expect(order(false)).toEqual(['qa', 'ner', 'multilabel', 'pair', 'classification', 'mlm']);
});

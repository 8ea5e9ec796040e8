/**
 * A toy task that exists only in tests: "sentence length bucket", single-label classification whose label is
 * computed from the text (short / medium / long by word count), detected on files with a text column and
 * nothing else. It is written as a task module of src/tasks would be, to show that a task is one module.
 */
import { textField, type FieldIssue } from '../../../src/data/fields.ts';
import type { ClassificationExample } from '../../../src/data/types.ts';
import { singleLabel } from '../../../src/tasks/classification.ts';
import type { TaskSpec } from '../../../src/tasks/types.ts';

export const BUCKETS = ['short', 'medium', 'long'];

export function bucketOf(text: string): string {
  const words = text.split(/\s+/).filter(Boolean).length;
  return words <= 8 ? 'short' : words <= 16 ? 'medium' : 'long';
}

export const lengthBucket: TaskSpec<ClassificationExample> = {
  ...singleLabel,
  name: 'length_bucket',
  title: 'Sentence length bucket',
  detect: {
    // After every supervised built-in task, before the masked LM's catch-all for unlabeled text (90).
    priority: () => 80,
    columns(profiles) {
      const cols = [...profiles.values()];
      return cols.length === 1 && cols[0].strings > 0 ? { text: cols[0].name } : null;
    },
  },
  requiredRoles: (m) => (m.text ? null : 'a text column'),
  converter: (m) => (row) => {
    const issues: FieldIssue[] = [];
    const text = textField(row, m.text!, issues);
    return text === undefined ? { issues } : { example: { text, label: bucketOf(text) } };
  },
  vocabulary: () => [...BUCKETS],
  charLength: (e) => e.text.length,
  goldLine: (e) => ({ text: e.text, label: e.label }),
  defaultMetric: 'f1_macro',
  chartedMetrics: ['f1_macro'],
  roles: ['text'],
  playgroundExample: (input) => ({ example: { text: input.text, label: BUCKETS[0] } }),
  views: { playground: 'text', examples: null },
  export: { pipelineTag: 'text-classification', autoClass: 'AutoModelForSequenceClassification', description: 'sentence length buckets (a test task)' },
};

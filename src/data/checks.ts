import type { ColumnMapping, Detection } from './detect.ts';
import { tagSequenceError, type TagScheme } from './tags.ts';
import type { Example, NerExample, Task } from './types.ts';
import { taskSpec } from '../tasks/index.ts';

/** The labels one example uses: its class, its classes, or its tags. */
export function labelsOf(task: Task, e: Example): string[] {
  return taskSpec(task).labelsOf(e);
}

/**
 * Checks that need the training file first: a label outside the training label set (validation/test only;
 * `trainLabels` null for training files) and an NER tag sequence that breaks the scheme. Reports through
 * `report(index, field, reason)` and returns which examples to keep.
 */
export function checkAgainstTraining(
  task: Task,
  examples: readonly Example[],
  trainLabels: ReadonlySet<string> | null,
  scheme: TagScheme | undefined,
  m: ColumnMapping,
  report: (index: number, field: string, reason: string) => void,
): boolean[] {
  const keep = examples.map(() => true);
  // One-hot columns and 0/1 vectors define their classes by position, so they cannot hold an unknown one.
  const spec = taskSpec(task);
  const checkSet = trainLabels && trainLabels.size > 0 && spec.hasLabelVocabulary && !m.label_columns && !m.labels_vector;
  const field = m.label ?? m.labels ?? m.tags ?? 'label';
  examples.forEach((e, i) => {
    if (spec.tagScheme && scheme) {
      const err = tagSequenceError((e as NerExample).tags, scheme);
      if (err) {
        report(i, m.tags!, `invalid tag sequence: ${err}`);
        keep[i] = false;
      }
    }
    if (checkSet) {
      const unknown = [...new Set(spec.labelsOf(e).filter((l) => !trainLabels!.has(l)))];
      if (unknown.length) {
        const what = spec.labelNoun;
        report(i, field, `${what}${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => JSON.stringify(l)).join(', ')} not in the training ${what} set`);
        keep[i] = false;
      }
    }
  });
  return keep;
}

/** The label vocabulary in its saved order. */
export function vocabularyFor(d: Detection, trainLabels: Iterable<string>, vectorWidth: number): string[] {
  if (d.columns.label_columns) return [...d.columns.label_columns];
  if (d.columns.labels_vector) return Array.from({ length: vectorWidth }, (_, i) => String(i));
  return taskSpec(d.task).vocabulary(trainLabels);
}

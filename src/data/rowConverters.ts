/** Row → example for the classification tasks, and the Converted result every task's converter returns. */
import type { Converted } from './convert.ts';
import type { ColumnMapping } from './detect.ts';
import { flagValue, labelValue, listField, textField, type FieldIssue } from './fields.ts';
import type { Row } from './records.ts';
import type { ClassificationExample, Example, MlmExample, MultilabelExample } from './types.ts';

/** A converter's outcome: the example, or every issue found (an example with issues is not kept). */
export function converted(r: { example?: Example; issues: FieldIssue[] }): Converted {
  return r.issues.length || !r.example ? { issues: r.issues } : { example: r.example };
}

export function toClassification(row: Row, m: ColumnMapping): { example?: ClassificationExample; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const text = textField(row, m.text!, issues);
  const textPair = m.text_pair ? textField(row, m.text_pair, issues) : undefined;
  const label = labelValue(row[m.label!], m.label!, issues);
  if (issues.length) return { issues };
  return { example: m.text_pair ? { text: text!, textPair, label: label! } : { text: text!, label: label! }, issues };
}

export function toMultilabel(row: Row, m: ColumnMapping, width: { n: number }): { example?: MultilabelExample; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const text = textField(row, m.text!, issues);
  const labels: string[] = [];
  if (m.label_columns) {
    for (const col of m.label_columns) if (flagValue(row[col], col, issues)) labels.push(col);
  } else if (m.labels_vector) {
    const list = listField(row, m.labels_vector, issues);
    if (list && width.n < 0) width.n = list.length;
    if (list && list.length !== width.n) {
      issues.push({ field: m.labels_vector, reason: `wrong length: expected ${width.n} values (as in the first row), got ${list.length}` });
    } else list?.forEach((v, i) => {
      if (flagValue(v, `${m.labels_vector}[${i}]`, issues)) labels.push(String(i));
    });
  } else if (m.labels) {
    const list = listField(row, m.labels, issues);
    list?.forEach((v, i) => {
      const l = labelValue(v, `${m.labels}[${i}]`, issues);
      if (l !== undefined && !labels.includes(l)) labels.push(l);
    });
  }
  if (issues.length) return { issues };
  return { example: { text: text!, labels }, issues };
}

/** Masked LM: the text cell as it is (an empty one is an issue, as for every text field). */
export function toMlm(row: Row, m: ColumnMapping): { example?: MlmExample; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const text = textField(row, m.text!, issues);
  return issues.length ? { issues } : { example: { text: text! }, issues };
}

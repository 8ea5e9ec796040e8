import type { ColumnMapping } from './detect.ts';
import { intValue, textField, typeName, type FieldIssue } from './fields.ts';
import type { RowOrigin } from './convert.ts';
import type { Row } from './records.ts';
import type { QaExample } from './types.ts';

/**
 * Extractive QA row → QaExample. Answers come as HF's `{text: [...], answer_start: [...]}`, SQuAD's
 * `[{text, answer_start}]`, or flat `answer_text`/`answer_start` columns. No answers (an empty list, an empty
 * answer text, `answer_start` -1 or `is_impossible: true`) is a valid unanswerable question (SQuAD v2).
 * Every answer must be found verbatim at its offset: a shifted offset would train the model on wrong spans.
 */
export function toQaExample(row: Row, m: ColumnMapping, origin: RowOrigin): { example?: QaExample; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const question = textField(row, m.question!, issues);
  const context = textField(row, m.context!, issues);
  const rawId = m.id ? row[m.id] : undefined;
  const id = typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' ? String(rawId) : `${origin.file}:${origin.line}`;

  const raw = m.answers ? answersFromColumn(row, m.answers, issues) : answersFromFlat(row, m, issues);
  const answers = { text: [] as string[], answerStart: [] as number[] };
  const startField = m.answers ? `${m.answers}.answer_start` : m.answer_start!;
  if (raw && row.is_impossible !== true) {
    raw.text.forEach((t, i) => {
      const s = raw.start[i];
      if (typeof t !== 'string') return void issues.push({ field: raw.textField, reason: `wrong type: expected a string, got ${typeName(t)}` });
      const start = intValue(s, startField, issues);
      if (start === undefined) return;
      if (t === '' && start < 0) return; // flat form's way of saying "no answer"
      if (t === '') return void issues.push({ field: raw.textField, reason: 'empty' });
      if (context === undefined) return;
      if (start < 0 || context.slice(start, start + t.length) !== t) {
        const found = start >= 0 && start < context.length ? JSON.stringify(context.slice(start, start + t.length)) : 'nothing (outside the context)';
        return void issues.push({
          field: startField,
          reason: `answer text not found at answer_start ${start}: expected ${JSON.stringify(clip(t))}, found ${clip(found)}`,
        });
      }
      answers.text.push(t);
      answers.answerStart.push(start);
    });
  }
  if (issues.length) return { issues };
  return { example: { id, question: question!, context: context!, answers }, issues };
}

interface RawAnswers {
  text: unknown[];
  start: unknown[];
  textField: string;
}

function answersFromColumn(row: Row, col: string, issues: FieldIssue[]): RawAnswers | undefined {
  const v = row[col];
  if (v === undefined || v === null) return void issues.push({ field: col, reason: 'missing' });
  if (Array.isArray(v)) {
    const text: unknown[] = [];
    const start: unknown[] = [];
    for (const a of v) {
      if (a === null || typeof a !== 'object' || Array.isArray(a)) {
        return void issues.push({ field: col, reason: `wrong type: expected a list of {text, answer_start}, got ${typeName(a)} in it` });
      }
      text.push((a as Record<string, unknown>).text);
      start.push((a as Record<string, unknown>).answer_start);
    }
    return { text, start, textField: `${col}.text` };
  }
  if (typeof v !== 'object') return void issues.push({ field: col, reason: `wrong type: expected {text: [...], answer_start: [...]}, got ${typeName(v)}` });
  const o = v as Record<string, unknown>;
  const text = Array.isArray(o.text) ? o.text : o.text === undefined ? undefined : [o.text];
  const start = Array.isArray(o.answer_start) ? o.answer_start : o.answer_start === undefined ? undefined : [o.answer_start];
  if (!text) return void issues.push({ field: `${col}.text`, reason: 'missing' });
  if (!start) return void issues.push({ field: `${col}.answer_start`, reason: 'missing' });
  if (text.length !== start.length) {
    return void issues.push({ field: `${col}.answer_start`, reason: `length mismatch: ${text.length} answer texts, ${start.length} answer_start values` });
  }
  return { text, start, textField: `${col}.text` };
}

function answersFromFlat(row: Row, m: ColumnMapping, issues: FieldIssue[]): RawAnswers | undefined {
  const t = row[m.answer_text!];
  const s = row[m.answer_start!];
  if (t === undefined || t === null) return void issues.push({ field: m.answer_text!, reason: 'missing' });
  if (s === undefined || s === null) return void issues.push({ field: m.answer_start!, reason: 'missing' });
  const text = Array.isArray(t) ? t : [t];
  // An empty CSV cell for both means "no answer".
  const start = Array.isArray(s) ? s : [s === '' ? -1 : s];
  if (text.length !== start.length) {
    return void issues.push({ field: m.answer_start!, reason: `length mismatch: ${text.length} answer texts, ${start.length} answer_start values` });
  }
  return { text, start, textField: m.answer_text! };
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

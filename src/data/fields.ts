import type { Row } from './records.ts';

/** A problem with one field, before the file and line are attached. */
export interface FieldIssue {
  field: string;
  reason: string;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

const wrongType = (field: string, want: string, v: unknown): FieldIssue => ({ field, reason: `wrong type: expected ${want}, got ${typeName(v)}` });

/** A non-empty string (texts keep their inner whitespace; only all-blank counts as empty). */
export function textField(row: Row, col: string, issues: FieldIssue[]): string | undefined {
  const v = row[col];
  if (v === undefined || v === null) return void issues.push({ field: col, reason: 'missing' });
  if (typeof v !== 'string') return void issues.push(wrongType(col, 'a string', v));
  if (v.trim() === '') return void issues.push({ field: col, reason: 'empty' });
  return v;
}

/** A class label: a non-empty string or an integer (kept as its decimal string, so `1` and `"1"` agree). */
export function labelValue(v: unknown, field: string, issues: FieldIssue[]): string | undefined {
  if (v === undefined || v === null) return void issues.push({ field, reason: 'missing' });
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return void issues.push(wrongType(field, 'a string or an integer label', v));
  }
  if (typeof v !== 'string') return void issues.push(wrongType(field, 'a string or an integer label', v));
  const s = v.trim();
  if (s === '') return void issues.push({ field, reason: 'empty' });
  return s;
}

/**
 * A list. CSV/TSV cells hold lists as JSON (`["a","b"]`, `[1,0,1]`) or comma-separated (`2,27` as in
 * GoEmotions' TSV); an empty cell is an empty list there.
 */
export function listField(row: Row, col: string, issues: FieldIssue[]): unknown[] | undefined {
  const v = row[col];
  if (v === undefined || v === null) return void issues.push({ field: col, reason: 'missing' });
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return [];
    if (s.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(s);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        return void issues.push({ field: col, reason: 'wrong type: the cell starts with "[" but is not a JSON list' });
      }
    }
    return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  }
  return void issues.push(wrongType(col, 'a list', v));
}

/** 0/1 flag from a number, a "0"/"1" string or a boolean. */
export function flagValue(v: unknown, field: string, issues: FieldIssue[]): boolean | undefined {
  if (v === 1 || v === '1' || v === true) return true;
  if (v === 0 || v === '0' || v === false) return false;
  if (v === undefined || v === null) return void issues.push({ field, reason: 'missing' });
  if (typeof v === 'string' && v.trim() === '') return void issues.push({ field, reason: 'empty' });
  return void issues.push({ field, reason: `wrong type: expected 0 or 1, got ${JSON.stringify(v)}` });
}

/** A non-negative integer from a number or a numeric string. */
export function intValue(v: unknown, field: string, issues: FieldIssue[]): number | undefined {
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (v === undefined || v === null) return void issues.push({ field, reason: 'missing' });
  if (typeof n !== 'number' || !Number.isInteger(n)) return void issues.push(wrongType(field, 'an integer', v));
  return n;
}

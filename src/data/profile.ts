import type { Row } from './records.ts';

/** What the sampled values of one column look like; detection decides from these, never from one row. */
export interface ColumnProfile {
  name: string;
  /** Rows where the column is present and not null. */
  present: number;
  strings: number;
  /** Integers, or strings that spell one (CSV). */
  ints: number;
  /** Numbers, or strings that spell one: not text, whatever their type. */
  numeric: number;
  /** Values that are 0/1 (numbers, "0"/"1", booleans). */
  binary: number;
  stringLists: number;
  numberLists: number;
  /** Lists whose elements are all 0 or 1. */
  binaryLists: number;
  /** Lists of objects, empty ones included (SQuAD's `answers: [{text, answer_start}]`, `[]` unanswerable). */
  objectLists: number;
  objects: number;
  /** Mean length of the string values. */
  meanLength: number;
  /** Distinct scalar values, capped at MAX_DISTINCT + 1. */
  distinct: number;
  /** List lengths per sampled row (NaN where not a list), aligned with the sample. */
  listLengths: number[];
}

const MAX_DISTINCT = 1000;
const INT = /^-?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function isBinaryValue(v: unknown): boolean {
  return v === 0 || v === 1 || v === '0' || v === '1' || v === true || v === false;
}

/** Column names in first-seen order across the sample. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

export function profileColumns(columns: readonly string[], rows: readonly Row[]): Map<string, ColumnProfile> {
  const out = new Map<string, ColumnProfile>();
  for (const name of columns) {
    const p: ColumnProfile = {
      name, present: 0, strings: 0, ints: 0, numeric: 0, binary: 0, stringLists: 0, numberLists: 0, binaryLists: 0, objectLists: 0,
      objects: 0, meanLength: 0, distinct: 0, listLengths: [],
    };
    const distinct = new Set<string>();
    let totalLength = 0;
    for (const r of rows) {
      const v = asList(r[name]);
      p.listLengths.push(Array.isArray(v) ? v.length : NaN);
      if (v === undefined || v === null) continue;
      p.present++;
      if (isBinaryValue(v)) p.binary++;
      if (typeof v === 'string') {
        p.strings++;
        totalLength += v.length;
        if (INT.test(v.trim())) p.ints++;
        if (NUMBER.test(v.trim())) p.numeric++;
      } else if (typeof v === 'number') {
        p.numeric++;
        if (Number.isInteger(v)) p.ints++;
      }
      if (Array.isArray(v)) {
        if (v.every((x) => typeof x === 'string')) p.stringLists++;
        if (v.length > 0 && v.every((x) => typeof x === 'number')) p.numberLists++;
        if (v.length > 0 && v.every((x) => x === 0 || x === 1)) p.binaryLists++;
        if (v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) p.objectLists++;
      } else if (typeof v === 'object') p.objects++;
      else if (distinct.size <= MAX_DISTINCT) distinct.add(String(v));
    }
    p.meanLength = p.strings ? totalLength / p.strings : 0;
    p.distinct = distinct.size;
    out.set(name, p);
  }
  return out;
}

/**
 * Mostly of this kind: a broken row must not hide a column's role (it is reported as an error later), so
 * one odd value, or 10% of them, is tolerated.
 */
export function mostly(count: number, p: ColumnProfile): boolean {
  return p.present > 0 && count >= p.present - Math.max(1, Math.floor(0.1 * p.present)) && count > p.present / 2;
}

/** CSV/TSV cells hold lists as JSON text (`["a","b"]`); profile them as the lists they spell. */
function asList(v: unknown): unknown {
  if (typeof v !== 'string' || !v.trimStart().startsWith('[')) return v;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed : v;
  } catch {
    return v;
  }
}

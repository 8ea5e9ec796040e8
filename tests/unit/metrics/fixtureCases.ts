/**
 * Loads the metric reference cases from the repo's copy of the fixtures (never the network) and compares
 * computed results with expected.json. The loader is deliberately independent of scripts/lib so the
 * metric tests do not trust the CLI's parsing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/metrics/', import.meta.url));
export const TOLERANCE = 1e-9;

interface Manifest {
  cases: { name: string; task: string; rows: number }[];
}

export function caseNames(task: string): string[] {
  const manifest = JSON.parse(readFileSync(`${FIXTURES_DIR}manifest.json`, 'utf8')) as Manifest;
  return manifest.cases.filter((c) => c.task === task).map((c) => c.name);
}

// Fixture rows are trusted JSON; tests read fields directly.
export type Row = Record<string, any>;

export function readRows(caseName: string, file: 'gold.jsonl' | 'pred.jsonl'): Row[] {
  return readFileSync(`${FIXTURES_DIR}${caseName}/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Row);
}

export function readExpected(caseName: string): Row {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${caseName}/expected.json`, 'utf8')) as Row;
}

/**
 * Every difference between `actual` and `expected`, as `path: why`. Numbers must agree to TOLERANCE,
 * null must be null, strings exact, and objects must have exactly the expected keys (minus `skip`).
 */
export function differences(actual: unknown, expected: unknown, skip: readonly string[] = [], path = '$'): string[] {
  if (expected === null) return actual === null ? [] : [`${path}: expected null, got ${JSON.stringify(actual)}`];
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= TOLERANCE)) {
      return [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
    }
    return [];
  }
  if (typeof expected === 'string' || typeof expected === 'boolean') {
    return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((e, i) => differences(actual[i], e, skip, `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(exp)) {
    if (skip.includes(key)) continue;
    if (!(key in act)) out.push(`${path}.${key}: missing`);
    else out.push(...differences(act[key], exp[key], skip, `${path}.${key}`));
  }
  for (const key of Object.keys(act)) {
    if (!(key in exp) && !skip.includes(key)) out.push(`${path}.${key}: unexpected key`);
  }
  return out;
}

/** How many numbers `differences` compared (so a test can prove it really walked the whole file). */
export function countNumbers(value: unknown, skip: readonly string[] = []): number {
  if (typeof value === 'number') return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countNumbers(v, skip), 0);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce((n, [k, v]) => n + (skip.includes(k) ? 0 : countNumbers(v, skip)), 0);
  }
  return 0;
}

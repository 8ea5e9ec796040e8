import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lengthSampleJsonl, MALFORMED, ROOT } from './helpers.ts';

/** Runs the real CLI as a user would (`npm run inspect` is `tsx scripts/inspect.ts`). */
function inspect(...args: string[]): { status: number | null; json: Record<string, any>; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'scripts/inspect.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, json: r.stdout ? JSON.parse(r.stdout) : {}, stderr: r.stderr };
}

const sample = (name: string) => join('tests', 'fixtures', 'data', name);

describe('npm run inspect', () => {
  it('prints task, columns, files, errors and labels for a real sample', () => {
    const { status, json } = inspect(sample('ko_nli_klue_dev.sample.jsonl'));
    expect(status).toBe(0);
    for (const key of ['task', 'columns', 'files', 'errors', 'labels']) expect(json).toHaveProperty(key);
    expect(json.task).toBe('pair');
    expect(json.columns).toEqual({ text: 'text', text_pair: 'text_pair', label: 'label' });
    expect(json.files).toEqual([expect.objectContaining({ file: sample('ko_nli_klue_dev.sample.jsonl'), rows: 40, valid: 40, invalid: 0 })]);
    expect(json.errors).toEqual([]);
    const counts = json.labels as Record<string, number>;
    expect(Object.keys(counts)).toEqual(['contradiction', 'entailment', 'neutral']);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(40);
    expect(json).not.toHaveProperty('tokens');
  }, 60_000);

  it('several files: errors carry file, 1-based line, field and reason; --task forces the task', () => {
    const { status, json } = inspect(join(MALFORMED, 'unknown_label_train.jsonl'), join(MALFORMED, 'unknown_label_dev.jsonl'), '--task', 'classification');
    expect(status).toBe(0);
    expect(json.files.map((f: any) => [f.rows, f.valid, f.invalid])).toEqual([
      [3, 3, 0],
      [3, 2, 1],
    ]);
    expect(json.errors).toEqual([
      { file: join(MALFORMED, 'unknown_label_dev.jsonl'), line: 3, field: 'label', reason: 'label "neutral" not in the training label set' },
    ]);
  }, 60_000);

  it('QA without a model reports questions and unanswerable ones; with a local model, token quantiles and coverage', () => {
    const plain = inspect(sample('en_qa_xquad_squad_v2.sample.json'));
    expect(plain.json.task).toBe('qa');
    expect(plain.json.qa).toEqual({ questions: 14, unanswerable: 2 });
    const model = join('tests', 'fixtures', 'hf-reference', 'tokenizers', 'bert-base-uncased');
    const { status, json } = inspect(sample('en_qa_xquad_squad_v2.sample.json'), '--model', model, '--max-length', '256', '--stride', '64');
    expect(status).toBe(0);
    expect(Object.keys(json.tokens)).toEqual(expect.arrayContaining(['p50', 'p95', 'p99', 'max']));
    expect(json.tokens.p50).toBeLessThanOrEqual(json.tokens.p99);
    expect(json.qa).toMatchObject({ questions: 14, unanswerable: 2, max_length: 256, stride: 64 });
    for (const k of ['windows', 'answer_coverage_rate', 'answer_recovery_rate']) expect(typeof json.qa[k]).toBe('number');
    expect(json.qa.windows).toBeGreaterThanOrEqual(14);
  }, 60_000);

  it('prints nearest-rank length quantiles of a fixed sample (stats.ts), not interpolated ones', () => {
    // LENGTH_SAMPLE_WORDS words per row: words + 2 tokens, 4·words − 1 characters.
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const file = join(dir, 'the.jsonl');
    writeFileSync(file, lengthSampleJsonl());
    const model = join('tests', 'fixtures', 'hf-reference', 'tokenizers', 'bert-base-uncased');
    const { status, json } = inspect(file, '--model', model, '--max-length', '16');
    rmSync(dir, { recursive: true });
    expect(status).toBe(0);
    // Sorted words: 1 1 2 2 3 3 4 4 5 5 | 6 6 7 8 9 10 11 12 15 30 (sum 144); the ceil(20·q)-th value is p50 = 5
    // (interpolation: 5.5), p95 = 15 (numpy's default: 15.75), p99 = 30. Tokens add 2, characters are 4·w − 1.
    expect(json.tokens).toMatchObject({ p50: 7, p95: 17, p99: 32, max: 32, mean: 9.2, max_length: 16, truncated: 2 });
    expect(json.chars).toEqual({ p50: 19, p95: 59, p99: 119, max: 119, mean: 27.8 });
  }, 60_000);

  it('exits 1 with one clear message for a file that cannot be used, 2 for bad arguments', () => {
    const bad = inspect(join(MALFORMED, 'unusable_scalar.json'));
    expect(bad.status).toBe(1);
    expect(bad.json.files[0].error).toBe('line 1: expected a JSON array or object at the top level, found "42" (column 1)');
    expect(inspect(sample('ko_nli_klue_dev.sample.jsonl'), '--task', 'regression').status).toBe(2);
  }, 60_000);
  it('says why each file got its split, and warns about a CSV without a header row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const csv = join(dir, 'reviews_dev.csv');
    writeFileSync(csv, 'great film,pos\nawful,neg\nfine,pos\nbad,neg\n');
    const { status, json } = inspect(csv);
    rmSync(dir, { recursive: true });
    expect(status).toBe(0);
    expect(json.files[0]).toMatchObject({ split: 'train', rows: 4, valid: 4 });
    expect(json.files[0].split_why).toMatch(/^its name suggests validation \("dev"\), but no file was in the train split/);
    expect(json.files[0].warnings).toEqual([expect.stringMatching(/^no header row: line 1 reads as data/)]);
  }, 60_000);
});

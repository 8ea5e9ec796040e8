import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataSummary } from '../../../src/protocol/data.ts';
import { memoryDataSource } from '../../../src/data/read.ts';
import { DataSession } from '../../../src/data/session.ts';
import { mulberry32 } from '../../../src/data/split.ts';
import { DATA } from './helpers.ts';
import { mutate, MUTATIONS, type Format, type Mutation } from './fuzz-mutations.ts';

/**
 * Seeded fuzzing of the data reader (issue 15): valid files of every format (plain text too), broken in the
 * ways real files break, go through the entry point the data worker and `npm run train` share
 * (DataSession.parse → parseFiles). Whatever the bytes, the parse resolves; every problem comes back as a report that names the
 * file, the line (within the file) and the field, and a file-level parse error says line and column.
 * Every case is reproducible from SEED and its index; a failure prints both. A key given twice in one JSON
 * object is not an error: the last value wins, as JSON.parse and Python's json read it; a CSV header name
 * given twice is renamed with a note (csv-header.ts).
 */

const SEED = 20261130;
const ROUNDS = 9; // per input and mutation: 10 inputs × 6 mutations × 9 rounds = 540 cases, + 10 huge fields
const MAX_BYTES = 4096;

/** Valid inputs, cut to whole lines under MAX_BYTES (the SQuAD document whole: cutting it would break it). */
const INPUTS: { name: string; format: Format; bytes: Uint8Array }[] = [
  { name: 'poem.jsonl', format: 'jsonl', bytes: head('en_sentiment_poem_train.sample.jsonl') },
  { name: 'ner.jsonl', format: 'jsonl', bytes: head('en_ner_wnut17_train.sample.jsonl') },
  { name: 'nsmc.csv', format: 'csv', bytes: head('ko_sentiment_nsmc.sample.csv') },
  { name: 'qa_flat.csv', format: 'csv', bytes: head('en_qa_xquad_flat.sample.csv') },
  { name: 'klue.tsv', format: 'tsv', bytes: head('ko_nli_klue_dev.sample.tsv') },
  { name: 'squad.json', format: 'json', bytes: new Uint8Array(readFileSync(join(DATA, 'en_qa_xquad_squad_v2.sample.json'))) },
  // SQuAD as it is distributed: the whole document on one line.
  { name: 'squad.min.json', format: 'json', bytes: new TextEncoder().encode(JSON.stringify(JSON.parse(readFileSync(join(DATA, 'en_qa_xquad_squad_v2.sample.json'), 'utf8')))) },
  { name: 'poem.json', format: 'json', bytes: new Uint8Array(readFileSync(join(DATA, 'en_sentiment_poem_train.sample.json'))) },
  { name: 'wnut.conll', format: 'conll', bytes: head('en_ner_wnut17_train.sample.conll') },
  { name: 'comments.txt', format: 'text', bytes: head('en_goemotions_comments.sample.txt') },
];

function head(name: string): Uint8Array {
  const text = readFileSync(join(DATA, name), 'utf8');
  let out = '';
  for (const line of text.split('\n')) {
    if (new TextEncoder().encode(out + line + '\n').length > MAX_BYTES) break;
    out += line + '\n';
  }
  return new TextEncoder().encode(out);
}

/** File-level messages that are not about a place in the file (nothing to point at). */
const PLACELESS: RegExp[] = [/^the file is empty$/, /^no rows: the file holds no data$/, /^no rows: the file holds a header row and nothing below it$/, /^no valid rows: all \d+ rows have errors$/, /^cannot tell the task from the columns/, /^column ".*" chosen as/, /^task \w+ needs /, /^unknown format/];

/** Reasons that say the bytes could not be parsed: they must point at a column, not only a line. */
const PARSE_ERROR = /invalid JSON|JSON value|JSON array or object|broken UTF-8|malformed CSV/;

/** What is wrong with one parse's reports; empty when every report is as the project rule wants it. */
export function reportProblems(name: string, format: Format, bytes: Uint8Array, s: DataSummary): string[] {
  const problems: string[] = [];
  // Line breaks are LF, CRLF, or lone CR in a CR-only file: counting every CR and LF bounds the line numbers.
  const lines = bytes.reduce((n, b) => n + (b === 10 || b === 13 ? 1 : 0), 1);
  for (const e of s.errors) {
    if (e.file !== name) problems.push(`error names file ${e.file}`);
    if (!Number.isInteger(e.line) || e.line < 1 || e.line > lines) problems.push(`error line ${e.line} outside 1..${lines}: ${e.reason}`);
    if (typeof e.field !== 'string' || e.field === '') problems.push(`error without a field: ${e.reason}`);
    if (!e.reason) problems.push(`error without a reason at line ${e.line}`);
    if (PARSE_ERROR.test(e.reason) && !/column \d+/.test(e.reason)) problems.push(`parse error without a column: ${e.reason}`);
  }
  if (s.errorCount < s.errors.length) problems.push(`errorCount ${s.errorCount} < ${s.errors.length} errors`);
  for (const f of s.files) {
    if (f.valid + f.invalid !== f.rows) problems.push(`rows ${f.rows} != valid ${f.valid} + invalid ${f.invalid}`);
    if (!f.error || PLACELESS.some((re) => re.test(f.error!))) continue;
    if (!/line \d+/.test(f.error)) problems.push(`file error without a line: ${f.error}`);
    if (PARSE_ERROR.test(f.error) && !/column \d+/.test(f.error)) problems.push(`file-level parse error without a column: ${f.error}`);
  }
  if (s.error && !s.error.includes(name)) problems.push(`result error does not name the file: ${s.error}`);
  return problems;
}

async function runCase(input: (typeof INPUTS)[number], kind: Mutation, round: number): Promise<string[]> {
  const rand = mulberry32(SEED + round * 7919 + MUTATIONS.indexOf(kind as never) * 104729 + INPUTS.indexOf(input) * 15485863);
  const bytes = mutate(kind, input.bytes, rand, input.format);
  const chunk = 1 + Math.floor(rand() * 4096);
  try {
    const summary = await new DataSession().parse([{ source: memoryDataSource(input.name, bytes, chunk) }], { split: { validation: 0.1, test: 0, seed: 42 } });
    return reportProblems(input.name, input.format, bytes, summary);
  } catch (e) {
    return [`threw past the error channel: ${(e as Error).stack ?? e}`];
  }
}

describe(`data reader fuzz (seed ${SEED})`, () => {
  for (const input of INPUTS) {
    it(`${input.name}: ${MUTATIONS.length} mutations × ${ROUNDS} rounds, and one huge field`, async () => {
      const failures: string[] = [];
      for (const kind of MUTATIONS) {
        for (let round = 0; round < ROUNDS; round++) {
          for (const p of await runCase(input, kind, round)) failures.push(`${kind} round ${round}: ${p}`);
        }
      }
      for (const p of await runCase(input, 'hugeField', 0)) failures.push(`hugeField: ${p}`);
      expect(failures).toEqual([]);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { parseFiles, type ParseInput } from '../../../src/data/pipeline.ts';
import { fixture, MALFORMED } from './helpers.ts';

/**
 * The malformed-input corpus: one file per failure the studio must report, and the error it must give.
 * `reason` is matched as a prefix; the rest of the message carries details for the user.
 */
const EXPECTED: { files: string[]; file: string; line: number; field: string; reason: string; valid: number }[] = [
  { files: ['invalid_json.jsonl'], file: 'invalid_json.jsonl', line: 3, field: '(row)', reason: 'invalid JSON', valid: 3 },
  { files: ['broken_utf8.jsonl'], file: 'broken_utf8.jsonl', line: 2, field: '(row)', reason: 'broken UTF-8', valid: 2 },
  { files: ['ragged_row.csv'], file: 'ragged_row.csv', line: 4, field: '(row)', reason: 'ragged row: 3 fields, the header has 2', valid: 2 },
  { files: ['unterminated_quote.csv'], file: 'unterminated_quote.csv', line: 3, field: '(row)', reason: 'malformed CSV: a quoted field is never closed', valid: 2 },
  { files: ['missing_field.jsonl'], file: 'missing_field.jsonl', line: 2, field: 'label', reason: 'missing', valid: 2 },
  { files: ['empty_field.csv'], file: 'empty_field.csv', line: 3, field: 'text', reason: 'empty', valid: 2 },
  { files: ['wrong_type.jsonl'], file: 'wrong_type.jsonl', line: 2, field: 'text', reason: 'wrong type: expected a string', valid: 2 },
  {
    files: ['unknown_label_train.jsonl', 'unknown_label_dev.jsonl'],
    file: 'unknown_label_dev.jsonl', line: 3, field: 'label', reason: 'label "neutral" not in the training label set', valid: 5,
  },
  { files: ['qa_answer_not_found.jsonl'], file: 'qa_answer_not_found.jsonl', line: 2, field: 'answers.answer_start', reason: 'answer text not found at answer_start 29', valid: 2 },
  { files: ['squad_bad_offset.json'], file: 'squad_bad_offset.json', line: 20, field: 'answers.answer_start', reason: 'answer text not found at answer_start 2', valid: 1 },
  { files: ['ner_length_mismatch.jsonl'], file: 'ner_length_mismatch.jsonl', line: 2, field: 'ner_tags', reason: 'tokens/tags length mismatch: 3 tokens, 2 tags', valid: 2 },
  { files: ['ner_invalid_sequence.jsonl'], file: 'ner_invalid_sequence.jsonl', line: 3, field: 'ner_tags', reason: 'invalid tag sequence: I-PER at token 2 follows O', valid: 2 },
  { files: ['conll_missing_tag.conll'], file: 'conll_missing_tag.conll', line: 5, field: 'ner_tags', reason: 'missing', valid: 2 },
  { files: ['json_array_bad_element.json'], file: 'json_array_bad_element.json', line: 3, field: '(row)', reason: 'invalid JSON', valid: 2 },
];

const parse = (names: string[], chunkSize?: number) =>
  parseFiles(names.map((n): ParseInput => ({ source: fixture(MALFORMED, n, chunkSize) })));

describe('malformed-input corpus', () => {
  for (const want of EXPECTED) {
    it(`${want.file}: line ${want.line}, ${want.field}, ${want.reason}`, async () => {
      for (const chunkSize of [65536, 3]) {
        const r = await parse(want.files, chunkSize);
        expect(r.error).toBeUndefined();
        expect(r.errors[0]).toEqual({ file: want.file, line: want.line, field: want.field, reason: expect.stringMatching(new RegExp(`^${escape(want.reason)}`)) });
        const file = r.files.find((f) => f.file === want.file)!;
        expect(file.invalid).toBeGreaterThanOrEqual(1);
        expect(r.files.reduce((n, f) => n + f.valid, 0)).toBe(want.valid);
        expect(r.invalidRows).toBe(r.files.reduce((n, f) => n + f.invalid, 0));
      }
    });
  }

  it('wrong_type.jsonl also reports the non-integer label on line 3', async () => {
    const r = await parse(['wrong_type.jsonl']);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'text'],
      [3, 'label'],
    ]);
  });

  it('qa_answer_not_found.jsonl keeps the unanswerable question as valid', async () => {
    const r = await parse(['qa_answer_not_found.jsonl']);
    expect(r.labelCounts).toEqual({ answerable: 1, unanswerable: 1 });
  });

  it('unterminated_quote.csv reads the lines after the bad quote again', async () => {
    const r = await parse(['unterminated_quote.csv']);
    expect(r.examples.train.map((e) => (e as { text: string }).text)).toEqual(['good', 'bad']);
  });

  for (const [name, message] of [
    ['unusable_empty.csv', 'the file is empty'],
    ['unusable_scalar.json', 'line 1: expected a JSON array or object at the top level'],
    ['unusable_columns.csv', 'cannot tell the task from the columns (a, b)'],
  ]) {
    it(`${name} cannot be used at all: one clear message`, async () => {
      const r = await parse([name]);
      expect(r.task).toBeNull();
      expect(r.files[0].error).toContain(message);
      expect(r.error).toBe(`${name}: ${r.files[0].error}`);
    });
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

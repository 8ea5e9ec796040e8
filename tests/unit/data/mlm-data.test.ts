import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectTask } from '../../../src/data/detect.ts';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { memoryDataSource } from '../../../src/data/read.ts';
import { detectFormat, looksLikeConll } from '../../../src/data/records.ts';
import type { MlmExample } from '../../../src/data/types.ts';
import { DATA, fixture, readAll } from './helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('plain-text files (masked-LM corpora)', () => {
  it('a .txt of prose is plain text; a .txt of token–tag lines stays CoNLL; JSON first bytes still win', () => {
    expect(detectFormat('reviews.txt', 'The plot was thin.\nBut the acting, wow.\n')).toBe('text');
    expect(detectFormat('reviews.txt', 'one line without a newline')).toBe('text');
    const conll = readFileSync(join(DATA, 'en_ner_wnut17_train.sample.conll'), 'utf8').slice(0, 4096);
    expect(detectFormat('wnut.txt', conll)).toBe('conll');
    expect(detectFormat('rows.txt', '{"text": "a"}\n')).toBe('jsonl');
    // Two-word prose lines whose last word is not a tag are not CoNLL.
    expect(looksLikeConll('Great movie\nNot bad\n')).toBe(false);
    expect(looksLikeConll('EU\tB-ORG\nrejects\tO\n\nGerman\tB-MISC\n')).toBe(true);
  });

  it('one row per non-blank line, numbered by its line; a broken UTF-8 line is an issue on field text', async () => {
    const bytes = new Uint8Array([...enc('first doc\n\n  \nsecond doc\n'), 0xff, 0xfe, ...enc('\nthird\n')]);
    const records = await readAll(memoryDataSource('corpus.txt', bytes, 7));
    expect(records.map((r) => [r.line, r.row])).toEqual([
      [1, { text: 'first doc' }],
      [4, { text: 'second doc' }],
      [5, null],
      [6, { text: 'third' }],
    ]);
    expect(records[2].issues).toEqual([{ line: 5, field: 'text', reason: expect.stringMatching(/UTF-8/) }]);
  });

  it('unlabeled text is detected as mlm; a label column anywhere keeps the supervised task', () => {
    const rows = (n: number, f: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => f(i));
    expect(detectTask(['text'], rows(10, (i) => ({ text: `document number ${i}` })))).toEqual({ task: 'mlm', columns: { text: 'text' } });
    // An id column with a distinct value per row is not a label.
    expect(detectTask(['id', 'body'], rows(10, (i) => ({ id: i, body: `comment ${i} here` }))).task).toBe('mlm');
    expect(detectTask(['text', 'label'], rows(10, (i) => ({ text: `t ${i}`, label: i % 2 }))).task).toBe('classification');
    // The mapping editor offers mlm for any file with a text column: forcing it keeps only the text role.
    expect(detectTask(['text', 'label'], rows(10, (i) => ({ text: `t ${i}`, label: i % 2 })), { task: 'mlm' })).toEqual({ task: 'mlm', columns: { text: 'text' } });
  });

  it('a .txt corpus parses end to end as mlm, every line a document, counted', async () => {
    const r = await parseFiles([{ source: fixture(DATA, 'en_goemotions_comments.sample.txt') }]);
    expect(r.error ?? null).toBeNull();
    expect(r.task).toBe('mlm');
    expect(r.files[0]).toMatchObject({ file: 'en_goemotions_comments.sample.txt', split: 'train', rows: 600, valid: 600 });
    expect(r.labels).toEqual([]);
    expect(r.labelCounts).toEqual({ documents: 600 });
    const lines = readFileSync(join(DATA, 'en_goemotions_comments.sample.txt'), 'utf8').split('\n').filter(Boolean);
    expect((r.examples.train as MlmExample[]).map((e) => e.text)).toEqual(lines);
  });

  it('an empty text cell is reported with file, line and field', async () => {
    const src = memoryDataSource('docs.jsonl', enc('{"text": "a b c"}\n{"text": "  "}\n{"text": 3}\n{"text": "d e"}\n'), 1 << 16);
    const r = await parseFiles([{ source: src }], { task: 'mlm' });
    expect(r.errors).toEqual([
      { file: 'docs.jsonl', line: 2, field: 'text', reason: 'empty' },
      { file: 'docs.jsonl', line: 3, field: 'text', reason: expect.stringMatching(/wrong type/) },
    ]);
    expect(r.examples.train).toHaveLength(2);
  });
});

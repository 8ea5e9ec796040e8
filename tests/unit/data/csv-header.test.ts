import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainFiles } from '../../../scripts/lib/train-data.ts';
import { headerlessReason } from '../../../src/data/csv-header.ts';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { memoryDataSource } from '../../../src/data/read.ts';
import { DATA, readAll } from './helpers.ts';

/** Issue 15: a CSV/TSV without a header row is detected and said so; TSV takes quoted fields over several lines. */

const rowsAndLines = (recs: Awaited<ReturnType<typeof readAll>>) => recs.map((r) => [r.line, r.row]);
const withoutHeader = (name: string) => readFileSync(join(DATA, name), 'utf8').split('\n').slice(1).join('\n');

describe('headerlessReason', () => {
  it('keeps name-like first rows as headers', () => {
    expect(headerlessReason(['text', 'label'], [['good film', 'pos'], ['bad', 'neg']])).toBeNull();
    expect(headerlessReason(['문장', '라벨'], [['좋은 영화', '1'], ['별로', '0']])).toBeNull();
    // pandas' default integer header over numeric data
    expect(headerlessReason(['0', '1', '2'], [['5', '0', '1'], ['7', '1', '0']])).toBeNull();
    // a header repeated below it (files concatenated with their headers)
    expect(headerlessReason(['text', 'label'], [['a', 'pos'], ['text', 'label'], ['b', 'label']])).toBeNull();
    // a survey export names a column by its question; the other names show it is a header
    const answers = [['2024-05-01 10:00', 'It was slow at first but the ending made it worth it', '4'], ['2024-05-01 11:30', 'Too long, and I could not follow the plot at all', '2']];
    expect(headerlessReason(['Timestamp', 'What did you think of the film, and why?', 'Rating'], answers)).toBeNull();
    // nothing below with the same shape: no evidence either way
    expect(headerlessReason(['a', 'b'], [['x', 'y', 'z']])).toBeNull();
  });

  it('says why a first row reads as data', () => {
    expect(headerlessReason(['12', 'fine'], [['3', 'bad'], ['4', 'ok']])).toBe('column 1 starts with the number "12", and the rows below hold numbers there too');
    expect(headerlessReason(['great', 'pos'], [['awful', 'neg'], ['fine', 'pos']])).toBe(`column 2's first value "pos" recurs in the rows below, as labels do and column names do not`);
    expect(headerlessReason(['this film was a quiet and lovely surprise'], [['one more long review of some film here']])).toBe(
      'column 1 starts with text, not a name: "this film was a quiet and lovely surpris…"',
    );
  });
});

describe('a CSV without a header row', () => {
  it('is read with generated column names, its first row kept as data with a warning', async () => {
    const recs = await readAll(memoryDataSource('x.csv', 'great film,pos\nawful,neg\nfine,pos\n'));
    expect(rowsAndLines(recs)).toEqual([
      [1, { column_1: 'great film', column_2: 'pos' }],
      [2, { column_1: 'awful', column_2: 'neg' }],
      [3, { column_1: 'fine', column_2: 'pos' }],
    ]);
    expect(recs[0].issues).toEqual([{ line: 1, field: '(header)', reason: expect.stringMatching(/^no header row: line 1 reads as data/) }]);
    expect(recs.slice(1).every((r) => r.issues === undefined)).toBe(true);
  });

  it('the page: the file report carries the warning, and no row is lost or counted invalid', async () => {
    const r = await parseFiles([{ source: memoryDataSource('nsmc.csv', withoutHeader('ko_sentiment_nsmc.sample.csv')) }]);
    expect(r.error).toBeUndefined();
    expect(r.task).toBe('classification');
    expect(r.columns).toEqual({ text: 'column_1', label: 'column_2' });
    expect(r.files[0]).toMatchObject({ rows: 83, valid: 83, invalid: 0 });
    expect(r.errorCount).toBe(0);
    expect(r.files[0].warnings).toEqual([
      `no header row: line 1 reads as data (column 2's first value "pos" recurs in the rows below, as labels do and column names do not), ` +
        'so it is kept as a row and the columns are named column_1, column_2; if it is a header after all, add a line of column names above it',
    ]);
    const withHeader = await parseFiles([{ source: memoryDataSource('nsmc.csv', readFileSync(join(DATA, 'ko_sentiment_nsmc.sample.csv'))) }]);
    expect(withHeader.files[0].warnings).toBeUndefined();
    expect(r.examples.train).toEqual(withHeader.examples.train);
  });

  it('npm run train: the same warning, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noheader-'));
    const path = join(dir, 'nsmc.csv');
    writeFileSync(path, withoutHeader('ko_sentiment_nsmc.sample.csv'));
    const warnings: string[] = [];
    const data = await parseTrainFiles([{ path, split: 'train' }], undefined, undefined, (w) => warnings.push(w));
    expect(data.examples.train).toHaveLength(83);
    expect(warnings).toEqual([expect.stringMatching(/^nsmc\.csv: no header row: line 1 reads as data/)]);
  });

  it('a TSV without a header is detected the same way', async () => {
    const r = await parseFiles([{ source: memoryDataSource('klue.tsv', withoutHeader('ko_nli_klue_dev.sample.tsv')) }]);
    expect(r.files[0].warnings?.[0]).toMatch(/^no header row: line 1 reads as data \(column 3's first value "contradiction" recurs/);
    expect(r.available).toEqual(['column_1', 'column_2', 'column_3']);
    expect(r.files[0].valid).toBe(30);
  });
});

describe('a first chunk of many short records', () => {
  it('is held for the header decision without overflowing a call (262k records in one 1 MB batch)', async () => {
    const csv = 'text,label\n' + Array.from({ length: 300_000 }, (_, i) => `${i % 7},${i % 2}`).join('\n');
    const r = await parseFiles([{ source: memoryDataSource('short.csv', csv, 1 << 22) }], { task: 'classification', columns: { text: 'text', label: 'label' } });
    expect(r.error).toBeUndefined();
    expect(r.files[0]).toMatchObject({ rows: 300_000, valid: 300_000 });
  });
});

describe('header names the reader had to change', () => {
  it('a repeated or empty name is renamed, and the file report says so', async () => {
    const r = await parseFiles([{ source: memoryDataSource('d.csv', 'text,label,label,\ngood film,pos,x,1\nbad,neg,y,2\n') }], { task: 'classification', columns: { text: 'text', label: 'label' } });
    expect(r.available).toEqual(['text', 'label', 'label_2', 'column_4']);
    expect(r.files[0].warnings).toEqual([
      `column 3's name "label" is used by an earlier column in the header (line 1): it is read as "label_2"`,
      'column 4 has no name in the header (line 1): it is read as "column_4"',
    ]);
    expect(r.files[0]).toMatchObject({ rows: 2, valid: 2 });
  });
});

describe('line ends', () => {
  it('a CSV with CR-only line ends reads as rows at their lines, not as one header line', async () => {
    const r = await parseFiles([{ source: memoryDataSource('mac.csv', 'text,label\rgood film,pos\rbad,neg\r') }]);
    expect(r.error).toBeUndefined();
    expect(r.files[0]).toMatchObject({ rows: 2, valid: 2 });
    expect(r.examples.train).toEqual([
      { text: 'good film', label: 'pos' },
      { text: 'bad', label: 'neg' },
    ]);
  });
});

describe('a CSV that is only a header', () => {
  it('says so, rather than a bare "no rows"', async () => {
    for (const [name, text] of [['h.csv', 'text,label\n'], ['h.tsv', 'text\tlabel\n\n']]) {
      const r = await parseFiles([{ source: memoryDataSource(name, text) }]);
      expect(r.files[0].error).toBe('no rows: the file holds a header row and nothing below it');
      expect(r.error).toBe(`${name}: no rows: the file holds a header row and nothing below it`);
    }
  });
});

describe('TSV quoted fields over several lines', () => {
  const tsv = 'text\tlabel\n"line one\nline two"\tpos\n"Hello" he said\tneg\n" unbalanced\tpos\nnext\tneg\nx\t"a ""q""\nb"\nlast\tpos\n';

  it('joins a quoted field that runs over lines, keeps literal and unbalanced quotes as before', async () => {
    expect(rowsAndLines(await readAll(memoryDataSource('x.tsv', tsv)))).toEqual([
      [2, { text: 'line one\nline two', label: 'pos' }],
      [4, { text: '"Hello" he said', label: 'neg' }],
      [5, { text: '" unbalanced', label: 'pos' }],
      [6, { text: 'next', label: 'neg' }],
      [7, { text: 'x', label: 'a "q"\nb' }],
      [9, { text: 'last', label: 'pos' }],
    ]);
  });

  it('gives the same records for every chunking', async () => {
    const whole = await readAll(memoryDataSource('x.tsv', tsv));
    for (let size = 1; size <= 9; size++) expect(await readAll(memoryDataSource('x.tsv', tsv, size))).toEqual(whole);
  });

  it('an open quote whose next line holds a tab was literal: both lines are their own rows', async () => {
    expect(rowsAndLines(await readAll(memoryDataSource('x.tsv', 'text\tlabel\na\t"open\nb\tneg\n')))).toEqual([
      [2, { text: 'a', label: '"open' }],
      [3, { text: 'b', label: 'neg' }],
    ]);
  });

  it('a quote left open at the end of the file was literal', async () => {
    expect(rowsAndLines(await readAll(memoryDataSource('x.tsv', 'text\tlabel\na\t"open\nno tab here')))).toEqual([
      [2, { text: 'a', label: '"open' }],
      [3, null],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { memoryDataSource } from '../../../src/data/read.ts';

/**
 * Found by the fuzz test: parse errors outside JSON named a line but not where in it. A broken byte or a
 * stray quote in a 3 MB line is not found by eye; each now gives its column (and what was found).
 */

const bytes = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('broken UTF-8 gives its column, in every line format', () => {
  it('JSONL row, CSV row, CoNLL token, plain-text line', async () => {
    const jsonl = await parseFiles([{ source: memoryDataSource('a.jsonl', bytes('{"text": "ok", "label": "p"}\n{"text": "b\xffd", "label": "p"}\n')) }]);
    expect(jsonl.errors).toEqual([{ file: 'a.jsonl', line: 2, field: '(row)', reason: 'broken UTF-8: the line is not valid UTF-8 text (column 12)' }]);
    const csv = await parseFiles([{ source: memoryDataSource('a.csv', bytes('text,label\nok,p\nb\xc3,p\n')) }]);
    expect(csv.errors).toEqual([{ file: 'a.csv', line: 3, field: '(row)', reason: 'broken UTF-8: the line is not valid UTF-8 text (column 2)' }]);
    const conll = await parseFiles([{ source: memoryDataSource('a.conll', bytes('EU B-ORG\nrejects O\n\nPe\xfft B-PER\n')) }]);
    expect(conll.errors).toEqual([{ file: 'a.conll', line: 4, field: 'tokens', reason: 'broken UTF-8: the line is not valid UTF-8 text (column 3)' }]);
    const txt = await parseFiles([{ source: memoryDataSource('a.txt', bytes('one line of prose\nanother l\xffine\n')) }]);
    expect(txt.errors).toEqual([{ file: 'a.txt', line: 2, field: 'text', reason: 'broken UTF-8: the line is not valid UTF-8 text (column 10)' }]);
  });

  it('a CSV header that is not UTF-8 is a file-level error with line and column', async () => {
    const r = await parseFiles([{ source: memoryDataSource('h.csv', bytes('text,la\xffbel\na,b\n')) }]);
    expect(r.files[0].error).toBe('line 1: the header row cannot be read (broken UTF-8: the line is not valid UTF-8 text (column 8))');
  });
});

describe('malformed CSV quotes say where', () => {
  it('text after a closing quote: its line, column and what was found', async () => {
    const r = await parseFiles([{ source: memoryDataSource('q.csv', 'text,label\ngood,pos\n"bad"x,neg\n') }]);
    expect(r.errors).toEqual([
      {
        file: 'q.csv',
        line: 3,
        field: '(row)',
        reason: `malformed CSV at line 3, column 6: found "x" after a quoted field's closing quote, where ',' or the end of the line was expected (write "" for a quote inside quotes)`,
      },
    ]);
  });

  it('a record over several lines: the line inside it', async () => {
    const r = await parseFiles([{ source: memoryDataSource('q.csv', 'text,label\n"two\nlines" here,neg\nok,pos\n') }]);
    expect(r.errors[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^malformed CSV at line 3, column 7: found " "/) });
  });

  it('a quote never closed: where it opened', async () => {
    const r = await parseFiles([{ source: memoryDataSource('q.csv', 'text,label\ngood,pos\nx,"never\nok,pos\n') }]);
    expect(r.errors[0]).toEqual({ file: 'q.csv', line: 3, field: '(row)', reason: 'malformed CSV: a quoted field is never closed (it opens at line 3, column 3)' });
  });
});

describe('JSONL files concatenated with their BOMs', () => {
  it('a BOM at the start of a later line is skipped; columns still count it', async () => {
    const r = await parseFiles([{ source: memoryDataSource('cat.jsonl', '\uFEFF{"text": "a", "label": "p"}\n\uFEFF{"text": "b", "label": "q"}\n\uFEFF{"text": "c", "label": q}\n') }]);
    expect(r.examples.train.map((e) => (e as { text: string }).text)).toEqual(['a', 'b']);
    expect(r.errors).toEqual([{ file: 'cat.jsonl', line: 3, field: '(row)', reason: 'invalid JSON at line 3, column 25: found "q" where a value was expected' }]);
  });
});

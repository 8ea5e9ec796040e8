import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../../src/data/json-error.ts';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { memoryDataSource } from '../../../src/data/read.ts';
import { DATA } from './helpers.ts';

/** Issue 15: a JSON parse error says where (line and column) and what was found there, quoted and shortened. */

const SQUAD = readFileSync(join(DATA, 'en_qa_xquad_squad_v2.sample.json'), 'utf8');

describe('locateJsonError', () => {
  it('finds the offending token, what was allowed there, and nothing in valid JSON', () => {
    expect(locateJsonError('{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"]}')).toBeNull();
    expect(locateJsonError('{"a": bfalse}')).toEqual({ offset: 6, found: '"bfalse"', expected: 'a value' });
    expect(locateJsonError('{"a": 1,}')).toEqual({ offset: 8, found: '"}"', expected: 'a double-quoted property name' });
    expect(locateJsonError('{"a" 1}')).toEqual({ offset: 5, found: '"1"', expected: "':'" });
    expect(locateJsonError('[1 2]')).toEqual({ offset: 3, found: '"2"', expected: "',' or ']'" });
    expect(locateJsonError('{"a": 1} x')).toEqual({ offset: 9, found: '"x"', expected: 'the end of the JSON text' });
    expect(locateJsonError('{"a": "b')).toMatchObject({ offset: 8, found: 'end of input' });
    expect(locateJsonError('{"a": "b\tc"}')).toMatchObject({ offset: 8, found: '"\\t"' });
    expect(locateJsonError('{"a": "\\x"}')).toMatchObject({ offset: 7, found: '"\\\\x"' });
    expect(locateJsonError('"' + 'y'.repeat(5) + '" ' + 'z'.repeat(100))).toMatchObject({ found: `"${'z'.repeat(24)}…"` });
  });

  it('walks deep nesting without recursion', () => {
    expect(locateJsonError('['.repeat(200_000))).toEqual({ offset: 200_000, found: 'end of input', expected: "a value or ']'" });
  });
});

describe('file-level JSON errors name line, column and what was found', () => {
  it('a corrupted token in a pretty-printed SQuAD file', async () => {
    // Line 5 is `      "title": "Super_Bowl_50",`: the value's opening quote (column 16) becomes an x.
    const lines = SQUAD.split('\n');
    expect(lines[4].indexOf('"Super_Bowl_50"')).toBe(15);
    lines[4] = lines[4].replace('"Super_Bowl_50"', 'xSuper_Bowl_50"');
    const r = await parseFiles([{ source: memoryDataSource('squad.json', lines.join('\n')) }]);
    expect(r.error).toBe('squad.json: no readable rows (line 4: invalid JSON at line 5, column 16: found "xSuper_Bowl_50" where a value was expected)');
  });

  it('broken UTF-8 in a one-line SQuAD file costs only the article it sits in, at its column', async () => {
    const doc = JSON.parse(SQUAD) as { data: { title: string }[] };
    const second = { ...doc.data[0], title: 'Second' };
    const text = JSON.stringify({ version: 'v2.0', data: [doc.data[0], second] });
    const bytes = new TextEncoder().encode(text);
    const at = text.lastIndexOf('The Panthers defense'); // the second article's context
    bytes[new TextEncoder().encode(text.slice(0, at)).length] = 0xff; // its 'T', one character either way
    const r = await parseFiles([{ source: memoryDataSource('squad.json', bytes) }]);
    expect(r.error).toBeUndefined();
    expect(r.examples.train).toHaveLength(14);
    const secondStart = text.indexOf('{"title":"Second"') + 1;
    expect(r.errors).toEqual([{ file: 'squad.json', line: 1, field: '(row)', reason: `broken UTF-8: the line is not valid UTF-8 text (column ${at + 1}, in the element that starts at line 1)` }]);
    expect(secondStart).toBeLessThan(at + 1);
  });

  it('a one-line .json file with a bad byte before its data is read, not "holds no JSON value"', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ version: 'v2.0', data: (JSON.parse(SQUAD) as { data: unknown[] }).data }));
    bytes[1] = 0xff; // the opening quote of "version"
    const r = await parseFiles([{ source: memoryDataSource('squad.json', bytes) }]);
    expect(r.error).toBeUndefined();
    expect(r.examples.train).toHaveLength(14);
    expect(r.errors).toEqual([{ file: 'squad.json', line: 1, field: '(row)', reason: 'broken UTF-8: the line is not valid UTF-8 text (column 2, before the SQuAD "data" list)' }]);
  });

  it('a file cut inside a string names where that string opened, not its container', async () => {
    const lines = SQUAD.split('\n');
    expect(lines[7].indexOf('"The Panthers')).toBe(21);
    const cut = [...lines.slice(0, 7), lines[7].slice(0, 100)].join('\n');
    const r = await parseFiles([{ source: memoryDataSource('squad.json', cut) }]);
    expect(r.files[0].error).toBe('no readable rows (line 4: invalid JSON at line 8, column 101: found end of file inside an unclosed string (opened at line 8, column 22))');
  });

  it('a whitespace-only .json file says where it ends', async () => {
    const r = await parseFiles([{ source: memoryDataSource('blank.json', '\n  \n   ') }]);
    expect(r.files[0].error).toBe('line 3, column 4: the file holds no JSON value, only whitespace');
  });

  it('an element of a JSON array: its start line as the row, the exact place in the reason', async () => {
    const r = await parseFiles([{ source: memoryDataSource('rows.json', '[\n  {"text": "a", "label": "x"},\n  {"text": "b",\n   "label": neg}\n]') }]);
    expect(r.errors).toEqual([{ file: 'rows.json', line: 3, field: '(row)', reason: 'invalid JSON at line 4, column 13: found "neg" where a value was expected' }]);
  });

  it('a stray closing bracket names its column and the container it does not close', async () => {
    const r = await parseFiles([{ source: memoryDataSource('rows.json', '[\n  {"text": "a", "label": "x"}],\n  {"text": "b", "label": "y"}\n]') }]);
    expect(r.errors.map((e) => [e.line, e.reason])).toContainEqual([
      4,
      'invalid JSON at line 4, column 1: found "]" where nothing (the top-level value is already closed) was expected',
    ]);
  });

  it('JSONL: a bad line keeps naming file and line, and adds the column', async () => {
    const r = await parseFiles([{ source: memoryDataSource('x.jsonl', '{"text": "a", "label": "p"}\n{"text": "b", "label": p}\n') }]);
    expect(r.errors).toEqual([{ file: 'x.jsonl', line: 2, field: '(row)', reason: 'invalid JSON at line 2, column 24: found "p" where a value was expected' }]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryDataSource } from '../../../src/data/read.ts';
import { detectFormat } from '../../../src/data/records.ts';
import { DATA, fixture, readAll } from './helpers.ts';

const rowsAndLines = (recs: Awaited<ReturnType<typeof readAll>>) => recs.map((r) => [r.line, r.row]);

describe('CSV', () => {
  it('cuts records at the line they start on, with quoted commas, newlines and escaped quotes', async () => {
    const csv = 'text,label\n"a, b",pos\n"two\nlines ""quoted""",neg\nplain,pos\n';
    const recs = await readAll(memoryDataSource('x.csv', csv));
    expect(rowsAndLines(recs)).toEqual([
      [2, { text: 'a, b', label: 'pos' }],
      [3, { text: 'two\nlines "quoted"', label: 'neg' }],
      [5, { text: 'plain', label: 'pos' }],
    ]);
  });

  it('gives identical records for every chunking, boundaries inside quoted fields and characters included', async () => {
    const csv = 'text,label\n"한국어, ""인용""\n둘째 줄",긍정\n"x",y\n';
    const whole = await readAll(memoryDataSource('x.csv', csv));
    for (let size = 1; size <= 13; size++) expect(await readAll(memoryDataSource('x.csv', csv, size))).toEqual(whole);
    const nsmc = await readAll(fixture(DATA, 'ko_sentiment_nsmc.sample.csv'));
    expect(nsmc).toHaveLength(83);
    expect(await readAll(fixture(DATA, 'ko_sentiment_nsmc.sample.csv', 7))).toEqual(nsmc);
    const quoted = nsmc.find((r) => String(r.row?.text).includes('"ㄴ"'));
    expect(quoted).toMatchObject({ line: 82, row: { text: '농구의 "ㄴ"자도 모르는 사람의 허접함.', label: 'neg' } });
  });

  it('reads TSV one record per line with literal quotes, unwrapping pandas-style quoted fields', async () => {
    const tsv = 'sentence\tlabel\n"Hello" he said\tpos\n"a ""b"" c"\tneg\n';
    expect(rowsAndLines(await readAll(memoryDataSource('x.tsv', tsv)))).toEqual([
      [2, { sentence: '"Hello" he said', label: 'pos' }],
      [3, { sentence: 'a "b" c', label: 'neg' }],
    ]);
  });
});

describe('JSON documents', () => {
  it('streams a pretty-printed array, each row at the line its object opens', async () => {
    const whole = await readAll(fixture(DATA, 'en_sentiment_poem_train.sample.json'));
    expect(whole).toHaveLength(20);
    expect(whole.slice(0, 3).map((r) => r.line)).toEqual([2, 6, 10]);
    expect(await readAll(fixture(DATA, 'en_sentiment_poem_train.sample.json', 5))).toEqual(whole);
    const jsonl = await readAll(fixture(DATA, 'en_sentiment_poem_train.sample.jsonl'));
    expect(whole.map((r) => r.row)).toEqual(jsonl.slice(0, 20).map((r) => r.row));
  });

  it('flattens SQuAD nested JSON to one row per question, at the line of its question object', async () => {
    const recs = await readAll(fixture(DATA, 'en_qa_xquad_squad_v2.sample.json', 64));
    expect(recs).toHaveLength(14);
    const text = readFileSync(join(DATA, 'en_qa_xquad_squad_v2.sample.json'), 'utf8').split('\n');
    for (const r of recs) {
      // The question object opens one line above its "id".
      expect(text[r.line]).toContain(`"id": ${JSON.stringify(r.row!.id)}`);
      expect(r.row).toHaveProperty('context');
    }
    expect(recs.filter((r) => r.row!.is_impossible === true).map((r) => r.row!.id)).toEqual(['v2-unanswerable-1', 'v2-unanswerable-2']);
  });

  it('reads concatenated top-level objects as rows', async () => {
    const recs = await readAll(memoryDataSource('x.json', '{\n "text": "a",\n "label": 1\n}\n{"text": "b", "label": 0}\n'));
    expect(rowsAndLines(recs)).toEqual([
      [1, { text: 'a', label: 1 }],
      [5, { text: 'b', label: 0 }],
    ]);
  });
});

describe('CoNLL', () => {
  it('groups token/tag lines into sentences at the line of their first token', async () => {
    const text = '-DOCSTART- -X- O\n\nEU B-ORG\nrejects O\n\t\nPeter\tB-PER\nBlackburn\tI-PER\n';
    expect(rowsAndLines(await readAll(memoryDataSource('x.conll', text)))).toEqual([
      [3, { tokens: ['EU', 'rejects'], ner_tags: ['B-ORG', 'O'] }],
      [6, { tokens: ['Peter', 'Blackburn'], ner_tags: ['B-PER', 'I-PER'] }],
    ]);
    const wnut = await readAll(fixture(DATA, 'en_ner_wnut17_train.sample.conll', 3));
    const jsonl = await readAll(fixture(DATA, 'en_ner_wnut17_train.sample.jsonl'));
    expect(wnut.map((r) => r.row)).toEqual(jsonl.slice(0, 15).map((r) => r.row));
  });
});

describe('detectFormat', () => {
  it('goes by extension, then by content', () => {
    expect(detectFormat('a.JSONL', '')).toBe('jsonl');
    expect(detectFormat('a.json', '{"data": []}')).toBe('json');
    expect(detectFormat('a.tsv', 'x\ty')).toBe('tsv');
    expect(detectFormat('train.txt', 'EU\tB-ORG\nrejects\tO\n')).toBe('conll');
    expect(detectFormat('train.txt', '{"text": "a"}\n')).toBe('jsonl');
    expect(detectFormat('data', '[{"text": "a"}]')).toBe('json');
    expect(detectFormat('data', 'text,label\na,b\n')).toBe('csv');
    expect(detectFormat('data', 'hello')).toBeNull();
  });
});

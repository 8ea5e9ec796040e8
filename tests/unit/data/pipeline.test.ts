import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/data/lines.ts';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { memoryDataSource } from '../../../src/data/read.ts';
import type { MultilabelExample, NerExample, QaExample } from '../../../src/data/types.ts';
import { DATA, fixture } from './helpers.ts';

describe('parseFiles', () => {
  it('train + validation files: the vocabulary and tag scheme come from train, both are checked', async () => {
    const r = await parseFiles([{ source: fixture(DATA, 'en_ner_wnut17_dev.sample.jsonl') }, { source: fixture(DATA, 'en_ner_wnut17_train.sample.jsonl') }]);
    expect(r.task).toBe('ner');
    expect(r.tagScheme).toBe('IOB2');
    expect(r.files.map((f) => [f.file, f.split, f.rows, f.valid])).toEqual([
      ['en_ner_wnut17_dev.sample.jsonl', 'validation', 20, 19],
      ['en_ner_wnut17_train.sample.jsonl', 'train', 40, 40],
    ]);
    expect(r.labels[0]).toBe('O');
    expect(r.labels).toEqual([...r.labels].sort((a, b) => (a === 'O' ? -1 : b === 'O' ? 1 : a < b ? -1 : 1)));
    // Tags of the dev sample that the 40 training sentences never use are reported, not silently kept.
    const devTags = new Set(r.examples.validation.flatMap((e) => (e as NerExample).tags));
    for (const t of devTags) expect(r.labels).toContain(t);
    const dev = r.files[0];
    expect(dev.valid + dev.invalid).toBe(20);
    expect(r.errors.every((e) => e.file === 'en_ner_wnut17_dev.sample.jsonl' && /not in the training tag set/.test(e.reason))).toBe(true);
    expect(r.errors).toHaveLength(dev.invalid);
    // Exactly one dev row uses a tag the 40 training sentences never do: line 11 tags "HA 5" as
    // B-product I-product, and the training sample has B-product but no I-product.
    expect(r.errors).toEqual([
      { file: 'en_ner_wnut17_dev.sample.jsonl', line: 11, field: 'ner_tags', reason: 'tag "I-product" not in the training tag set' },
    ]);
    expect(dev.invalid).toBe(1);
    expect(r.examples.validation).toHaveLength(19);
    expect(r.labels).toContain('B-product');
    expect(r.labels).not.toContain('I-product');
  });

  it('counts positives per class for multi-label, in file-column order for one-hot files', async () => {
    const list = await parseFiles([{ source: fixture(DATA, 'ko_multilabel_kocohub_train.sample.jsonl') }]);
    const onehot = await parseFiles([{ source: fixture(DATA, 'ko_multilabel_kocohub_onehot.sample.tsv') }]);
    expect(list.labels).toEqual(['gender_bias', 'hate', 'offensive', 'other_bias']);
    expect(onehot.labels).toEqual(['hate', 'offensive', 'gender_bias', 'other_bias', 'clean']);
    // The same 40 texts: equal positives per class, whichever layout.
    const first40 = await parseFiles([{ source: memoryDataSource('x.jsonl', (await import('node:fs')).readFileSync(`${DATA}/ko_multilabel_kocohub_train.sample.jsonl`, 'utf8').split('\n').slice(0, 40).join('\n')) }]);
    for (const l of list.labels) expect(onehot.labelCounts[l]).toBe(first40.labelCounts[l]);
    expect(onehot.labelCounts.clean).toBe(first40.examples.train.filter((e) => (e as MultilabelExample).labels.length === 0).length);
  });

  it('reads SQuAD v2 nested JSON and reports unanswerable questions', async () => {
    const r = await parseFiles([{ source: fixture(DATA, 'en_qa_xquad_squad_v2.sample.json') }]);
    expect(r.task).toBe('qa');
    expect(r.labelCounts).toEqual({ answerable: 12, unanswerable: 2 });
    const q = r.examples.train as QaExample[];
    expect(q.find((e) => e.id === 'v2-unanswerable-1')!.answers).toEqual({ text: [], answerStart: [] });
    expect(q[0].context.slice(q[0].answers.answerStart[0]).startsWith(q[0].answers.text[0])).toBe(true);
  });

  it('a CSV with flat answer columns gives the same QA examples as the JSONL', async () => {
    const csv = await parseFiles([{ source: fixture(DATA, 'en_qa_xquad_flat.sample.csv') }]);
    const jsonl = await parseFiles([{ source: fixture(DATA, 'en_qa_xquad_en.sample.jsonl') }]);
    expect(csv.examples.train).toEqual(jsonl.examples.train.slice(0, 10));
  });

  it('stops a parse in progress when its signal is aborted', async () => {
    const big = Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ text: `row ${i}`, label: i % 2 ? 'a' : 'b' })).join('\n');
    const ctrl = new AbortController();
    let progress = 0;
    const run = parseFiles([{ source: memoryDataSource('big.jsonl', big) }], {
      signal: ctrl.signal,
      onProgress: (p) => {
        if (++progress === 3) ctrl.abort();
        expect(p.loaded).toBeLessThanOrEqual(p.total);
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(progress).toBeLessThan(50);
  });
});

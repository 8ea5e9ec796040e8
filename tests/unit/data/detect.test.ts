import { describe, expect, it } from 'vitest';
import { detectTask, DetectionError } from '../../../src/data/detect.ts';
import { columnsOf } from '../../../src/data/profile.ts';
import type { Row } from '../../../src/data/records.ts';
import { DATA, fixture, readAll } from './helpers.ts';

async function detectFile(name: string) {
  const rows = (await readAll(fixture(DATA, name))).flatMap((r) => (r.row ? [r.row] : []));
  return detectTask(columnsOf(rows), rows);
}

describe('detectTask on real files', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['en_sentiment_poem_train.sample.jsonl', 'classification', { text: 'text', label: 'label' }],
    ['en_sentiment_poem_train.sample.json', 'classification', { text: 'text', label: 'label' }],
    ['ko_sentiment_nsmc.sample.csv', 'classification', { text: 'text', label: 'label' }],
    ['ko_nli_klue_dev.sample.jsonl', 'pair', { text: 'text', text_pair: 'text_pair', label: 'label' }],
    ['ko_nli_klue_dev.sample.tsv', 'pair', { text: 'sentence1', text_pair: 'sentence2', label: 'gold_label' }],
    ['ko_multilabel_kocohub_train.sample.jsonl', 'multilabel', { text: 'text', labels: 'labels' }],
    ['en_multilabel_goemotions_train.sample.jsonl', 'multilabel', { text: 'text', labels: 'labels' }],
    ['ko_multilabel_kocohub_onehot.sample.tsv', 'multilabel', { text: '문장', label_columns: ['hate', 'offensive', 'gender_bias', 'other_bias', 'clean'] }],
    ['en_qa_xquad_en.sample.jsonl', 'qa', { question: 'question', context: 'context', answers: 'answers', id: 'id' }],
    ['en_qa_xquad_squad_v2.sample.json', 'qa', { question: 'question', context: 'context', answers: 'answers', id: 'id' }],
    ['en_qa_xquad_flat.sample.csv', 'qa', { question: 'question', context: 'context', answer_text: 'answer_text', answer_start: 'answer_start', id: 'id' }],
    ['en_ner_wnut17_train.sample.jsonl', 'ner', { tokens: 'tokens', tags: 'ner_tags' }],
    ['en_ner_wnut17_train.sample.conll', 'ner', { tokens: 'tokens', tags: 'ner_tags' }],
    ['ko_ner_klue_dev.sample.jsonl', 'ner', { tokens: 'tokens', tags: 'ner_tags' }],
  ];
  for (const [file, task, columns] of cases) {
    it(`${file} → ${task}`, async () => {
      expect(await detectFile(file)).toEqual({ task, columns });
    });
  }
});

describe('detectTask on column shapes', () => {
  const rows = (n: number, f: (i: number) => Row) => Array.from({ length: n }, (_, i) => f(i));

  it('integer labels, known pair names, 0/1 label vectors and label ids', () => {
    expect(detectTask(['sentence', 'label'], rows(10, (i) => ({ sentence: `s ${i}`, label: i % 2 })))).toEqual({ task: 'classification', columns: { text: 'sentence', label: 'label' } });
    expect(detectTask([], rows(10, (i) => ({ document: `d ${i}`, label: String(i % 3) }))).task).toBe('classification');
    expect(detectTask([], rows(10, (i) => ({ premise: `p${i}`, hypothesis: `h${i}`, label: i % 3 }))).columns).toEqual({ text: 'premise', text_pair: 'hypothesis', label: 'label' });
    expect(detectTask([], rows(10, (i) => ({ question: `q${i}?`, sentence: `s${i}`, label: 'entailment' }))).task).toBe('pair');
    expect(detectTask([], rows(10, (i) => ({ text: `t${i}`, labels: [i % 2, 1, 0] }))).columns).toEqual({ text: 'text', labels_vector: 'labels' });
    expect(detectTask([], rows(10, (i) => ({ text: `t${i}`, labels: [i, 27] }))).columns).toEqual({ text: 'text', labels: 'labels' });
    expect(detectTask([], rows(10, (i) => ({ tokens: ['a', 'b'], ner_tags: [i % 3, 0] }))).task).toBe('ner');
  });

  it('a 0/1 `label` column is single-label, several 0/1 class columns are multi-label', () => {
    expect(detectTask([], rows(10, (i) => ({ text: `t${i}`, label: i % 2, extra: 1 - (i % 2) }))).task).toBe('classification');
    expect(detectTask([], rows(10, (i) => ({ comment_text: `t${i}`, toxic: i % 2, insult: '0', threat: 1 }))).columns).toEqual({
      text: 'comment_text',
      label_columns: ['toxic', 'insult', 'threat'],
    });
  });

  it('the user overrides the task and any column; a bad choice is a clear error', () => {
    const data = rows(10, (i) => ({ review: `r${i}`, title: `t${i}`, stars: String(1 + (i % 5)) }));
    expect(detectTask([], data)).toEqual({ task: 'classification', columns: { text: 'review', label: 'stars' } });
    expect(detectTask([], data, { columns: { text: 'title' } }).columns).toEqual({ text: 'title', label: 'stars' });
    expect(detectTask([], data, { task: 'pair', columns: { text: 'title', text_pair: 'review', label: 'stars' } }).task).toBe('pair');
    expect(() => detectTask([], data, { columns: { label: 'nope' } })).toThrow(/column "nope" chosen as label is not in the file/);
    expect(() => detectTask([], data, { task: 'ner' })).toThrow(DetectionError);
    expect(() => detectTask(['a', 'b'], rows(5, (i) => ({ a: i + 0.5, b: i * 2.5 })))).toThrow(/cannot tell the task/);
  });
});

describe('detectTask on CSV cells', () => {
  it('treats JSON list text in a CSV cell as a list column', () => {
    const data = Array.from({ length: 6 }, (_, i) => ({ text: `t${i}`, labels: i % 2 ? '["a", "b"]' : '[]' }));
    expect(detectTask(['text', 'labels'], data)).toEqual({ task: 'multilabel', columns: { text: 'text', labels: 'labels' } });
  });
});

/**
 * The end-to-end check for the text-classification heads: `npm run train` fine-tunes the built-in model
 * for a few steps on a ../shared/data file, `npm run export` turns its checkpoint/ into the ONNX layout, and
 * transformers.js's own `pipeline('text-classification')` over that folder (remote models off) gives the
 * studio's validation predictions: every label's score within 1e-4 (softmax, or sigmoid for multi-label), and
 * `pipeline('token-classification')` the studio's NER tag of every word (its first sub-token's label), and
 * `pipeline('question-answering')` the studio's answer (see the QA test for what differs in its post-processing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline, type QuestionAnsweringPipeline } from '@huggingface/transformers';
import { dirSource } from '../../scripts/lib/node-source.ts';
import type { QaExample } from '../../src/data/types.ts';
import { decodeQaAnswer } from '../../src/metrics/qaDecode.ts';
import { loadTokenizer } from '../../src/tokenize/index.ts';
import { encodeQaWindows } from '../../src/tokenize/qa.ts';
import { afterAll, expect, test } from 'vitest';

const DATA = '../shared/data';
const dir = mkdtempSync(join(tmpdir(), 'export-trained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Trains 4 steps on the first `rows` lines (10% held out for validation), exports, and returns the run folder. */
function trainAndExport(name: string, file: string, rows: number, maxLength = 128): string {
  const source = join(DATA, file);
  if (!existsSync(source)) throw new Error(`${source} is missing: this test needs the shared data beside the repository`);
  const data = join(dir, `${name}.jsonl`);
  writeFileSync(data, readFileSync(source, 'utf8').trim().split('\n').slice(0, rows).join('\n') + '\n');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ learningRate: 1e-3, batchSize: 8, loggingSteps: 2, evalStrategy: 'steps', evalSteps: 2 }));
  const out = join(dir, name);
  // max_length above every text's length: transformers.js truncates at model_max_length, the studio at max_length.
  const train = spawnSync('npx', ['tsx', 'scripts/train.ts', '--data', data, '--model', 'public/models/tiny-bert', '--config', cfg, '--max-steps', '4', '--max-length', String(maxLength), '--out', out], { encoding: 'utf8', timeout: 600_000 });
  expect(train.status, train.stderr).toBe(0);
  const exported = spawnSync('npx', ['tsx', 'scripts/export.ts', '--model', join(out, 'checkpoint'), '--out', join(out, 'onnx-folder')], { encoding: 'utf8', timeout: 120_000 });
  expect(exported.status, exported.stderr).toBe(0);
  return out;
}

async function compareScores(out: string): Promise<{ rows: number; worst: number }> {
  env.allowRemoteModels = false;
  const classify = await pipeline('text-classification', join(out, 'onnx-folder'), { dtype: 'fp32' });
  const rows = jsonl(join(out, 'validation.jsonl')) as { text: string }[];
  const predictions = jsonl(join(out, 'predictions.jsonl')) as { scores: Record<string, number> }[];
  expect(predictions.length).toBe(rows.length);
  let worst = 0;
  for (const [i, row] of rows.entries()) {
    const scores = Object.fromEntries(((await classify(row.text, { top_k: null })) as { label: string; score: number }[]).map((s) => [s.label, s.score]));
    expect(Object.keys(scores).sort()).toEqual(Object.keys(predictions[i].scores).sort());
    for (const [label, score] of Object.entries(predictions[i].scores)) worst = Math.max(worst, Math.abs(scores[label] - score));
  }
  return { rows: rows.length, worst };
}

test("classification: transformers.js on the exported checkpoint gives the studio's validation scores", async () => {
  const out = trainAndExport('classification', 'en_sentiment_poem_train.jsonl', 240);
  const { rows, worst } = await compareScores(out);
  expect(rows).toBeGreaterThan(10);
  expect(worst).toBeLessThan(1e-4);
});

test("multi-label: problem_type makes transformers.js apply a sigmoid; scores equal the studio's", async () => {
  const out = trainAndExport('multilabel', 'en_multilabel_goemotions_train_sample.jsonl', 240);
  expect(JSON.parse(readFileSync(join(out, 'onnx-folder/config.json'), 'utf8')).problem_type).toBe('multi_label_classification');
  const { rows, worst } = await compareScores(out);
  expect(rows).toBeGreaterThan(10);
  expect(worst).toBeLessThan(1e-4);
});

test("NER: transformers.js's token-classification gives every word the studio's tag", async () => {
  const out = trainAndExport('ner', 'en_ner_wnut17_train.jsonl', 240);
  env.allowRemoteModels = false;
  const ner = await pipeline('token-classification', join(out, 'onnx-folder'), { dtype: 'fp32' });
  const rows = jsonl(join(out, 'validation.jsonl')) as { tokens: string[] }[];
  const predictions = jsonl(join(out, 'predictions.jsonl')) as { tags: string[] }[];
  expect(predictions.length).toBe(rows.length);
  let words = 0;
  for (const [i, row] of rows.entries()) {
    // The words joined by spaces tokenize as the words one by one (BERT splits on whitespace and punctuation);
    // each word's first sub-token carries its tag, as in the studio.
    const counts = row.tokens.map((w) => ner.tokenizer(w, { add_special_tokens: false }).input_ids.dims[1]);
    const tokens = (await ner(row.tokens.join(' '), { ignore_labels: [] })) as { entity: string; index: number }[];
    expect(tokens.length).toBe(counts.reduce((a, b) => a + b, 0));
    const entityAt = new Map(tokens.map((t) => [t.index, t.entity]));
    const tags: string[] = [];
    let at = 1; // after [CLS]
    for (const n of counts) {
      if (n > 0) tags.push(entityAt.get(at)!);
      at += n;
    }
    expect(tags, `row ${i}`).toEqual(predictions[i].tags.filter((_, j) => counts[j] > 0));
    words += tags.length;
  }
  expect(words).toBeGreaterThan(100);
});

/** SQuAD's answer normalisation, then no spaces at all: a decoded answer ("24 - yard") and a context slice ("24-yard") compare equal. */
const squashed = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\p{P}/gu, '').replace(/\b(a|an|the)\b/g, ' ').replace(/\s+/g, '');

test("QA: transformers.js runs the exported model to the studio's answers; its pipeline's own decoding agrees once configured alike", async () => {
  const out = trainAndExport('qa', 'en_qa_xquad_en.jsonl', 160, 256);
  env.allowRemoteModels = false;
  const qa = (await pipeline('question-answering', join(out, 'onnx-folder'), { dtype: 'fp32' })) as QuestionAnsweringPipeline;
  const tok = await loadTokenizer(dirSource(join(out, 'checkpoint')));
  const gold = jsonl(join(out, 'validation.jsonl')) as { id: string; question: string; context: string; answers: { text: string[]; answer_start: number[] } }[];
  const predicted = new Map((jsonl(join(out, 'predictions.jsonl')) as { id: string; prediction_text: string }[]).map((p) => [p.id, p.prediction_text]));
  let compared = 0;
  for (const g of gold) {
    const ex: QaExample = { id: g.id, question: g.question, context: g.context, answers: { text: g.answers.text, answerStart: g.answers.answer_start } };
    const windows = encodeQaWindows(tok, ex, { maxLength: 256, stride: 128, padding: 'none' });
    if (windows.length !== 1) continue; // transformers.js reads one truncated window; compare where that is all there is
    const inputs = qa.tokenizer(g.question.trimStart(), { text_pair: g.context, truncation: true });
    expect(Array.from(inputs.input_ids.data as BigInt64Array, Number), g.id).toEqual(windows[0].inputIds);
    const { start_logits, end_logits } = (await qa.model(inputs)) as { start_logits: { data: Float32Array }; end_logits: { data: Float32Array } };
    const window = { start_logits: Array.from(start_logits.data), end_logits: Array.from(end_logits.data), offsets: windows[0].offsets };
    // 1. The studio's decoder (n-best 20, at most 30 tokens) on transformers.js's logits: the studio's answer, exactly.
    expect(decodeQaAnswer([window], { context: g.context }).text, g.id).toBe(predicted.get(g.id));
    // 2. The pipeline itself pairs every start with every later end (no length cap) and decodes the tokens; the
    //    studio's decoder with the same freedom picks the same span, equal once both are SQuAD-normalised.
    const T = window.start_logits.length;
    const free = decodeQaAnswer([window], { context: g.context, nBest: T, maxAnswerLen: T }).text;
    const answer = (await qa(g.question.trimStart(), g.context)) as { answer: string };
    expect(squashed(answer.answer), g.id).toBe(squashed(free));
    compared++;
  }
  console.log(`QA through transformers.js: ${compared} single-window validation questions, every answer the studio's`);
  expect(compared).toBeGreaterThan(5);
}, 900_000);

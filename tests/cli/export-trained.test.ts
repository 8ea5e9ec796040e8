/**
 * The end-to-end check for the text-classification heads: `npm run train` fine-tunes the built-in model
 * for a few steps on a ../shared/data file, `npm run export` turns its checkpoint/ into the ONNX layout, and
 * transformers.js's own `pipeline('text-classification')` over that folder (remote models off) gives the
 * studio's validation predictions: every label's score within 1e-4 (softmax, or sigmoid for multi-label), and
 * `pipeline('token-classification')` the studio's NER tag of every word (its first sub-token's label).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { afterAll, expect, test } from 'vitest';

const DATA = '../shared/data';
const dir = mkdtempSync(join(tmpdir(), 'export-trained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Trains 4 steps on the first `rows` lines (10% held out for validation), exports, and returns the run folder. */
function trainAndExport(name: string, file: string, rows: number): string {
  const source = join(DATA, file);
  if (!existsSync(source)) throw new Error(`${source} is missing: this test needs the shared data beside the repository`);
  const data = join(dir, `${name}.jsonl`);
  writeFileSync(data, readFileSync(source, 'utf8').trim().split('\n').slice(0, rows).join('\n') + '\n');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ learningRate: 1e-3, batchSize: 8, loggingSteps: 2, evalStrategy: 'steps', evalSteps: 2 }));
  const out = join(dir, name);
  // max_length above every text's length: transformers.js truncates at model_max_length, the studio at max_length.
  const train = spawnSync('npx', ['tsx', 'scripts/train.ts', '--data', data, '--model', 'public/models/tiny-bert', '--config', cfg, '--max-steps', '4', '--max-length', '128', '--out', out], { encoding: 'utf8', timeout: 600_000 });
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

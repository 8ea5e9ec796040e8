/**
 * The exported folder through transformers.js itself, in Node, from a local folder with remote models off:
 * its tokenizer (tokenizer.json built from the fixture's vocab.txt, tokenizer_config.json completed) gives
 * the fixture's ids, `pipeline()` returns the fixture's scores with label names (sigmoid for multi-label), and
 * the model classes take the inputs transformers.js builds (token_type_ids only where the graph has them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoModelForMaskedLM,
  AutoModelForQuestionAnswering,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  pipeline,
  Tensor,
} from '@huggingface/transformers';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { collectChunks } from '../../../src/export/onnx/index';
import { onnxFromSource } from '../../../src/export/onnx/fromSource';
import { exportTokenizerFiles } from '../../../src/export/tokenizerFiles';
import type { ArrayJson } from '../../../src/parity/caseFile';
import { checkOutput } from '../../../src/parity/compare';
import { dirSource } from '../../../scripts/lib/node-source';
import { FIXTURES, readCase } from './onnxFixture';

const root = mkdtempSync(join(tmpdir(), 'onnx-tjs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The case exported as `npm run export` lays it out, under `root/<name>`. */
async function exportFolder(name: string): Promise<void> {
  const source = dirSource(join(FIXTURES, name));
  const { config, model } = await onnxFromSource(source);
  const out = join(root, name);
  mkdirSync(join(out, 'onnx'), { recursive: true });
  writeFileSync(join(out, 'onnx/model.onnx'), await collectChunks(model.chunks));
  const quantized = await onnxFromSource(source, undefined, undefined, { quantize: true });
  writeFileSync(join(out, 'onnx/model_quantized.onnx'), await collectChunks(quantized.model.chunks));
  writeFileSync(join(out, 'config.json'), JSON.stringify(config));
  const { files } = await exportTokenizerFiles(config, async (f) => {
    const b = await source.read(f);
    return b && new Uint8Array(b);
  });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(out, f), bytes);
}

const CASES = ['bert-multilabel', 'electra-seqcls', 'distilbert-tokcls', 'bert-qa', 'bert-mlm', 'roberta-seqcls'];
beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = root;
  for (const c of CASES) await exportFolder(c);
});

const rows = (a: ArrayJson, r: number, len?: number) => {
  const per = a.data.length / a.shape[0];
  return a.data.slice(r * per, r * per + (len ?? per));
};
const int64 = (a: ArrayJson) => new Tensor('int64', BigInt64Array.from(a.data.map((v) => BigInt(v))), a.shape);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

test('text-classification, multi-label: the fixture texts tokenize to its ids and score as sigmoid(HF logits) with label names', async () => {
  const { json, config } = readCase('bert-multilabel');
  const tokenizer = await AutoTokenizer.from_pretrained('bert-multilabel');
  const texts = json.inputs as unknown as { texts: (string | [string, string])[] };
  const mask = json.inputs.attention_mask;
  const clf = await pipeline('text-classification', 'bert-multilabel');
  for (const r of [0, 2]) {
    const len = rows(mask, r).reduce((a, b) => a + b, 0);
    const text = texts.texts[r] as string;
    expect(Array.from(tokenizer(text).input_ids.data as BigInt64Array, Number)).toEqual(rows(json.inputs.input_ids, r, len));
    const scores = (await clf(text, { top_k: 5 })) as { label: string; score: number }[];
    const logits = rows(json.outputs!.logits as ArrayJson, r);
    const expected = logits.map((l, i) => ({ label: config.id2label![String(i)], score: sigmoid(l) })).sort((a, b) => b.score - a.score);
    expect(scores.map((s) => s.label)).toEqual(expected.map((s) => s.label));
    for (const [i, s] of scores.entries()) expect(Math.abs(s.score - expected[i].score)).toBeLessThan(1e-5);
  }
});

test('a sentence pair through ElectraTokenizer carries token_type_ids into the graph: logits equal HF', async () => {
  const { json } = readCase('electra-seqcls');
  const tokenizer = await AutoTokenizer.from_pretrained('electra-seqcls');
  const model = await AutoModelForSequenceClassification.from_pretrained('electra-seqcls');
  const [a, b] = (json.inputs as unknown as { texts: [string, string][] }).texts[1];
  const inputs = tokenizer(a, { text_pair: b });
  expect(Array.from(inputs.token_type_ids!.data as BigInt64Array, Number)).toEqual(rows(json.inputs.token_type_ids!, 1));
  const { logits } = await model(inputs);
  expect(checkOutput('logits', logits.data as Float32Array, rows(json.outputs!.logits as ArrayJson, 1)).pass).toBe(true);
});

test('token-classification: every reported token has the label and probability of HF logits', async () => {
  const { json, config } = readCase('distilbert-tokcls');
  const ner = await pipeline('token-classification', 'distilbert-tokcls');
  const text = (json.inputs as unknown as { texts: string[] }).texts[0];
  const tokens = (await ner(text, { ignore_labels: [] })) as { entity: string; score: number; index: number; word: string }[];
  const logits = json.outputs!.logits as ArrayJson;
  const C = logits.shape[2];
  const inner = rows(json.inputs.attention_mask, 0).reduce((a, b) => a + b, 0) - 2; // all but [CLS] and [SEP]
  expect(tokens.map((t) => t.index)).toEqual(Array.from({ length: inner }, (_, i) => i + 1));
  for (const t of tokens) {
    const l = rows(logits, 0).slice(t.index * C, (t.index + 1) * C);
    const best = l.indexOf(Math.max(...l));
    const z = l.reduce((s, v) => s + Math.exp(v - l[best]), 0);
    expect(t.entity).toBe(config.id2label![String(best)]);
    expect(Math.abs(t.score - 1 / z)).toBeLessThan(1e-5);
  }
});

test('question answering and masked LM: the model classes return HF start/end logits and vocabulary logits', async () => {
  const qa = readCase('bert-qa').json;
  const qaModel = await AutoModelForQuestionAnswering.from_pretrained('bert-qa');
  const feeds = { input_ids: int64(qa.inputs.input_ids), attention_mask: int64(qa.inputs.attention_mask), token_type_ids: int64(qa.inputs.token_type_ids!) };
  const out = await qaModel(feeds);
  for (const [k, ref] of [['start_logits', 'start_logits'], ['end_logits', 'end_logits']] as const) {
    expect(checkOutput(k, out[k].data as Float32Array, (qa.outputs![ref] as ArrayJson).data).pass).toBe(true);
  }
  const mlm = readCase('bert-mlm').json;
  const mlmModel = await AutoModelForMaskedLM.from_pretrained('bert-mlm');
  const { logits } = await mlmModel({ input_ids: int64(mlm.inputs.input_ids), attention_mask: int64(mlm.inputs.attention_mask), token_type_ids: int64(mlm.inputs.token_type_ids!) });
  expect(checkOutput('logits', logits.data as Float32Array, (mlm.outputs!.logits as ArrayJson).data).pass).toBe(true);
});

test('RoBERTa without token_type_ids: transformers.js feeds ids and mask only and gets HF logits', async () => {
  const { json } = readCase('roberta-seqcls');
  const model = await AutoModelForSequenceClassification.from_pretrained('roberta-seqcls');
  const { logits } = await model({ input_ids: int64(json.inputs.input_ids), attention_mask: int64(json.inputs.attention_mask) });
  expect(checkOutput('logits', logits.data as Float32Array, (json.outputs!.logits as ArrayJson).data).pass).toBe(true);
});

test("dtype 'q8' (the browser's default) loads onnx/model_quantized.onnx: scores within 0.02 of the float model's", async () => {
  const { json } = readCase('bert-multilabel');
  const text = (json.inputs as unknown as { texts: string[] }).texts[0];
  const byLabel = (r: unknown) => Object.fromEntries((r as { label: string; score: number }[]).map((x) => [x.label, x.score]));
  const float = byLabel(await (await pipeline('text-classification', 'bert-multilabel', { dtype: 'fp32' }))(text, { top_k: 5 }));
  const q8 = byLabel(await (await pipeline('text-classification', 'bert-multilabel', { dtype: 'q8' }))(text, { top_k: 5 }));
  const diffs = Object.keys(float).map((l) => Math.abs(float[l] - q8[l]));
  expect(Math.max(...diffs)).toBeLessThan(0.02);
  expect(Math.max(...diffs)).toBeGreaterThan(1e-6); // it is the quantized graph, not model.onnx again
});

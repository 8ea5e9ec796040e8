/**
 * `npm run export` end to end on fixture folders: transformers.js's layout (onnx/model.onnx, config.json,
 * tokenizer files), a graph ONNX Runtime runs to the fixture's logits, and clear failures.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, expect, test } from 'vitest';
import { parseSafetensors, toFloat32, writeSafetensors } from '../../src/engine/safetensors';
import { checkOutput } from '../../src/parity/compare';
import type { ArrayJson, CaseJson } from '../../src/parity/caseFile';

const dir = mkdtempSync(join(tmpdir(), 'export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = 'tests/fixtures/hf-reference';

const exportCli = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/export.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
const int64 = (a: ArrayJson) => new ort.Tensor('int64', BigInt64Array.from(a.data.map((v) => BigInt(v))), a.shape);

test('a fixture folder with its tokenizer files becomes onnx/model.onnx + config.json + tokenizer files, and ORT reproduces HF', async () => {
  const model = join(dir, 'bert-multilabel');
  cpSync(join(FIXTURES, 'bert-multilabel'), model, { recursive: true });
  // A tokenizer_config.json is completed for transformers.js (its values kept); tokenizer.json is built from vocab.txt.
  cpSync(join(FIXTURES, 'tokenizers/bert-base-uncased/tokenizer_config.json'), join(model, 'tokenizer_config.json'));
  const out = join(dir, 'out-multilabel');
  const run = exportCli('--model', model, '--out', out);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/BertForSequenceClassification: inputs input_ids, attention_mask, token_type_ids → outputs logits/);
  for (const f of ['onnx/model.onnx', 'config.json', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json']) expect(existsSync(join(out, f)), f).toBe(true);
  expect(run.stdout).toMatch(/tokenizer\.json \(built from vocab\.txt\)/);
  expect(run.stdout).toMatch(/tokenizer_config\.json \(completed\)/);
  expect(run.stdout).toMatch(/special_tokens_map\.json \(written\)/);
  const tokenizerConfig = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
  expect(tokenizerConfig).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, pad_token: '[PAD]' });
  expect(JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')).model.vocab['[MASK]']).toBe(4);

  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  const original = JSON.parse(readFileSync(join(FIXTURES, 'bert-multilabel/config.json'), 'utf8'));
  expect(config.problem_type).toBe('multi_label_classification');
  expect(config.id2label).toEqual(original.id2label);
  expect(config.label2id).toEqual(original.label2id);

  const c = JSON.parse(readFileSync(join(FIXTURES, 'bert-multilabel/case.json'), 'utf8')) as CaseJson;
  const session = await ort.InferenceSession.create(join(out, 'onnx/model.onnx'));
  const { logits } = await session.run({
    input_ids: int64(c.inputs.input_ids),
    attention_mask: int64(c.inputs.attention_mask),
    token_type_ids: int64(c.inputs.token_type_ids!),
  });
  expect(checkOutput('logits', logits.data as Float32Array, (c.outputs!.logits as ArrayJson).data).pass).toBe(true);
  await session.release();
});

test('--task picks the head: a RoBERTa QA folder with --task qa has start_logits / end_logits and no token_type_ids; --quantize adds model_quantized.onnx', async () => {
  const out = join(dir, 'out-qa');
  const run = exportCli('--model', join(FIXTURES, 'roberta-qa'), '--task', 'qa', '--format', 'onnx', '--quantize', '--out', out);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/model_quantized\.onnx \([\d.]+ MiB; 8-bit Linear layers\)/);
  const quantized = await ort.InferenceSession.create(join(out, 'onnx/model_quantized.onnx'));
  expect(quantized.outputNames).toEqual(['start_logits', 'end_logits']);
  await quantized.release();
  expect(run.stdout).toMatch(/RobertaForQuestionAnswering: inputs input_ids, attention_mask → outputs start_logits, end_logits/);
  expect(run.stdout).toMatch(/no tokenizer files/);
  const session = await ort.InferenceSession.create(join(out, 'onnx/model.onnx'));
  expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
  expect(session.outputNames).toEqual(['start_logits', 'end_logits']);
  await session.release();
});

test('a head the checkpoint has no weights for, a folder without weights, and bad flags fail clearly', () => {
  const noHead = exportCli('--model', join(FIXTURES, 'bert-seqcls'), '--task', 'ner', '--out', join(dir, 'x'));
  expect(noHead.status).toBe(1);
  expect(noHead.stderr).toMatch(/\["BertForSequenceClassification"\] has a seqcls head, not tokcls/);
  // A base checkpoint (no head in architectures) with a task: the head's weights are missing, said with a hint.
  const base = join(dir, 'base');
  cpSync(join(FIXTURES, 'bert-qa'), base, { recursive: true });
  const cfgPath = join(base, 'config.json');
  writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), architectures: ['BertModel'] }));
  const missing = exportCli('--model', base, '--task', 'ner', '--out', join(dir, 'x'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/BertForTokenClassification: missing tensor "classifier.weight"; missing tensor "classifier.bias" \(a checkpoint without trained weights/);

  const noWeights = exportCli('--model', join(FIXTURES, 'tokenizers/bert-base-uncased'), '--out', join(dir, 'y'));
  expect(noWeights.status).toBe(1);
  expect(noWeights.stderr).toMatch(/no model\.safetensors/);

  const badTask = exportCli('--model', join(FIXTURES, 'bert-seqcls'), '--task', 'summarize', '--out', join(dir, 'z'));
  expect(badTask.status).toBe(2);
  expect(badTask.stderr).toMatch(/--task must be one of classification, pair, multilabel, qa, ner, mlm \(got summarize\)/);
  const badFormat = exportCli('--model', join(FIXTURES, 'bert-seqcls'), '--format', 'tflite', '--out', join(dir, 'z'));
  expect(badFormat.status).toBe(2);
  expect(badFormat.stderr).toMatch(/--format must be one of onnx, safetensors/);
  const quantizeSafetensors = exportCli('--model', join(FIXTURES, 'bert-seqcls'), '--format', 'safetensors', '--quantize', '--out', join(dir, 'z'));
  expect(quantizeSafetensors.status).toBe(2);
  expect(quantizeSafetensors.stderr).toMatch(/--quantize applies to --format onnx only/);
  const noOut = exportCli('--model', join(FIXTURES, 'bert-seqcls'));
  expect(noOut.status).toBe(2);
  expect(noOut.stderr).toMatch(/--out is required\nusage: npm run export/);
});

test('--format safetensors copies the Python layout', () => {
  const out = join(dir, 'out-st');
  const run = exportCli('--model', join(FIXTURES, 'distilbert-tokcls'), '--format', 'safetensors', '--out', out);
  expect(run.status, run.stderr).toBe(0);
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) {
    expect(readFileSync(join(out, f))).toEqual(readFileSync(join(FIXTURES, 'distilbert-tokcls', f)));
  }
});

test('a sharded checkpoint with legacy LayerNorm gamma / beta names exports to the same logits', async () => {
  const model = join(dir, 'sharded');
  cpSync(join(FIXTURES, 'electra-tokcls'), model, { recursive: true });
  const file = readFileSync(join(model, 'model.safetensors'));
  const tensors = [...parseSafetensors(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer).tensors]
    .filter(([, t]) => t.dtype === 'F32')
    .map(([name, t]) => ({ name: name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), shape: t.shape, data: toFloat32(t)! }));
  rmSync(join(model, 'model.safetensors'));
  const half = Math.ceil(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const name = `model-0000${i + 1}-of-00002.safetensors`;
    writeFileSync(join(model, name), writeSafetensors(shard));
    for (const t of shard) weightMap[t.name] = name;
  });
  writeFileSync(join(model, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  expect(Object.keys(weightMap).some((n) => n.endsWith('LayerNorm.gamma'))).toBe(true);

  const out = join(dir, 'out-sharded');
  const run = exportCli('--model', model, '--out', out);
  expect(run.status, run.stderr).toBe(0);
  const c = JSON.parse(readFileSync(join(FIXTURES, 'electra-tokcls/case.json'), 'utf8')) as CaseJson;
  const session = await ort.InferenceSession.create(join(out, 'onnx/model.onnx'));
  const { logits } = await session.run({ input_ids: int64(c.inputs.input_ids), attention_mask: int64(c.inputs.attention_mask), token_type_ids: int64(c.inputs.token_type_ids!) });
  expect(checkOutput('logits', logits.data as Float32Array, (c.outputs!.logits as ArrayJson).data).pass).toBe(true);
  await session.release();
});

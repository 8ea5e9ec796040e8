/**
 * What the ONNX export promises besides matching the fixtures: ORT loads it without a warning, weights are
 * streamed (read once each, only while being written), batch and sequence axes are dynamic, and what it
 * cannot export or a checkpoint that does not fit throws a clear error before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import { parseEncoderConfig } from '../../../src/engine/config';
import { GraphBuilder } from '../../../src/export/onnx/graph';
import { collectChunks, exportOnnx, weightsFromSafetensors, type WeightSource } from '../../../src/export/onnx/index';
import { DataType } from '../../../src/export/onnx/proto';
import { streamModel } from '../../../src/export/onnx/stream';
import { activate } from '../../../src/export/onnx/ops';
import type { ArrayJson } from '../../../src/parity/caseFile';
import { checkOutput } from '../../../src/parity/compare';
import { ARCHS, caseFeeds, exportCase, HEADS, int64Tensor, readCase, safetensorsOf } from './onnxFixture';

const dir = mkdtempSync(join(tmpdir(), 'onnx-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixtureWeights(name: string): WeightSource {
  const { dir: caseDir, config } = readCase(name);
  return weightsFromSafetensors(safetensorsOf(caseDir), parseEncoderConfig(config));
}

/** Creates ORT sessions in a child process at warning severity and returns what ORT wrote to stderr. */
function ortLog(paths: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['tests/unit/export/ortSessionLog.mjs', ...paths], { encoding: 'utf8', timeout: 120_000 });
}

describe('ONNX Runtime loads the exports without warnings', () => {
  test('all 20 architecture × head exports: no warning at severity "warning"', async () => {
    const paths: string[] = [];
    for (const arch of ARCHS) {
      for (const head of HEADS) {
        const path = join(dir, `${arch}-${head}.onnx`);
        writeFileSync(path, (await exportCase(`${arch}-${head}`)).bytes);
        paths.push(path);
      }
    }
    const run = ortLog(paths);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.match(/^ok /gm)?.length).toBe(20);
    expect(run.stderr).toBe('');
  });

  test('control: the same check sees a warning ORT does print (an unused initializer)', async () => {
    const g = new GraphBuilder(new Map());
    g.input('x', DataType.FLOAT, [2]);
    g.floats([1, 2, 3]); // read by no node
    g.op('Identity', ['x'], { output: 'y' });
    g.output('y', DataType.FLOAT, [2]);
    const none: WeightSource = { shapeOf: () => undefined, read: () => new Float32Array() };
    const path = join(dir, 'unused.onnx');
    writeFileSync(path, await collectChunks(streamModel(g, none, { name: 'control', producer: 'test', version: '0' })));
    const run = ortLog([path]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/W:onnxruntime.*Removing initializer 'const\/f32_0'/);
  });
});

describe('streaming', () => {
  test('each weight is read once, lazily, while the file is written; the tied decoder reuses the embedding', async () => {
    const inner = fixtureWeights('bert-mlm');
    const reads: string[] = [];
    const counting: WeightSource = { shapeOf: (n) => inner.shapeOf(n), read: (n) => (reads.push(n), inner.read(n)) };
    const { config } = readCase('bert-mlm');
    const model = exportOnnx({ config, weights: counting });
    expect(reads).toEqual([]); // building the graph and checking shapes reads no values
    const iterator = model.chunks[Symbol.asyncIterator]();
    let chunks = 0;
    let readsWhenFirstWeightArrived = -1;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      chunks += 1;
      if (reads.length && readsWhenFirstWeightArrived < 0) readsWhenFirstWeightArrived = reads.length;
    }
    expect(readsWhenFirstWeightArrived).toBe(1); // one tensor at a time, not all up front
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads.filter((n) => n === 'bert.embeddings.word_embeddings.weight')).toHaveLength(1);
    expect(reads).not.toContain('cls.predictions.decoder.weight');
    expect(chunks).toBeGreaterThan(reads.length);
  });
});

describe('dynamic batch and sequence axes', () => {
  for (const name of ['bert-seqcls', 'roberta-tokcls']) {
    test(`${name}: one unpadded row at its own length gives the fixture's padded-batch result`, async () => {
      const { json } = readCase(name);
      const model = await exportCase(name);
      const session = await ort.InferenceSession.create(model.bytes);
      const row = 2;
      const mask = json.inputs.attention_mask;
      const T = mask.shape[1];
      const len = mask.data.slice(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
      const cut = (a: ArrayJson): ArrayJson => ({ dtype: 'int64', shape: [1, len], data: a.data.slice(row * T, row * T + len) });
      const feeds = Object.fromEntries(
        model.inputNames.map((n) => [n, int64Tensor(cut(json.inputs[n as 'input_ids' | 'attention_mask' | 'token_type_ids']!))]),
      );
      const logits = (await session.run(feeds)).logits;
      const ref = json.outputs!.logits as ArrayJson;
      const C = ref.shape.at(-1)!;
      const perRow = ref.shape.length === 2 ? C : T * C;
      const expected = ref.data.slice(row * perRow, row * perRow + (ref.shape.length === 2 ? C : len * C));
      expect(logits.dims).toEqual(ref.shape.length === 2 ? [1, C] : [1, len, C]);
      expect(checkOutput('logits', logits.data as Float32Array, expected).pass).toBe(true);
      await session.release();
    });
  }
});

test('activations against their formulas: gelu (erf), gelu_new (tanh), relu', async () => {
  const x = Float32Array.from({ length: 41 }, (_, i) => (i - 20) / 4);
  const erf = (v: number) => {
    // JavaScript has no Math.erf: Simpson's rule over 2,000 steps, far more accurate than the tolerance.
    const n = 2000;
    const h = v / n;
    let sum = 0;
    for (let i = 0; i <= n; i++) sum += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
    return (2 / Math.sqrt(Math.PI)) * (h / 3) * sum;
  };
  const formulas = {
    gelu: (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    gelu_new: (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    relu: (v: number) => Math.max(0, v),
  };
  for (const [kind, f] of Object.entries(formulas)) {
    const g = new GraphBuilder(new Map());
    g.input('x', DataType.FLOAT, [x.length]);
    g.op('Identity', [activate(g, 'x', kind as keyof typeof formulas)], { output: 'y' });
    g.output('y', DataType.FLOAT, [x.length]);
    const none: WeightSource = { shapeOf: () => undefined, read: () => new Float32Array() };
    const session = await ort.InferenceSession.create(await collectChunks(streamModel(g, none, { name: kind, producer: 'test', version: '0' })));
    const { y } = await session.run({ x: new ort.Tensor('float32', x, [x.length]) });
    const expected = Array.from(x, f);
    expect(checkOutput(kind, y.data as Float32Array, expected).pass, kind).toBe(true);
    await session.release();
  }
});

test('XLM-R and CamemBERT checkpoints (RoBERTa modules under their own model_type) export as RoBERTa does', async () => {
  const { config, json } = readCase('roberta-seqcls');
  for (const [modelType, architecture] of [['xlm-roberta', 'XLMRobertaForSequenceClassification'], ['camembert', 'RobertaForSequenceClassification']]) {
    const model = exportOnnx({ config: { ...config, model_type: modelType }, weights: fixtureWeights('roberta-seqcls') });
    expect(model.architecture).toBe(architecture);
    expect(model.inputNames).toEqual(['input_ids', 'attention_mask']);
    const session = await ort.InferenceSession.create(await collectChunks(model.chunks));
    const { logits } = await session.run(caseFeeds(json, model.inputNames));
    expect(checkOutput('logits', logits.data as Float32Array, (json.outputs!.logits as ArrayJson).data).pass).toBe(true);
    await session.release();
  }
});

describe('what cannot be exported says so', () => {
  test('a missing tensor is named before anything is written', () => {
    const { config } = readCase('bert-qa');
    const inner = fixtureWeights('bert-qa');
    const weights: WeightSource = { shapeOf: (n) => (n === 'qa_outputs.weight' ? undefined : inner.shapeOf(n)), read: inner.read };
    expect(() => exportOnnx({ config, weights })).toThrow(/BertForQuestionAnswering: missing tensor "qa_outputs.weight"/);
  });

  test('a tensor of the wrong shape is named with both shapes', () => {
    const { config } = readCase('bert-seqcls');
    const wrong = { ...config, id2label: { 0: 'a', 1: 'b' }, label2id: { a: 0, b: 1 } };
    expect(() => exportOnnx({ config: wrong, weights: fixtureWeights('bert-seqcls') })).toThrow(
      /"classifier.weight" has shape \[3, 32\], expected \[2, 32\]/,
    );
  });

  test('an unsupported architecture or head is named', () => {
    const { config } = readCase('bert-seqcls');
    const weights = fixtureWeights('bert-seqcls');
    expect(() => exportOnnx({ config: { ...config, model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }, weights })).toThrow(
      /ONNX export: Unsupported architecture "gpt2" \(GPT2LMHeadModel\)/,
    );
    expect(() => exportOnnx({ config: { ...config, architectures: ['BertForMultipleChoice'] }, weights })).toThrow(/\["BertForMultipleChoice"\] name no head/);
    expect(() => exportOnnx({ config, head: 'summarization' as never, weights })).toThrow(/head "summarization" is not supported/);
  });

  test('a wrong weight behind the right name is caught by the fixture comparison', async () => {
    const { config, json } = readCase('electra-seqcls');
    const inner = fixtureWeights('electra-seqcls');
    const swapped: WeightSource = {
      shapeOf: inner.shapeOf,
      read: (n) => inner.read(n === 'electra.encoder.layer.1.attention.self.query.weight' ? 'electra.encoder.layer.1.attention.self.key.weight' : n),
    };
    const model = exportOnnx({ config, weights: swapped });
    const session = await ort.InferenceSession.create(await collectChunks(model.chunks));
    const logits = (await session.run(caseFeeds(json, model.inputNames))).logits;
    expect(checkOutput('logits', logits.data as Float32Array, (json.outputs!.logits as ArrayJson).data).pass).toBe(false);
    await session.release();
  });
});

import { unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { appendEval, appendStep, emptyHistory, truncateHistory } from '../../../src/charts/history';
import { estimateMemory, modelInfo } from '../../../src/estimate/memory';
import { modelCard } from '../../../src/export/modelCard';
import { buildRunZip, safeName } from '../../../src/export/zip';
import type { RunRecord } from '../../../src/persist/runs';
import { eventTransferList, trainTransferList, type ResumeState } from '../../../src/protocol/train';
import { resumeConfig } from '../../../src/state/resumeConfig';
import { confusionCells, entitySpans, highlight, thresholdRows } from '../../../src/state/selectors';
import { classificationMetrics, multilabelMetrics } from '../../../src/metrics';

const BERT_BASE = {
  model_type: 'bert', vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
  max_position_embeddings: 512, type_vocab_size: 2, hidden_act: 'gelu', layer_norm_eps: 1e-12, pad_token_id: 0,
};

describe('model info and memory estimate', () => {
  test('bert-base-uncased has 109.48M encoder parameters, as transformers counts them', () => {
    const info = modelInfo(BERT_BASE);
    expect(info.encoderParameters).toBe(109_482_240);
    expect(info.parameters).toBe(109_482_240 + 768 * 2 + 2);
  });
  test('an unsupported architecture is named in the message', () => {
    expect(() => modelInfo({ model_type: 'gpt2' })).toThrow(/Unsupported architecture "gpt2"/);
  });
  test('memory grows with batch and length; LoRA and head-only need less; limits warn', () => {
    const info = modelInfo(BERT_BASE);
    const small = estimateMemory(info, { batchSize: 8, maxLength: 128, mode: 'full' });
    const big = estimateMemory(info, { batchSize: 32, maxLength: 512, mode: 'full' });
    expect(big.totalBytes).toBeGreaterThan(small.totalBytes);
    expect(estimateMemory(info, { batchSize: 8, maxLength: 128, mode: 'lora' }).totalBytes).toBeLessThan(small.totalBytes);
    expect(estimateMemory(info, { batchSize: 8, maxLength: 128, mode: 'head' }).totalBytes).toBeLessThan(small.totalBytes);
    expect(small.warnings).toEqual([]);
    expect(big.warnings.join(' ')).toMatch(/GPU memory/);
    const tight = estimateMemory(info, { batchSize: 64, maxLength: 512, mode: 'full', limits: { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27 } });
    expect(tight.warnings[0]).toMatch(/single buffer/);
  });
  test('bert-base at batch 8, length 128: the byte counts of the documented formula, worked out by hand', () => {
    const info = modelInfo(BERT_BASE);
    // The sizes of bert-base, written out rather than read back from modelInfo.
    const [B, T, H, I, heads, layers, vocab] = [8, 128, 768, 3072, 12, 12, 30522];
    const head = H * 2 + 2; // classifier weight [2, 768] + bias [2] = 1_538
    const params = 109_482_240 + head; // 109_483_778
    const loraTrainable = head + layers * 2 * (8 * H + H * 8); // r = 8 on query and value: A [8, H] + B [H, 8] = 296_450
    // fp32 weights: 4 bytes per parameter = 437_935_112.
    const weights = params * 4;
    // Per trainable parameter: its gradient (4 bytes) and AdamW's two moments (8 bytes).
    const optimizer = (trainable: number) => trainable * (4 + 8);
    // Per layer and token 10·H + 2·I floats, per head 3·T² floats for scores, probabilities and dropout mask,
    // plus the formula's 3·H floats per token outside the layers, all fp32:
    // ((1024 · 13_824 + 96 · 16_384 · 3) · 12 + 1024 · 2304) · 4 = (18_874_368 · 12 + 2_359_296) · 4 = 915_406_848.
    const encoderActivations = ((B * T * (10 * H + 2 * I) + B * heads * T * T * 3) * layers + B * T * H * 3) * 4;
    // Head-only: the formula's 2·H floats per token, fp32: 1024 · 768 · 2 · 4 = 6_291_456.
    const headActivations = B * T * H * 2 * 4;
    const full = estimateMemory(info, { batchSize: B, maxLength: T, mode: 'full' });
    const lora = estimateMemory(info, { batchSize: B, maxLength: T, mode: 'lora' });
    const headOnly = estimateMemory(info, { batchSize: B, maxLength: T, mode: 'head' });
    expect([full.weightsBytes, full.optimizerBytes, full.activationBytes, full.trainableParameters]).toEqual([weights, optimizer(params), encoderActivations, params]);
    expect([lora.weightsBytes, lora.optimizerBytes, lora.activationBytes, lora.trainableParameters]).toEqual([weights, optimizer(loraTrainable), encoderActivations, loraTrainable]);
    expect([headOnly.weightsBytes, headOnly.optimizerBytes, headOnly.activationBytes, headOnly.trainableParameters]).toEqual([weights, optimizer(head), headActivations, head]);
    // The sums, as numbers: 437_935_112 + 1_313_805_336 + 915_406_848, 437_935_112 + 3_557_400 + 915_406_848,
    // 437_935_112 + 18_456 + 6_291_456.
    expect([full.totalBytes, lora.totalBytes, headOnly.totalBytes]).toEqual([2_667_147_296, 1_356_899_360, 444_245_024]);
    // The largest buffer is the word embeddings (30522 · 768 · 4 bytes), not the 8 · 12 · 128² · 4 attention scores.
    expect(full.largestBufferBytes).toBe(vocab * H * 4);
    expect(full.largestBufferBytes).toBe(93_763_584);
  });
});

describe('resume', () => {
  test('the resumed attempt takes the steps left and the warmup not done', () => {
    const c = resumeConfig({ maxSteps: 100, warmupRatio: 0.1 }, 100, 4);
    expect(c.maxSteps).toBe(96);
    expect(c.warmupSteps).toBe(6);
    expect(c.warmupRatio).toBe(0);
    expect(resumeConfig({ warmupSteps: 3 }, 50, 10).warmupSteps).toBe(0);
  });
  test('a resume state travels to the worker transferred, and comes back copied (the trainer keeps its arrays)', () => {
    const w = new Float32Array(4);
    const m = new Float32Array(4);
    const v = new Float32Array(4);
    const best = new Float32Array(4);
    const resume: ResumeState = {
      step: 3, totalSteps: 8, epoch: 1, batch: 0, seed: 42, metric: 'accuracy', value: 0.5, weights: { 'a.weight': w },
      optimizer: { step: 3, moments: { 'a.weight': { m, v } } }, best: { step: 2, metric: 'accuracy', value: 0.6, weights: { 'a.weight': best } },
      sinceImprovement: 1, pendingLoss: { sum: 0, steps: 0 },
    };
    const f = { count: 0, seqLen: 1, inputIds: new Int32Array(0), attentionMask: new Int32Array(0), tokenTypeIds: null, labels: null, labelWidth: 1, startPositions: null, endPositions: null, exampleIndex: null, offsets: null };
    const list = trainTransferList({ type: 'start', model: { kind: 'memory', files: {} }, data: { task: 'classification', labels: [], train: f }, config: {}, resume });
    for (const a of [w, m, v, best]) expect(list).toContain(a.buffer);
    expect(eventTransferList({ type: 'exported', requestId: 1, kind: 'last', step: 3, resume })).toEqual([]);
    const bytes = new Uint8Array(2);
    expect(eventTransferList({ type: 'exported', requestId: 2, kind: 'best', step: 2, files: { 'model.safetensors': bytes } })).toEqual([bytes.buffer]);
  });
  test('history is cut at the checkpoint step', () => {
    const h = emptyHistory();
    for (let s = 1; s <= 5; s++) appendStep(h, { type: 'step', step: s, epoch: 0, loss: s, lr: 0, gradNorm: 0, tokensPerSecond: 0, elapsedMs: s * 10 });
    appendEval(h, 3, { loss: 1 });
    appendEval(h, 5, { loss: 0.5 });
    const t = truncateHistory(h, 3);
    expect(t.step).toEqual([1, 2, 3]);
    expect(t.loss).toEqual([1, 2, 3]);
    expect(t.evalStep).toEqual([3]);
    expect(t.evalMetrics.loss).toEqual([1]);
  });
});

describe('results views', () => {
  test('confusion cells are shares of the gold row', () => {
    const m = classificationMetrics(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    const { labels, rows } = confusionCells(m);
    expect(labels).toEqual(['a', 'b']);
    expect(rows[0].map((c) => c.share)).toEqual([0.5, 0.5]);
    expect(rows[1].map((c) => c.count)).toEqual([0, 2]);
  });
  test('entity spans join B/I runs of the same type', () => {
    expect(entitySpans(['Ada', 'Lovelace', 'met', 'Babbage'], ['B-PER', 'I-PER', 'O', 'B-PER'])).toEqual([
      { text: 'Ada Lovelace', type: 'PER' },
      { text: 'met', type: null },
      { text: 'Babbage', type: 'PER' },
    ]);
  });
  test('highlight finds the answer in its context', () => {
    expect(highlight('the cat sat', 'cat')).toEqual({ before: 'the ', match: 'cat', after: ' sat' });
    expect(highlight('the cat sat', 'dog')).toBeNull();
  });
  test('highlight uses the answer offset when the text occurs twice, the first occurrence without it', () => {
    expect(highlight('a cat and a cat', 'cat', 12)).toEqual({ before: 'a cat and a ', match: 'cat', after: '' });
    expect(highlight('a cat and a cat', 'cat')).toEqual({ before: 'a ', match: 'cat', after: ' and a cat' });
    // An offset that does not point at the text (e.g. a stale one) falls back to the text.
    expect(highlight('a cat and a cat', 'cat', 4)).toEqual({ before: 'a ', match: 'cat', after: ' and a cat' });
  });
  test('threshold rows recompute precision / recall / F1 at the slider value', () => {
    const labels = ['x', 'y'];
    const scores = [[0.9, 0.2], [0.6, 0.7], [0.3, 0.8]];
    const gold = [['x'], ['y'], ['x', 'y']];
    const report = multilabelMetrics({ labels, gold, pred: scores.map((s) => labels.filter((_, k) => s[k] >= 0.5)), scores });
    const predictions = scores.map((s) => ({ labels: [], scores: { x: s[0], y: s[1] } }));
    const examples = gold.map((g) => ({ text: '', labels: g }));
    const at05 = thresholdRows(report, predictions, examples, {});
    expect(at05[0]).toMatchObject({ label: 'x', precision: 0.5, recall: 0.5, support: 2 });
    const at02 = thresholdRows(report, predictions, examples, { x: 0.2 });
    expect(at02[0]).toMatchObject({ precision: 2 / 3, recall: 1 });
  });
});

describe('export', () => {
  const run: RunRecord = {
    id: 'run-1', name: 'classification · tiny', createdAt: 0, updatedAt: 0, status: 'finished', task: 'classification', labels: ['neg', 'pos'],
    model: { kind: 'hub', id: 'prajjwal1/bert-tiny' }, modelLabel: 'prajjwal1/bert-tiny', datasetId: 'run-1', taskOverride: 'auto', columns: { text: 'text', label: 'label' },
    maxLength: 64, config: { learningRate: 1e-4 }, presetId: 'quick', totalSteps: 10, stepOffset: 0, lastStep: 10, bestStep: 5, bestMetric: { name: 'accuracy', value: 0.75 },
    checkpointStep: 5, parameters: 4_386_000, trainableParameters: 4_386_000,
    data: { files: [{ name: 'a.csv', split: 'train', rows: 10, valid: 9 }], splits: { train: 8, validation: 1, test: 0 }, labelCounts: { neg: 4, pos: 5 }, invalidRows: 1 },
    final: { validation: { metrics: { accuracy: 0.75 }, report: null }, test: null, predictions: [] }, error: null,
  };
  test('the model card names the task, data, metrics and how to load it', () => {
    const card = modelCard(run, 'prajjwal1/bert-tiny');
    expect(card).toMatch(/^---\nlibrary_name: transformers\npipeline_tag: text-classification\nbase_model: prajjwal1\/bert-tiny/);
    expect(card).toMatch(/\| a\.csv \| train \| 10 \| 9 \|/);
    expect(card).toMatch(/\| accuracy \| 0\.7500 \|/);
    expect(card).toMatch(/Best checkpoint: step 5/);
    expect(card).toMatch(/AutoModelForSequenceClassification\.from_pretrained/);
  });
  test('the zip holds one folder with every file; weights stored, not deflated', () => {
    const weights = new Uint8Array(1000).map((_, i) => i % 251);
    const zip = buildRunZip({ folder: 'run 1/x', files: { 'config.json': new TextEncoder().encode('{}'), 'model.safetensors': weights }, trainingConfig: { a: 1 }, metrics: { b: 2 }, readme: '# hi', predictions: [{ label: 'pos' }] });
    const entries = unzipSync(zip);
    expect(zip.length).toBeGreaterThan(weights.length); // a repeating pattern would deflate to a few bytes
    expect(Object.keys(entries).filter((k) => !k.endsWith('/')).sort()).toEqual(['run-1-x/README.md', 'run-1-x/config.json', 'run-1-x/metrics.json', 'run-1-x/model.safetensors', 'run-1-x/predictions.jsonl', 'run-1-x/training_config.json']);
    expect(entries['run-1-x/model.safetensors']).toEqual(weights);
    expect(JSON.parse(new TextDecoder().decode(entries['run-1-x/metrics.json']))).toEqual({ b: 2 });
    expect(safeName('  ')).toBe('model');
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadModel } from '../../../src/engine/checkpoint';
import { mlmNames } from '../../../src/engine/names';
import { parseSafetensors, toFloat32, writeSafetensors } from '../../../src/engine/safetensors';
import { exportCheckpoint } from '../../../src/export/checkpoint';
import { memorySource, urlSource } from '../../../src/hub/source';
import { FIXTURES, webgpu } from '../setup';

beforeAll(webgpu);

async function fixtureFiles(name: string) {
  const get = async (f: string) => new Uint8Array(await (await fetch(`${FIXTURES}/${name}/${f}`)).arrayBuffer());
  return { config: JSON.parse(new TextDecoder().decode(await get('config.json'))), weights: await get('model.safetensors') };
}

function std(a: Float32Array): number {
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
}

describe('loading checkpoints', () => {
  test('a base checkpoint without the head: new head initialised as HF does, keys reported', async () => {
    const { config, weights } = await fixtureFiles('bert-seqcls');
    // Save it the way a bare BertModel + MLM head would: no `bert.` prefix, an extra pretraining tensor.
    const parsed = parseSafetensors(weights.buffer as ArrayBuffer);
    const bare = [...parsed.tensors]
      .filter(([n, t]) => n.startsWith('bert.') && t.dtype === 'F32')
      .map(([n, t]) => ({ name: n.slice('bert.'.length), shape: t.shape, data: toFloat32(t)! }));
    bare.push({ name: 'cls.predictions.bias', shape: [99], data: new Float32Array(99) });
    const base = { ...config, architectures: ['BertForMaskedLM'], id2label: undefined, label2id: undefined };
    const labels = Array.from({ length: 300 }, (_, i) => `L${i}`);
    const { model, report } = await loadModel(
      memorySource({ 'config.json': JSON.stringify(base), 'model.safetensors': writeSafetensors(bare) }),
      { head: 'tokcls', labels },
    );
    expect(report.missing).toEqual(['classifier.weight', 'classifier.bias']);
    expect(report.unexpected.sort()).toEqual(['cls.predictions.bias', 'pooler.dense.bias', 'pooler.dense.weight']);
    const w = (await model.params.get('classifier.weight')!.data()) as Float32Array;
    expect(Math.abs(std(w) - config.initializer_range)).toBeLessThan(0.01);
    expect(Array.from(await model.params.get('classifier.bias')!.data()).every((x) => x === 0)).toBe(true);
    const emb = await model.params.get('bert.embeddings.word_embeddings.weight')!.data();
    expect(Array.from(emb)).toEqual(Array.from(toFloat32(parsed.tensors.get('bert.embeddings.word_embeddings.weight')!)!));
    model.dispose();
  });

  test('a head with another label count is re-initialised and reported as mismatched', async () => {
    const { report, model } = await loadModel(urlSource(`${FIXTURES}/roberta-seqcls/`), { labels: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(report.mismatched.map((m) => m.name)).toEqual(['classifier.out_proj.weight', 'classifier.out_proj.bias']);
    expect(model.params.get('classifier.out_proj.weight')!.shape).toEqual([6, 32]);
    model.dispose();
  });

  test('sharded checkpoints load through model.safetensors.index.json', async () => {
    const { config, weights } = await fixtureFiles('electra-qa');
    const all = [...parseSafetensors(weights.buffer as ArrayBuffer).tensors].filter(([, t]) => t.dtype === 'F32');
    const half = Math.floor(all.length / 2);
    const shard = (xs: typeof all) => writeSafetensors(xs.map(([name, t]) => ({ name, shape: t.shape, data: toFloat32(t)! })));
    const weightMap = Object.fromEntries(all.map(([n], i) => [n, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    const { model, report } = await loadModel(
      memorySource({
        'config.json': JSON.stringify(config),
        'model.safetensors.index.json': JSON.stringify({ metadata: {}, weight_map: weightMap }),
        'model-00001-of-00002.safetensors': shard(all.slice(0, half)),
        'model-00002-of-00002.safetensors': shard(all.slice(half)),
      }),
    );
    expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expect(model.head).toBe('qa');
    model.dispose();
  });

  test('no safetensors: a clear message', async () => {
    const { config } = await fixtureFiles('bert-qa');
    await expect(loadModel(memorySource({ 'config.json': JSON.stringify(config), 'pytorch_model.bin': 'x' }, 'hub:x/y'))).rejects.toThrow(
      /hub:x\/y: no model.safetensors \(only pytorch_model.bin/,
    );
    await expect(loadModel(memorySource({ 'config.json': '{"model_type":"bert"}' }, 'hub:x/y'))).rejects.toThrow(
      /hub:x\/y: config.json: missing numeric field "hidden_size"/,
    );
    await expect(loadModel(memorySource({ 'config.json': '{"model_type":"t5","architectures":["T5Model"]}' }, 'hub:t5'))).rejects.toThrow(
      /hub:t5: Unsupported architecture "t5"/,
    );
  });
});

describe('export', () => {
  test.each(['bert-multilabel', 'distilbert-tokcls', 'electra-qa', 'roberta-seqcls'])(
    '%s: exported checkpoint loads back bit-identically with an HF config',
    async (name) => {
      const { model } = await loadModel(urlSource(`${FIXTURES}/${name}/`));
      // Train-like change so the test cannot pass by re-reading the fixture.
      model.params.forEach((v) => v.assign(tf.add(v, 0.125)));
      const files = await exportCheckpoint(model);
      const config = JSON.parse(new TextDecoder().decode(files['config.json']));
      expect(config.architectures).toEqual([model.architecture]);
      expect(config.model_type).toBe(model.hfConfig.model_type);
      if (model.head !== 'qa') {
        expect(Object.keys(config.id2label)).toEqual(Object.keys(config.id2label).map((_, i) => String(i)));
        expect(config.label2id[config.id2label['0']]).toBe(0);
      }
      if (name === 'bert-multilabel') expect(config.problem_type).toBe('multi_label_classification');
      const { model: back, report } = await loadModel(memorySource(files));
      expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
      const a = await model.readParams();
      const b = await back.readParams();
      for (const [k, v] of a) expect(new Uint8Array(b.get(k)!.buffer)).toEqual(new Uint8Array(v.buffer));
      model.dispose();
      back.dispose();
    },
  );
});

describe('masked-LM checkpoints: the decoder tied to the word embeddings', () => {
  test.each([
    ['bert-mlm', ['cls.predictions.decoder.weight', 'cls.predictions.decoder.bias']],
    ['roberta-mlm', []],
    ['electra-mlm', ['generator_lm_head.weight']],
    ['distilbert-mlm', ['vocab_projector.weight']],
  ])('%s: loads with its saved copies ignored, exports the copies save_pretrained writes (%j)', async (name, copies) => {
    const fixture = await fixtureFiles(name);
    const saved = parseSafetensors(fixture.weights.slice().buffer);
    const { model, report } = await loadModel(urlSource(`${FIXTURES}/${name}/`));
    expect(model.head).toBe('mlm');
    expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
    // One variable for both uses: no parameter of the model carries a decoder alias.
    for (const alias of copies) expect(model.params.has(alias)).toBe(false);
    model.params.forEach((v) => v.assign(tf.add(v, 0.125)));
    const files = await exportCheckpoint(model);
    const written = parseSafetensors(files['model.safetensors'].slice().buffer);
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    expect(config.architectures).toEqual([model.architecture]);
    expect(config.id2label).toBeUndefined();
    // Same names as the fixture's file (what transformers 4.27 wrote), and each copy equals its canonical tensor.
    expect([...written.tensors.keys()].filter((k) => !k.endsWith('position_ids')).sort()).toEqual(
      [...saved.tensors.keys()].filter((k) => !k.endsWith('position_ids')).sort(),
    );
    const values = await model.readParams();
    const tied = mlmNames(model.encoderConfig).tied;
    for (const alias of copies) expect(toFloat32(written.tensors.get(alias)!)).toEqual(values.get(tied[alias]));
    const { model: back, report: backReport } = await loadModel(memorySource(files));
    expect(backReport).toEqual({ missing: [], unexpected: [], mismatched: [] });
    const b = await back.readParams();
    for (const [k, v] of values) expect(new Uint8Array(b.get(k)!.buffer)).toEqual(new Uint8Array(v.buffer));
    model.dispose();
    back.dispose();
  });
});

describe('init random: the architecture from scratch', () => {
  test("every weight HF's init with the seed, none read from the checkpoint; the same seed, the same model", async () => {
    // No model.safetensors in this source: random init must not need it.
    const { config } = await fixtureFiles('bert-seqcls');
    const source = memorySource({ 'config.json': new TextEncoder().encode(JSON.stringify(config)) });
    const a = await loadModel(source, { init: 'random', seed: 3 });
    const b = await loadModel(source, { init: 'random', seed: 3 });
    const c = await loadModel(source, { init: 'random', seed: 4 });
    expect(a.report).toEqual({ missing: [], unexpected: [], mismatched: [], randomInit: 3 });
    const fixtureModel = (await loadModel(urlSource(`${FIXTURES}/bert-seqcls/`))).model;
    const pretrained = await fixtureModel.readParams();
    fixtureModel.dispose();
    const [va, vb, vc] = await Promise.all([a, b, c].map((m) => m.model.readParams()));
    const word = 'bert.embeddings.word_embeddings.weight';
    for (const [name, v] of va) {
      expect(vb.get(name), name).toEqual(v);
      expect(v, name).not.toEqual(pretrained.get(name)); // the fixture perturbs every tensor away from HF's init
    }
    expect(vc.get(word)).not.toEqual(va.get(word));
    // HF's _init_weights: LayerNorm 1 / 0, biases 0, the padding row of the word embeddings 0, normal(0, 0.2) elsewhere.
    expect([...va.get('bert.embeddings.LayerNorm.weight')!].every((x) => x === 1)).toBe(true);
    expect([...va.get('classifier.bias')!].every((x) => x === 0)).toBe(true);
    const H = a.model.encoderConfig.embeddingSize;
    const pad = a.model.encoderConfig.padTokenId;
    expect([...va.get(word)!.slice(pad * H, (pad + 1) * H)].every((x) => x === 0)).toBe(true);
    expect(std(va.get('bert.encoder.layer.0.attention.self.query.weight')!)).toBeCloseTo(a.model.encoderConfig.initializerRange, 1);
    for (const m of [a, b, c]) m.model.dispose();
  });
});

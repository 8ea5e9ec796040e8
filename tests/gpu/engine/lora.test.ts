import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { loadModel } from '../../../src/engine/checkpoint';
import { LoraAdapter } from '../../../src/engine/lora';
import { memorySource, urlSource } from '../../../src/hub/source';
import { batchFromCase } from '../../../src/parity/caseFile';
import { checkpointFiles } from '../../../src/train/checkpoints';
import { FIXTURES, webgpu } from '../setup';

beforeAll(webgpu);

test('LoRA: starts at the base model, trains only the factors, merges into an HF checkpoint that predicts the same', async () => {
  const src = urlSource(`${FIXTURES}/bert-seqcls/`);
  const c = await (await fetch(`${FIXTURES}/bert-seqcls/case.json`)).json();
  const batch = batchFromCase(c.inputs, 'seqcls');
  const { model } = await loadModel(src);
  const { model: other } = await loadModel(src);
  const base = await model.forward(batch.inputs).logits!.data();

  model.lora = new LoraAdapter(model.specs, { rank: 2, alpha: 4, targetModules: ['query', 'value'], seed: 1 });
  other.lora = new LoraAdapter(other.specs, { rank: 2, alpha: 4, targetModules: ['query'], seed: 2 }); // names must not collide
  expect(model.lora.targets).toHaveLength(4);
  expect(Array.from(await model.forward(batch.inputs).logits!.data())).toEqual(Array.from(base)); // B = 0

  // Gradients reach the factors when only they (and nothing else) are trainable.
  const factors = new Set([...model.lora.variables.keys()]);
  const { grads, loss } = model.lossAndGradients(batch.inputs, batch.labels, {}, factors);
  expect([...grads.keys()].sort()).toEqual([...factors].sort());
  const bGrad = await grads.get('bert.encoder.layer.0.attention.self.query.lora_B.weight')!.data();
  expect(Math.max(...Array.from(bGrad, Math.abs))).toBeGreaterThan(0);
  tf.dispose([loss, ...grads.values()]);

  // Move B off zero, as training would, then export with LoRA merged and reload as a plain model.
  for (const [name, v] of model.lora.variables) if (name.includes('lora_B')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 3));
  const adapted = await model.forward(batch.inputs).logits!.data();
  expect(Math.max(...Array.from(adapted, (x, i) => Math.abs(x - base[i])))).toBeGreaterThan(1e-3);
  const values = new Map([...(await model.readParams()), ...(await model.lora.read())]);
  const files = await checkpointFiles(model, values);
  const { model: merged, report } = await loadModel(memorySource(files));
  expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
  const reloaded = await merged.forward(batch.inputs).logits!.data();
  for (let i = 0; i < adapted.length; i++) expect(Math.abs(reloaded[i] - adapted[i])).toBeLessThan(1e-5);
  [model, other, merged].forEach((m) => m.dispose());
});

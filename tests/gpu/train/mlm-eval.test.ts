/**
 * Masked-LM evaluation on the GPU (src/train/mlmEval.ts) against Hugging Face's numbers for `bert-mlm`: the loss
 * is BertForMaskedLM's (CrossEntropy over the masked positions), accuracy and the top-5 follow from HF's own
 * logits in the case file, computed here on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { batchFromCase, disposeBatch, type ArrayJson } from '../../../src/parity/caseFile.ts';
import { IGNORE_LABEL } from '../../../src/train/masking.ts';
import { evaluateMaskedLm } from '../../../src/train/mlmEval.ts';
import { fixtureCase, fixtureModel, webgpu } from './helpers.ts';

beforeAll(webgpu);

test('bert-mlm: loss and perplexity as HF computes them; accuracy and top-5 from HF logits', async () => {
  const c = await fixtureCase('bert-mlm');
  const model = await fixtureModel('bert-mlm', 'mlm');
  const batch = batchFromCase(c.inputs, 'mlm');
  const labels = Int32Array.from(c.inputs.labels!.data);
  try {
    const tensors = tf.memory().numTensors;
    const r = await evaluateMaskedLm(model, [{ inputs: batch.inputs, labels }]);
    expect(tf.memory().numTensors).toBe(tensors); // nothing left on the GPU
    const hfLoss = c.outputs!.loss as unknown as number;
    expect(Math.abs(r.loss - hfLoss) / hfLoss).toBeLessThan(1e-5);
    expect(r.perplexity).toBeCloseTo(Math.exp(hfLoss), 3);
    // HF's logits [B, T, V]: argmax and top-5 at each masked position.
    const logits = c.outputs!.logits as ArrayJson;
    const [, T, V] = logits.shape;
    const masked = [...labels.keys()].filter((i) => labels[i] !== IGNORE_LABEL);
    expect(r.maskedTokens).toBe(masked.length);
    let correct = 0;
    masked.forEach((flat, j) => {
      const row = logits.data.slice(flat * V, (flat + 1) * V);
      const order = [...row.keys()].sort((a, b) => row[b] - row[a]);
      if (order[0] === labels[flat]) correct++;
      const p = r.predictions[j];
      expect([p.row, p.position, p.label]).toEqual([Math.floor(flat / T), flat % T, labels[flat]]);
      expect(p.ids).toEqual(order.slice(0, 5));
      const max = row[order[0]];
      const z = row.reduce((s, x) => s + Math.exp(x - max), 0);
      p.probs.forEach((q, k) => expect(q).toBeCloseTo(Math.exp(row[order[k]] - max) / z, 5));
    });
    expect(r.accuracy).toBe(correct / masked.length);
    // Rows are numbered across batches: the same batch twice gives the second copy rows B…2B−1 and equal metrics.
    const twice = await evaluateMaskedLm(model, [{ inputs: batch.inputs, labels }, { inputs: batch.inputs, labels }]);
    expect(twice.maskedTokens).toBe(2 * masked.length);
    expect(twice.loss).toBeCloseTo(r.loss, 6);
    expect(twice.predictions.at(-1)!.row).toBe(r.predictions.at(-1)!.row + batch.inputs.inputIds.shape[0]);
  } finally {
    disposeBatch(batch);
    model.dispose();
  }
});

/**
 * The barrier-free fused kernels (LayerNorm, masked softmax, linear, embedding lookup, sum of squares)
 * against the plain TF.js ops they replace, values and gradients, on real WebGPU. Shapes are odd on
 * purpose (not multiples of the 64-invocation workgroup) and masks have padding.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { embeddingLookup } from '../../../src/engine/kernels/embedding.ts';
import { layerNorm, layerNormReference } from '../../../src/engine/kernels/layerNorm.ts';
import { ROW_CHUNK, sumToLastAxis } from '../../../src/engine/kernels/columnSum.ts';
import { linearOp } from '../../../src/engine/kernels/linear.ts';
import { maskedSoftmax, maskedSoftmaxReference } from '../../../src/engine/kernels/softmax.ts';
import { sumOfSquares } from '../../../src/engine/kernels/sumSquares.ts';
import { rng } from '../../../src/engine/random.ts';
import { webgpu } from '../setup.ts';
import { compare, random, relError } from './helpers.ts';

beforeAll(webgpu);

describe('fused kernels match the plain ops on webgpu', () => {
  test.each([
    [67, 45],
    [2 * ROW_CHUNK.workgroup + 77, 24], // three row chunks in the workgroup variant, one in flat
  ])('layerNorm: values, dx, dγ, dβ (%i rows × %i features, shifted inputs)', async (rows, cols) => {
    const x = tf.add(random([rows, cols], 1, 3), 5); // a large mean tests the centring
    const gamma = random([cols], 2);
    const beta = random([cols], 3);
    const r = await compare(
      (a, b, c) => layerNorm(a as tf.Tensor2D, b, c, 1e-12),
      (a, b, c) => layerNormReference(a as tf.Tensor2D, b, c, 1e-12),
      [x, gamma, beta],
      4,
    );
    expect(r.value).toBeLessThan(1e-5);
    for (const e of r.grads) expect(e).toBeLessThan(1e-4);
    tf.dispose([x, gamma, beta]);
  });

  test('sumToLastAxis: one chunk and several chunks (two passes; three: variants.test.ts)', async () => {
    for (const shape of [[37, 1, 19], [3 * ROW_CHUNK.flat + 5, 7]]) {
      const x = random(shape, 20);
      const ours = sumToLastAxis(x);
      const plain = tf.sum(tf.reshape(x, [-1, shape.at(-1)!]), 0);
      expect(await relError(ours, plain), String(shape)).toBeLessThan(1e-5);
      tf.dispose([x, ours, plain]);
    }
  });

  test('maskedSoftmax: values and gradient, padded keys get ~0 probability', async () => {
    const [B, N, T] = [3, 2, 7];
    const scores = random([B, N, T, T], 5, 4);
    const mask = tf.tensor2d([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0], [B, T]);
    const bias = tf.mul(tf.sub(1, mask), -1e9) as tf.Tensor2D;
    for (const scale of [0.5, 1]) {
      const r = await compare(
        (s) => maskedSoftmax(s as tf.Tensor4D, bias, scale),
        (s) => maskedSoftmaxReference(s as tf.Tensor4D, bias, scale),
        [scores],
        6,
      );
      expect(r.value).toBeLessThan(1e-5);
      expect(r.grads[0]).toBeLessThan(1e-4);
    }
    const probs = await maskedSoftmax(scores as tf.Tensor4D, bias, 0.5).array();
    expect(probs[1][0][0][4]).toBe(0); // batch row 1 pads keys 3..6
    expect(probs[1][0][0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose([scores, mask, bias]);
  });

  test('linear: values and dx, dW, db', async () => {
    const x = random([37, 19], 7);
    const w = random([23, 19], 8);
    const b = random([23], 9);
    const r = await compare(
      (a, c, d) => linearOp(a as tf.Tensor2D, c as tf.Tensor2D, d),
      (a, c, d) => tf.add(tf.matMul(a, c, false, true), d),
      [x, w, b],
      10,
    );
    expect(r.value).toBeLessThan(1e-5);
    for (const e of r.grads) expect(e).toBeLessThan(1e-5);
    tf.dispose([x, w, b]);
  });

  test('embeddingLookup: repeated and unused ids scatter-add into the table gradient', async () => {
    const table = random([11, 6], 11);
    const ids = tf.tensor1d([3, 3, 0, 10, 3, 7, 0], 'int32');
    const r = await compare((t) => embeddingLookup(t as tf.Tensor2D, ids), (t) => tf.gather(t, ids), [table], 12);
    expect(r.value).toBe(0);
    expect(r.grads[0]).toBeLessThan(1e-6);
    const grad = await tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t as tf.Tensor2D, ids)))(table).array() as number[][];
    expect(grad.map((row) => row[0])).toEqual([2, 0, 0, 3, 0, 0, 0, 1, 0, 0, 1]);
    tf.dispose([table, ids]);
  });

  test('sumOfSquares: many tensors, one needing several folds', async () => {
    const xs = [random([300, 257], 13), random([5], 14), random([1], 15), random([64, 3], 16)];
    const ours = sumOfSquares(xs);
    const plain = tf.addN(xs.map((x) => tf.sum(tf.square(x))));
    expect(await relError(ours, plain)).toBeLessThan(1e-5);
    expect(ours.shape).toEqual([]);
    expect(await sumOfSquares([]).data()).toEqual(new Float32Array([0]));
    tf.dispose([...xs, ours, plain]);
  });
});

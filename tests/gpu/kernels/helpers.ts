/** Shared by the kernel tests: seeded random tensors and relative errors of values and gradients. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { rng } from '../../../src/engine/random.ts';

export function random(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale), shape);
}

/** max |a − b| / (max |b| + tiny): one relative number per tensor. */
export async function relError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / (scale + 1e-30);
}

/** Values and gradients (w.r.t. `wrt`) of f and g under the same upstream gradient. */
export async function compare(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  g: (...xs: tf.Tensor[]) => tf.Tensor,
  wrt: tf.Tensor[],
  seed: number,
): Promise<{ value: number; grads: number[] }> {
  const y = f(...wrt);
  const dy = random(y.shape, seed);
  const both = [f, g].map((fn) => tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(fn(...xs), dy)))(wrt));
  const value = await relError(y, g(...wrt));
  const grads: number[] = [];
  for (let i = 0; i < wrt.length; i++) grads.push(await relError(both[0][i], both[1][i]));
  tf.dispose([y, dy, ...both.flat()]);
  return { value, grads };
}

/** Names of the kernels `f` dispatches. */
export async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => f());
  return info.kernelNames;
}

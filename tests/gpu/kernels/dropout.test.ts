import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { dropout, dropoutReference, nextDropoutSeed } from '../../../src/engine/kernels/dropout.ts';
import { pcgHash } from '../../../src/engine/kernels/hash.ts';

// Runs in real Chromium WebGPU (SwiftShader on CI): tensors stay small except where noted.

let backend: WebGPUBackend;

beforeAll(async () => {
  await tf.setBackend('webgpu');
  await tf.ready();
  expect(tf.getBackend()).toBe('webgpu');
  backend = tf.backend() as WebGPUBackend;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Deterministic, never-zero values, so a zero in the output can only come from the mask. */
function nonZeroValues(n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = ((i * 7919) % 1000) / 100 - 5.005;
  return v;
}

async function bits(t: tf.Tensor): Promise<Uint32Array> {
  const data = (await t.data()) as Float32Array;
  return new Uint32Array(data.buffer, data.byteOffset, data.length);
}

async function keptMask(t: tf.Tensor): Promise<Uint8Array> {
  const data = await t.data();
  return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
}

/** |observed - expected| within 6 standard deviations of a binomial(n, p) count. */
function expectBinomial(count: number, n: number, p: number): void {
  expect(Math.abs(count - n * p)).toBeLessThan(6 * Math.sqrt(n * p * (1 - p)));
}

function sum(a: Uint8Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

test('the JS hash is PCG-RXS-M-XS with u32 wrap-around (checked against BigInt arithmetic)', () => {
  const M = 0xffffffffn;
  const pcgBig = (v: number): number => {
    const state = (BigInt(v) * 747796405n + 2891336453n) & M;
    const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) & M;
    return Number((word >> 22n) ^ word);
  };
  for (const v of [0, 1, 2, 127, 128, 65535, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xffffffff]) {
    expect(pcgHash(v)).toBe(pcgBig(v));
  }
});

describe('forward', () => {
  // Ranks 0–4; sizes that are, and are not, multiples of the 128-wide workgroup.
  const shapes: number[][] = [[], [1], [7], [129], [384], [3, 43], [2, 3, 37], [2, 3, 5, 7], [2, 4, 8, 16]];
  const cases = shapes.map((shape) => ({ shape, label: `[${shape.join(', ')}]` }));
  test.each(cases)('matches the reference bit-for-bit, shape $label', async ({ shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(nonZeroValues(n), shape);
    const y = dropout(x, 0.3, 1234);
    const ref = dropoutReference(x, 0.3, 1234);
    expect(y.shape).toEqual(shape);
    expect(await bits(y)).toEqual(await bits(ref));
    tf.dispose([x, y, ref]);
  });

  test('keeps ≈ (1 - rate) of 64k elements and scales survivors by exactly f32(1/(1 - rate))', async () => {
    const n = 256 * 256;
    const values = nonZeroValues(n);
    const x = tf.tensor(values, [256, 256]);
    for (const rate of [0.1, 0.5, 0.9]) {
      const y = dropout(x, rate, 42);
      const out = (await y.data()) as Float32Array;
      const scale = Math.fround(1 / (1 - rate));
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (out[i] === 0) continue;
        kept++;
        if (out[i] !== Math.fround(values[i] * scale)) throw new Error(`rate ${rate}: y[${i}] = ${out[i]}, x = ${values[i]}`);
      }
      expectBinomial(kept, n, 1 - rate);
      y.dispose();
    }
    x.dispose();
  });

  test('same seed gives the same mask; other seeds give unrelated masks', async () => {
    const n = 128 * 128;
    const x = tf.ones([n]);
    const mask = async (seed: number) => {
      const y = dropout(x, 0.5, seed);
      const m = await keptMask(y);
      y.dispose();
      return m;
    };
    const base = await mask(7);
    expect(await mask(7)).toEqual(base);
    // Neighbouring seeds and derived per-step/per-layer seeds: masks agree on ~half the elements,
    // as independent fair coins would (a shifted or correlated stream would agree far more or less).
    for (const seed of [8, 7 + 2 ** 31, nextDropoutSeed(7, 0, 0), nextDropoutSeed(7, 0, 1), nextDropoutSeed(7, 1, 0)]) {
      const other = await mask(seed);
      let agree = 0;
      for (let i = 0; i < n; i++) agree += base[i] === other[i] ? 1 : 0;
      expectBinomial(agree, n, 0.5);
    }
    x.dispose();
  });

  test('rate 0 is the identity: returns x itself and dispatches nothing', () => {
    const run = vi.spyOn(backend, 'runWebGPUProgram');
    const x = tf.tensor([1, 2, 3]);
    expect(dropout(x, 0, 99)).toBe(x);
    expect(run).not.toHaveBeenCalled();
    x.dispose();
  });

  test('one dispatch, no CPU upload, one compiled pipeline across shapes, seeds and rates', async () => {
    const x = tf.tensor(nonZeroValues(300), [3, 100]);
    await x.data(); // make sure x's own upload is behind us
    const run = vi.spyOn(backend, 'runWebGPUProgram');
    const write = vi.spyOn(backend, 'write');
    const y = dropout(x, 0.25, 5);
    expect(run).toHaveBeenCalledTimes(1);
    // backend.write also allocates the output (values == null); any CPU data would be an upload.
    expect(write.mock.calls.filter(([values]) => values != null)).toHaveLength(0);
    tf.dispose([x, y]);
    const pipelines = Object.keys((backend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache);
    // Every earlier test ran through this one flat, rank-1 pipeline.
    expect(pipelines.filter((key) => key.startsWith('dropout_pcg'))).toHaveLength(1);
  });

  test('rejects rates outside [0, 1), non-float input and non-integer seeds', () => {
    const x = tf.tensor([1, 2]);
    expect(() => dropout(x, 1, 0)).toThrow(/rate/);
    expect(() => dropout(x, -0.1, 0)).toThrow(/rate/);
    expect(() => dropout(x, 0.5, 0.5)).toThrow(/seed/);
    const i = tf.tensor([1, 2], [2], 'int32');
    expect(() => dropout(i, 0.5, 0)).toThrow(/float32/);
    tf.dispose([x, i]);
  });
});

describe('gradient', () => {
  test('tf.grad is dy * mask / (1 - rate) with the forward mask, in one extra dispatch', async () => {
    const shape = [2, 3, 37];
    const n = 2 * 3 * 37;
    const x = tf.tensor(nonZeroValues(n), shape);
    const dy = tf.tensor(nonZeroValues(n).reverse(), shape);
    const rate = 0.4;
    const y = dropout(x, rate, 2024);
    const run = vi.spyOn(backend, 'runWebGPUProgram');
    const dx = tf.grad((t: tf.Tensor) => dropout(t, rate, 2024))(x, dy);
    expect(run).toHaveBeenCalledTimes(2); // forward replayed by tf.grad + backward
    run.mockRestore();

    expect(await keptMask(dx)).toEqual(await keptMask(y));
    const expected = dropoutReference(dy, rate, 2024);
    expect(await bits(dx)).toEqual(await bits(expected));
    // And the reference's own autodiff gradient agrees, so the two ops are interchangeable in training.
    const refDx = tf.grad((t: tf.Tensor) => dropoutReference(t, rate, 2024))(x, dy);
    expect(await bits(dx)).toEqual(await bits(refDx));
    tf.dispose([x, dy, y, dx, expected, refDx]);
  });
});

test('leaks no tensors through forward and backward inside tidy', async () => {
  const x = tf.tensor(nonZeroValues(1000), [10, 100]);
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const seed = nextDropoutSeed(1, step, 0);
    const loss = tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => dropout(t.mul(2), 0.1, seed).square().mean())(x);
      grad.dispose();
      return value;
    });
    loss.dispose();
    tf.tidy(() => {
      tf.grad((t: tf.Tensor) => dropout(t, 0.2, seed).sum())(x);
    });
  }
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
});

test('tensors past 65535 workgroups (tfjs folds the dispatch into 2-D) still match the reference', async () => {
  // 65535 * 128 + 5 elements: reshapeDispatch makes the grid 2-D, so `index` comes from workgroup_id.
  const n = 65535 * 128 + 5;
  const x = tf.fill([n], 1.5);
  const run = vi.spyOn(backend, 'runWebGPUProgram');
  const y = dropout(x, 0.5, 31337);
  expect(run.mock.calls[0]![0].dispatch[1]).toBeGreaterThan(1);
  const ref = dropoutReference(x, 0.5, 31337);
  const equal = tf.tidy(() => tf.equal(y, ref).all());
  expect(await equal.data()).toEqual(new Uint8Array([1]));
  tf.dispose([x, y, ref, equal]);
});

test('other backends fall back to the reference and draw the same mask as webgpu', async () => {
  const values = nonZeroValues(257);
  const onGpu = tf.tidy(() => dropout(tf.tensor(values), 0.5, 77));
  const gpuBits = await bits(onGpu);
  onGpu.dispose();
  try {
    await tf.setBackend('cpu');
    const onCpu = tf.tidy(() => dropout(tf.tensor(values), 0.5, 77));
    expect(await bits(onCpu)).toEqual(gpuBits);
    onCpu.dispose();
  } finally {
    await tf.setBackend('webgpu');
  }
  expect(tf.getBackend()).toBe('webgpu');
});

import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { adamwScalars, adamwStepInPlace, adamwUpdate, adamwUpdateReference, type AdamWTensors } from '../../../src/engine/kernels/adamw.ts';
import { normal, rng } from '../../../src/engine/random.ts';
import { setKernelMode } from '../../../src/engine/kernels/select.ts';
import { AdamW, TORCH_ADAMW } from '../../../src/train/adamw.ts';
import { webgpu } from '../setup.ts';
import { compareStep, gradient, indexedState, read } from './adamwHelpers.ts';

// The in-place step (engine/kernels/direct.ts): p, m and v written by one dispatch, no new buffer.

let backend: WebGPUBackend;

beforeAll(async () => {
  await webgpu();
  backend = tf.backend() as WebGPUBackend;
});

afterEach(() => {
  vi.restoreAllMocks();
  setKernelMode('auto');
});

/** Counts compute dispatches (programs and direct ones alike) while `f` runs. */
function countDispatches(f: () => void): number {
  const spy = vi.spyOn(GPUComputePassEncoder.prototype, 'dispatchWorkgroups');
  try {
    f();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const liveBytes = () => (backend as unknown as { bufferManager: { numBytesUsed: number } }).bufferManager.numBytesUsed;

function state(shape: number[], seed: number): AdamWTensors & { g: tf.Tensor } {
  const n = shape.reduce((a, b) => a * b, 1);
  const random = rng(seed);
  return {
    p: tf.tensor(normal(n, 1, random), shape),
    m: tf.tensor(normal(n, 0.01, random), shape),
    v: tf.tensor(normal(n, 0.01, random).map(Math.abs), shape),
    g: tf.tensor(gradient(n, 0.5, random), shape),
  };
}

describe('adamwStepInPlace', () => {
  // [1], [7], [3, 43]: the scalar pipeline; [132], [2, 66]: vec4. With and without a gradient scale.
  test.each([[[1]], [[7]], [[132]], [[3, 43]], [[2, 66]]])('%j: equals the reference, in the same buffers', async (shape) => {
    const t = state(shape, shape.length * 97 + shape[0]);
    const s = adamwScalars(TORCH_ADAMW, 3, 0.02, 0.01);
    const c = tf.scalar(0.37);
    const x = { ...(await read(t)), g: (await t.g.data()) as Float32Array };
    const ref = adamwUpdateReference(t, t.g, s, c);
    const expected = await read(ref);
    const ids = [t.p.dataId, t.m.dataId, t.v.dataId];
    const dispatched = countDispatches(() => expect(adamwStepInPlace(t, t.g, s, c)).toBe(true));
    expect(dispatched).toBe(1);
    expect([t.p.dataId, t.m.dataId, t.v.dataId]).toEqual(ids);
    // Read after a read before the step: TF.js's CPU copy of the old values must not be served.
    compareStep(x, s, await read(t), expected, `in place ${JSON.stringify(shape)}`);
    tf.dispose([t.p, t.m, t.v, t.g, c, ref.p, ref.m, ref.v]);
  });

  test('refuses a buffer shared with a clone, and leaves everything as it was', async () => {
    const t = state([8], 5);
    const kept = tf.clone(t.p); // e.g. a best-checkpoint snapshot: shares p's buffer
    const before = await read(t);
    const s = adamwScalars(TORCH_ADAMW, 1, 0.1, 0);
    expect(countDispatches(() => expect(adamwStepInPlace(t, t.g, s)).toBe(false))).toBe(0);
    expect(await read(t)).toEqual(before);
    kept.dispose();
    expect(adamwStepInPlace(t, t.g, s)).toBe(true); // sole owner again
    expect(await t.p.data()).not.toEqual(before.p);
    tf.dispose([t.p, t.m, t.v, t.g]);
  });

  test('refuses while a read of p is in flight (TF.js would cache the old values on p when it resolves)', async () => {
    const t = state([8], 6);
    const s = adamwScalars(TORCH_ADAMW, 1, 0.1, 0);
    const reading = t.p.data();
    expect(adamwStepInPlace(t, t.g, s)).toBe(false);
    const old = await reading;
    expect(adamwStepInPlace(t, t.g, s)).toBe(true);
    expect(await t.p.data()).not.toEqual(old);
    tf.dispose([t.p, t.m, t.v, t.g]);
  });

  test('past 65535 workgroups the grid folds into 2-D and every element is still updated', async () => {
    // 65535 × 128 + 5 scalars: 65536 workgroups. Index-dependent values; the reference runs on windows
    // (start, middle, the very end) because full-size plain ops are slow on SwiftShader.
    const n = 65535 * 128 + 5;
    const s = adamwScalars(TORCH_ADAMW, 2, 0.05, 0.01);
    const [p, m, v, g] = indexedState(n);
    const windows = [[0, 300], [n >> 1, 300], [n - 300, 300]].map(([begin, size]) => {
      const cut = <T extends tf.Tensor>(x: T) => tf.slice(x, [begin], [size]) as T;
      return { begin, size, before: { p: cut(p), m: cut(m), v: cut(v) }, g: cut(g) };
    });
    const dispatch = vi.spyOn(GPUComputePassEncoder.prototype, 'dispatchWorkgroups');
    expect(adamwStepInPlace({ p, m, v }, g, s)).toBe(true);
    expect(dispatch.mock.calls[0]![1]).toBe(2);
    dispatch.mockRestore();
    for (const w of windows) {
      const ref = adamwUpdateReference(w.before, w.g, s);
      const cut = <T extends tf.Tensor>(x: T) => tf.slice(x, [w.begin], [w.size]) as T;
      const out: AdamWTensors = { p: cut(p), m: cut(m), v: cut(v) };
      const x = { ...(await read(w.before)), g: (await w.g.data()) as Float32Array };
      compareStep(x, s, await read(out), await read(ref), `elements ${w.begin}…${w.begin + w.size}`);
      tf.dispose([...Object.values(w.before), w.g, ...Object.values(ref), ...Object.values(out)]);
    }
    tf.dispose([p, m, v, g]);
  });
});

describe('AdamW.apply on webgpu', () => {
  const shapes: Record<string, number[]> = { w: [3, 43], b: [7], e: [2, 66] };

  test('1 dispatch per parameter, no new buffers, no uploads, no tensor growth over steps', async () => {
    const random = rng(11);
    // Built as the model builds them (model.ts): the initial tensor is released, the variable owns its buffer.
    const params = new Map(Object.entries(shapes).map(([name, shape]) => [name, tf.tidy(() => tf.variable(tf.tensor(normal(shape.reduce((a, b) => a * b, 1), 1, random), shape)))] as const));
    const opt = new AdamW(params, new Map([['w', 0.1]]));
    const g = new Map([...params].map(([name, p]) => [name, tf.randomNormal(p.shape)] as const));
    await Promise.all([...g.values()].map((t) => t.data())); // gradients live on the GPU already
    opt.apply(g, 1e-3); // creates the moments
    await params.get('w')!.data();
    const tensors = tf.memory().numTensors;
    const bytes = liveBytes();
    const write = vi.spyOn(backend, 'write');
    for (let k = 2; k <= 5; k++) {
      expect(countDispatches(() => opt.apply(g, 1e-3))).toBe(params.size);
      expect(tf.memory().numTensors).toBe(tensors);
      await params.get('w')!.data(); // submits, which returns the step's uniform buffers
      expect(liveBytes()).toBe(bytes);
    }
    // backend.write also allocates outputs (values == null); CPU data would be an upload.
    expect(write.mock.calls.filter(([values]) => values != null)).toHaveLength(0);
    await params.get('w')!.data(); // the queue ran without a validation error
    tf.dispose([...g.values()]);
    opt.dispose();
    params.forEach((p) => p.dispose());
  });

  test('a kept clone of a parameter keeps its value: that parameter takes the copying path', async () => {
    const p = tf.tidy(() => tf.variable(tf.tensor(normal(12, 1, rng(2)), [3, 4])));
    const snapshot = tf.clone(p);
    const before = await snapshot.data();
    const opt = new AdamW(new Map([['w', p]]), new Map());
    const g = new Map([['w', tf.onesLike(p)]]);
    opt.apply(g, 0.1);
    expect(await snapshot.data()).toEqual(before);
    expect(await p.data()).not.toEqual(before);
    tf.dispose([snapshot, ...g.values()]);
    opt.dispose();
    p.dispose();
  });
});

test("kernel mode 'tfjs' updates with the plain TF.js ops (the bench's plain column), to the same values", async () => {
  const t = state([3, 43], 8);
  const s = adamwScalars(TORCH_ADAMW, 2, 0.01, 0.01);
  const x = { ...(await read(t)), g: (await t.g.data()) as Float32Array };
  const ref = adamwUpdateReference(t, t.g, s);
  const expected = await read(ref);
  const run = vi.spyOn(backend, 'runWebGPUProgram');
  tf.dispose(Object.values(adamwUpdateReference(t, t.g, s)));
  const referencePrograms = run.mock.calls.length;
  run.mockClear();
  setKernelMode('tfjs');
  expect(adamwStepInPlace(t, t.g, s)).toBe(false);
  const plain = adamwUpdate(t, t.g, s);
  expect(run.mock.calls.filter(([program]) => program.shaderKey.startsWith('adamw'))).toHaveLength(0);
  expect(run.mock.calls.length).toBe(referencePrograms); // the reference's element-wise ops, ~11
  compareStep(x, s, await read(plain), expected, 'tfjs mode');
  tf.dispose([t.p, t.m, t.v, t.g, ref.p, ref.m, ref.v, plain.p, plain.m, plain.v]);
});

import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  adamwScalars,
  adamwUpdate,
  adamwUpdateReference,
  type AdamWTensors,
} from '../../../src/engine/kernels/adamw.ts';
import { normal, rng } from '../../../src/engine/random.ts';
import { compareStep, gradient, indexedState, read, type Arrays, type Values } from './adamwHelpers.ts';
import { AdamW, TORCH_ADAMW } from '../../../src/train/adamw.ts';
import { webgpu } from '../setup.ts';

// Runs in real Chromium WebGPU (SwiftShader on CI): tensors stay small except where noted.
//
let backend: WebGPUBackend;

beforeAll(async () => {
  await webgpu();
  expect(tf.getBackend()).toBe('webgpu');
  backend = tf.backend() as WebGPUBackend;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fused update vs the plain-op reference, step by step', () => {
  // Ranks 1–4. Sizes that are multiples of 4 run the vec4 pipeline ([4], [128], [132], [2,3,5,8]),
  // the others the scalar one; some fill whole 128-wide workgroups, most leave a tail.
  const shapes: number[][] = [[1], [7], [4], [128], [129], [132], [3, 43], [2, 3, 5, 7], [2, 3, 5, 8]];
  const settings = [
    { label: 'wd 0.01', lrs: [1e-3, 2e-3, 5e-4, 1e-3], wd: 0.01 },
    { label: 'no decay', lrs: [1e-3, 2e-3, 5e-4, 1e-3], wd: 0 },
    // Big steps and decay, so the update term (not p) carries the error budget.
    { label: 'lr 0.3 wd 0.5', lrs: [0.3, 0.1, 0.3, 0.2], wd: 0.5 },
  ];
  const cases = shapes.flatMap((shape) => settings.map((s) => ({ ...s, shape, name: `[${shape}] ${s.label}` })));

  test.each(cases)('$name', async ({ shape, lrs, wd }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const random = rng(n * 31 + lrs.length);
    let state: AdamWTensors = { p: tf.tensor(normal(n, 1, random), shape), m: tf.zeros(shape), v: tf.zeros(shape) };
    for (let k = 1; k <= lrs.length; k++) {
      const g = tf.tensor(gradient(n, 0.1 * k, random), shape);
      const s = adamwScalars(TORCH_ADAMW, k, lrs[k - 1], wd);
      const fused = adamwUpdate(state, g, s);
      const ref = adamwUpdateReference(state, g, s);
      expect(fused.p.shape).toEqual(shape);
      const x = { ...(await read(state)), g: (await g.data()) as Float32Array };
      compareStep(x, s, await read(fused), await read(ref), `step ${k}`);
      tf.dispose([state.p, state.m, state.v, g, ref.p, ref.m, ref.v]);
      state = fused; // continue along the fused trajectory
    }
    tf.dispose([state.p, state.m, state.v]);
  });

  test('lr 0 leaves p bit-for-bit unchanged and still updates the moments (as torch does)', async () => {
    const random = rng(5);
    const p = tf.tensor(normal(129, 1, random));
    const state: AdamWTensors = { p, m: tf.tensor(normal(129, 0.01, random)), v: tf.tensor(normal(129, 0.01, random).map(Math.abs)) };
    const g = tf.tensor(gradient(129, 0.1, random));
    const s = adamwScalars(TORCH_ADAMW, 3, 0, 0.01);
    expect(s.decay).toBe(1);
    expect(s.stepSize).toBe(0);
    const fused = adamwUpdate(state, g, s);
    const ref = adamwUpdateReference(state, g, s);
    expect(await fused.p.data()).toEqual(await p.data());
    const x = { ...(await read(state)), g: (await g.data()) as Float32Array };
    compareStep(x, s, await read(fused), await read(ref), 'lr 0');
    expect(await fused.m.data()).not.toEqual(await state.m.data());
    tf.dispose([state.p, state.m, state.v, g, fused.p, fused.m, fused.v, ref.p, ref.m, ref.v]);
  });
});

describe('the gradient scale (clip factor) inside the kernel', () => {
  test.each([[129], [132], [3, 43]])('[%s]: update(g, c) = update(g·c) bit for bit, and c = 1 changes nothing', async (...shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const random = rng(n + 7);
    const state: AdamWTensors = { p: tf.tensor(normal(n, 1, random), shape), m: tf.tensor(normal(n, 0.01, random), shape), v: tf.tensor(normal(n, 0.01, random).map(Math.abs), shape) };
    const g = tf.tensor(gradient(n, 3, random), shape);
    const s = adamwScalars(TORCH_ADAMW, 4, 1e-3, 0.01);
    const c = tf.scalar(0.3183);
    const gc = tf.mul(g, c); // what clip_grad_norm_ hands the optimizer
    const scaled = adamwUpdate(state, g, s, c);
    const copied = adamwUpdate(state, gc, s);
    const reference = adamwUpdateReference(state, g, s, c);
    for (const k of ['p', 'm', 'v'] as const) {
      expect(await scaled[k].data(), k).toEqual(await copied[k].data());
      expect(await reference[k].data(), k).toEqual(await adamwUpdateReference(state, gc, s)[k].data());
    }
    const unit = adamwUpdate(state, g, s, tf.scalar(1));
    const plain = adamwUpdate(state, g, s);
    for (const k of ['p', 'm', 'v'] as const) expect(await unit[k].data(), k).toEqual(await plain[k].data());
    // A different factor is a different update (the scale reaches the kernel).
    expect(await adamwUpdate(state, g, s, tf.scalar(0.5)).m.data()).not.toEqual(await scaled.m.data());
  });
});

describe('AdamW.apply on webgpu', () => {
  // Three decay groups and layer-wise lr scales; 'b' has no scale entry (scale 1). 'e' runs the vec4
  // pipeline, 'w' and 'b' the scalar one.
  const shapes: Record<string, number[]> = { w: [3, 43], b: [7], e: [2, 66] };
  const decay = new Map([['w', 0.1], ['b', 0], ['e', 0.01]]);
  const lrScale = new Map([['w', 0.5], ['e', 0.25]]);
  const lrs = [1e-3, 2e-2, 0, 5e-3];

  function setup() {
    const random = rng(11);
    const params = new Map(Object.entries(shapes).map(([name, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return [name, tf.variable(tf.tensor(normal(n, 1, random), shape))] as const;
    }));
    const grads = (k: number) =>
      new Map(Object.entries(shapes).map(([name, shape]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return [name, tf.tensor(gradient(n, 0.1 * k, random), shape)] as const;
      }));
    return { params, grads, opt: new AdamW(params, decay) };
  }

  test('equals the reference per step with lr scales, decay groups and an lr-0 step', async () => {
    const { params, grads, opt } = setup();
    for (let k = 1; k <= lrs.length; k++) {
      const g = grads(k);
      // The reference step from the optimizer's current state (zeros before the first step).
      const before = new Map<string, Arrays>();
      const expected = new Map<string, Values>();
      for (const [name, p] of params) {
        const slot = opt.state().get(name);
        const state: AdamWTensors = { p, m: slot?.m ?? tf.zerosLike(p), v: slot?.v ?? tf.zerosLike(p) };
        const s = adamwScalars(TORCH_ADAMW, k, lrs[k - 1] * (lrScale.get(name) ?? 1), decay.get(name)!);
        const ref = adamwUpdateReference(state, g.get(name)!, s);
        before.set(name, { ...(await read(state)), g: (await g.get(name)!.data()) as Float32Array });
        expected.set(name, await read(ref));
        tf.dispose([ref.p, ref.m, ref.v, ...(slot ? [] : [state.m, state.v])]);
      }
      opt.apply(g, lrs[k - 1], lrScale);
      expect(opt.step).toBe(k);
      for (const [name, p] of params) {
        const slot = opt.state().get(name)!;
        const s = adamwScalars(TORCH_ADAMW, k, lrs[k - 1] * (lrScale.get(name) ?? 1), decay.get(name)!);
        compareStep(before.get(name)!, s, await read({ p, m: slot.m, v: slot.v }), expected.get(name)!, `${name} step ${k}`);
        if (lrs[k - 1] === 0) expect(await p.data()).toEqual(before.get(name)!.p);
      }
      tf.dispose([...g.values()]);
    }
    opt.dispose();
    params.forEach((p) => p.dispose());
  });
});

test('rejects mismatched shapes and non-float tensors', () => {
  const t: AdamWTensors = { p: tf.zeros([2, 3]), m: tf.zeros([2, 3]), v: tf.zeros([2, 3]) };
  const s = adamwScalars(TORCH_ADAMW, 1, 1e-3, 0);
  const flat = tf.zeros([6]);
  const int = tf.zeros([2, 3], 'int32');
  expect(() => adamwUpdate(t, flat, s)).toThrow(/shape/);
  expect(() => adamwUpdate({ ...t, m: flat }, t.p, s)).toThrow(/shape/);
  expect(() => adamwUpdate(t, int, s)).toThrow(/float32/);
  expect(() => adamwScalars(TORCH_ADAMW, 0, 1e-3, 0)).toThrow(/step/);
  tf.dispose([t.p, t.m, t.v, flat, int]);
});

function adamwPipelines(): string[] {
  const cache = (backend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache;
  return Object.keys(cache).filter((key) => key.startsWith('adamw'));
}

test('three compiled pipelines (vec4, scalar, and scalar for one-element tensors) across every shape, step, lr, decay and part above', () => {
  // tfjs keys a pipeline by whether each input's shape equals the output's: the one-float gradient scale does
  // only for a one-element parameter (shape [1] above), which gets its own scalar pipeline.
  const pipelines = adamwPipelines();
  expect(pipelines).toHaveLength(3);
  expect(pipelines.filter((key) => key.startsWith('adamw_vec4_'))).toHaveLength(1);
});

test('past 65535 workgroups (tfjs folds the dispatch into 2-D) still matches the reference', async () => {
  // 65535 * 128 + 5 elements, not a multiple of 4 (scalar pipeline): `index` comes from workgroup_id.
  // Full-size reference ops are slow on SwiftShader, so the reference runs on windows of the inputs:
  // the start, the middle and the very end (the tail of the last workgroup).
  const n = 65535 * 128 + 5;
  const s = adamwScalars(TORCH_ADAMW, 2, 0.05, 0.01);
  const [p, m, v, g] = indexedState(n);
  const state: AdamWTensors = { p, m, v };
  const run = vi.spyOn(backend, 'runWebGPUProgram');
  const fused = adamwUpdate(state, g, s);
  expect(run.mock.calls[0]![0].dispatch[1]).toBeGreaterThan(1);
  run.mockRestore();
  for (const [begin, size] of [[0, 300], [n >> 1, 300], [n - 300, 300]]) {
    const cut = <T extends tf.Tensor>(t: T) => tf.slice(t, [begin], [size]) as T;
    const window: AdamWTensors = { p: cut(p), m: cut(m), v: cut(v) };
    const gWindow = cut(g);
    const ref = adamwUpdateReference(window, gWindow, s);
    const out: AdamWTensors = { p: cut(fused.p), m: cut(fused.m), v: cut(fused.v) };
    const x = { ...(await read(window)), g: (await gWindow.data()) as Float32Array };
    compareStep(x, s, await read(out), await read(ref), `elements ${begin}…${begin + size}`);
    tf.dispose([...Object.values(window), gWindow, ...Object.values(ref), ...Object.values(out)]);
  }
  tf.dispose([p, m, v, g, fused.p, fused.m, fused.v]);
  // The folded grid computes `index` differently (no 'flatDispatch' in tfjs's key): one more pipeline,
  // shared by every such tensor. (vec4 tensors fold only past 4 × 8.4M elements, too big to test here.)
  const pipelines = adamwPipelines();
  expect(pipelines).toHaveLength(4);
  expect(pipelines.filter((key) => !key.includes('flatDispatch'))).toHaveLength(1);
});

test('other backends run the reference and agree with webgpu', async () => {
  const random = rng(3);
  const values = { p: normal(200, 1, random), m: normal(200, 0.01, random), v: normal(200, 0.01, random).map(Math.abs), g: gradient(200, 0.1, random) };
  const s = adamwScalars(TORCH_ADAMW, 4, 1e-2, 0.01);
  const step = async () => {
    const t: AdamWTensors = { p: tf.tensor(values.p), m: tf.tensor(values.m), v: tf.tensor(values.v) };
    const g = tf.tensor(values.g);
    const out = adamwUpdate(t, g, s);
    const result = await read(out);
    tf.dispose([t.p, t.m, t.v, g, out.p, out.m, out.v]);
    return result;
  };
  const onGpu = await step();
  try {
    await tf.setBackend('cpu');
    const run = vi.spyOn(backend, 'runWebGPUProgram');
    const onCpu = await step();
    expect(run).not.toHaveBeenCalled();
    compareStep(values, s, onGpu, onCpu, 'webgpu vs cpu');
  } finally {
    await webgpu();
  }
  expect(tf.getBackend()).toBe('webgpu');
});

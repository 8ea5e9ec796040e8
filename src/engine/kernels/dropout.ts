import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DropoutProgram } from './dropout.program.ts';
import { elementHash, keepThreshold, seedKey, toU32Seed } from './hash.ts';

export { nextDropoutSeed } from './hash.ts';

// A kernel of our own (rather than calling runWebGPUProgram from the op) so the engine does the
// bookkeeping: output tensor creation, tidy tracking, profiling. Registered for 'webgpu' only and
// under a name no other backend uses, so cpu/webgl are untouched.
const KERNEL_NAME = 'StudioDropout';

interface DropoutAttrs {
  seed: number; // u32
  rate: number; // 0 < rate < 1
}

/** Attributes travel as a NamedAttrMap (an index signature), so narrow them back here. */
function readAttrs(attrs: tf.NamedAttrMap): DropoutAttrs {
  return { seed: attrs.seed as number, rate: attrs.rate as number };
}

function dropoutWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = args.inputs.x!;
  const backend = args.backend as WebGPUBackend;
  const { seed, rate } = readAttrs(args.attrs ?? {});
  const size = tf.util.sizeFromShape(x.shape);
  // A rank-1 view of the same buffer: one pipeline for every shape (see DropoutProgram).
  const flatX: tf.TensorInfo = { dataId: x.dataId, shape: [size], dtype: x.dtype };
  const out = backend.runWebGPUProgram(new DropoutProgram(size), [flatX], 'float32', [
    { type: 'uint32', data: [seedKey(seed)] },
    { type: 'uint32', data: [keepThreshold(rate)] },
    { type: 'float32', data: [dropoutScale(rate)] },
  ]);
  // The output buffer is dense row-major, so giving it x's shape is free (this is all reshape does).
  return { dataId: out.dataId, shape: x.shape, dtype: out.dtype };
}

function ensureKernelRegistered(): void {
  if (tf.getKernel(KERNEL_NAME, 'webgpu') == null) {
    tf.registerKernel({ kernelName: KERNEL_NAME, backendName: 'webgpu', kernelFunc: dropoutWebGPU as tf.KernelFunc });
  }
}

/** 1/(1-rate) rounded to f32 once, so GPU and reference multiply by the very same number. */
function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}

function checkArgs(x: tf.Tensor, rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  if (x.dtype !== 'float32') throw new Error(`dropout expects a float32 tensor, got ${x.dtype}`);
}

/**
 * Inverted dropout: y = x * keep / (1 - rate), keep = (hash(seed, i) / 2^32 >= rate) for flat index i.
 * x: any shape, float32. The mask is a pure function of (seed, i), so calling this again with the same
 * seed — as the gradient does — reproduces it without storing anything; use nextDropoutSeed() for a
 * fresh seed per layer and step. rate 0 returns x itself (no copy, no dispatch), as in eval mode.
 * On webgpu: one dispatch forward, one backward. Other backends: dropoutReference (same mask).
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  checkArgs(x, rate);
  if (rate === 0) return x;
  const u32Seed = toU32Seed(seed);
  if (tf.getBackend() !== 'webgpu') return dropoutReference(x, rate, u32Seed);
  ensureKernelRegistered();
  const attrs: DropoutAttrs = { seed: u32Seed, rate };
  const run = (t: tf.Tensor): tf.Tensor => tf.engine().runKernel(KERNEL_NAME, { x: t }, { ...attrs }) as tf.Tensor;
  // dL/dx = dL/dy * keep / (1 - rate): the same program applied to dy with the same seed.
  const withGrad = tf.customGrad((input) => ({
    value: run(input as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => run(dy),
  }));
  return withGrad(x) as T;
}

/**
 * The same op in plain TF.js ops, for tests and for non-webgpu backends. The mask is hashed on the
 * CPU and uploaded: a bit-exact port in tensor ops is impossible because TF.js on webgpu evaluates
 * int32 arithmetic in f32 (no wrapping multiply) and has no shifts or xor.
 * x: any shape, float32. Its gradient (through tf.mul) is dy * mask, i.e. equal to dropout's.
 */
export function dropoutReference<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  checkArgs(x, rate);
  if (rate === 0) return x;
  const key = seedKey(seed);
  const threshold = keepThreshold(rate);
  const scale = dropoutScale(rate);
  const keepScale = new Float32Array(x.size);
  for (let i = 0; i < keepScale.length; i++) keepScale[i] = elementHash(key, i) >= threshold ? scale : 0;
  return tf.tidy(() => tf.mul(x, tf.tensor(keepScale, x.shape, 'float32'))) as T;
}

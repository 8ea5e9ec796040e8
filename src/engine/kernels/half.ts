/**
 * f16 storage for mixed precision. TF.js has no float16 dtype and cannot emit native f16 WGSL (it never
 * requests shader-f16 and we cannot inject `enable f16;`), so an f16 "storage tensor" is an int32 TF.js
 * tensor of ⌈n/2⌉ words, each holding two binary16 values (element 2k in the low half, 2k+1 in the high
 * half): half the bytes of the float32 tensor it came from. It is only ever packed, kept (saved for the
 * backward pass) and unpacked back to float32; no other op reads it. Arithmetic stays float32.
 *
 * On webgpu each op is one barrier-free program (half.program.ts, conversion by integer bit arithmetic so
 * every adapter rounds alike). Elsewhere, and as the reference the tests compare against, the same
 * conversion runs on the CPU (roundHalfArray: round to nearest even, overflow to ±inf, subnormals kept,
 * the semantics of Math.f16round / Float16Array).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { packHalfSpec, roundHalfSpec, unpackHalfSpec } from './half.program.ts';
import { FlatProgram, flat, ints, registerWebGpuKernel, run, runKernel } from './program.ts';

const PACK = 'StudioHalfPack';
const UNPACK = 'StudioHalfUnpack';
const ROUND = 'StudioHalfRound';

// ─── CPU reference ──────────────────────────────────────────────────────────────────────────────────
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** binary16 bits of the f16 nearest to Math.fround(v) (ties to even; ±inf past 65519.99…; NaN → 0x7e00). */
export function halfBits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const ax = x & 0x7fffffff;
  if (ax > 0x7f800000) return sign | 0x7e00;
  if (ax >= 0x477ff000) return sign | 0x7c00;
  if (ax >= 0x38800000) {
    const m = ax - 0x38000000;
    return sign | ((m + 0xfff + ((m >>> 13) & 1)) >>> 13);
  }
  if (ax < 0x33000000) return sign;
  const shift = 126 - (ax >>> 23);
  const mant = (ax & 0x7fffff) | 0x800000;
  const q = mant >>> shift;
  const rest = mant & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return sign | (rest > halfway || (rest === halfway && (q & 1) === 1) ? q + 1 : q);
}

/** The value of binary16 bits `h` (exact in float32). */
export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every value rounded to the nearest f16, as float32. */
export function roundHalfArray(xs: ArrayLike<number>): Float32Array {
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = halfValue(halfBits(xs[i]));
  return out;
}

/** The packed words of `xs`, as the GPU writes them (int32 view of the 32-bit words). */
export function packHalfArray(xs: ArrayLike<number>): Int32Array {
  const out = new Int32Array(Math.ceil(xs.length / 2));
  for (let k = 0; k < out.length; k++) {
    const hi = 2 * k + 1 < xs.length ? halfBits(xs[2 * k + 1]) : 0;
    out[k] = halfBits(xs[2 * k]) | (hi << 16);
  }
  return out;
}

export function unpackHalfArray(words: ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = halfValue((words[i >> 1] >>> (i & 1 ? 16 : 0)) & 0xffff);
  return out;
}

// ─── ops ────────────────────────────────────────────────────────────────────────────────────────────
function packKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const x = inputs.x!;
  const size = tf.util.sizeFromShape(x.shape);
  const words = Math.ceil(size / 2);
  const out = backend.runWebGPUProgram(new FlatProgram(packHalfSpec(words)), [flat(x)], 'int32', ints(size, words));
  return { dataId: out.dataId, shape: [words], dtype: 'int32' as const };
}

function unpackKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const shape = attrs.shape as number[];
  const size = tf.util.sizeFromShape(shape);
  return run(backend, unpackHalfSpec(size), [inputs.p!], ints(size), shape);
}

function roundKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const x = inputs.x!;
  const size = tf.util.sizeFromShape(x.shape);
  return run(backend, roundHalfSpec(size), [x], ints(size), x.shape);
}

const onGpu = () => tf.getBackend() === 'webgpu';

/** float32 x (any shape) → its f16 storage tensor: int32 [⌈x.size/2⌉]. No gradient (a saved copy). */
export function packHalf(x: tf.Tensor): tf.Tensor1D {
  if (!onGpu()) return tf.tensor1d(packHalfArray(x.dataSync()), 'int32');
  registerWebGpuKernel(PACK, packKernel);
  return runKernel(PACK, { x })[0] as tf.Tensor1D;
}

/** An f16 storage tensor back to float32 of `shape` (every value exactly an f16 value). */
export function unpackHalf(packed: tf.Tensor, shape: number[]): tf.Tensor {
  if (packed.dtype !== 'int32' || packed.size !== Math.ceil(tf.util.sizeFromShape(shape) / 2)) {
    throw new Error(`unpackHalf: ${packed.dtype}[${packed.size}] is not the f16 storage of [${shape}]`);
  }
  if (!onGpu()) return tf.tensor(unpackHalfArray(packed.dataSync(), tf.util.sizeFromShape(shape)), shape, 'float32');
  registerWebGpuKernel(UNPACK, unpackKernel);
  return runKernel(UNPACK, { p: packed }, { shape })[0];
}

/** float32 x rounded to the nearest f16 value, still float32 (an f16 matmul input, one dispatch). No gradient. */
export function roundHalf(x: tf.Tensor): tf.Tensor {
  if (!onGpu()) return tf.tensor(roundHalfArray(x.dataSync()), x.shape, 'float32');
  registerWebGpuKernel(ROUND, roundKernel);
  return runKernel(ROUND, { x })[0];
}

/**
 * The f16 storage of x, packed once per buffer: Q, K and V read the same input, and three packed copies
 * would cost 1.5× the float32 bytes instead of 0.5×. Keyed by the buffer, so a reshaped view shares it.
 */
const packedByBuffer = new WeakMap<object, tf.Tensor1D>();

export function packHalfShared(x: tf.Tensor): tf.Tensor1D {
  const hit = packedByBuffer.get(x.dataId);
  if (hit && !hit.isDisposed) return hit;
  const packed = packHalf(x);
  packedByBuffer.set(x.dataId, packed);
  return packed;
}

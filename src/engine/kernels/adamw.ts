import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ADAMW_IN_PLACE_WORKGROUP, ADAMW_PART, AdamWProgram, adamwInPlaceWgsl, type AdamWPart } from './adamw.program.ts';
import { dispatchDirect, writableInPlace } from './direct.ts';
import { useFused } from './select.ts';

// Our own kernel (rather than calling runWebGPUProgram from the op) so the engine creates and tracks
// the three output tensors. Registered for 'webgpu' only, under a name no other backend uses.
const KERNEL_NAME = 'StudioAdamW';

/** β1, β2, ε of torch.optim.AdamW (the same fields as train/adamw.ts's AdamWConfig). */
export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * Every scalar of one AdamW step for one parameter, in float64. They reach the GPU rounded once to f32
 * (as uniforms, or as tf.scalar in the reference), so both paths multiply by the very same numbers.
 */
export interface AdamWScalars {
  /** 1 − lr·wd: decoupled weight decay; exactly 1 when wd or lr is 0. */
  decay: number;
  /** lr / (1 − β1^k). */
  stepSize: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  eps: number;
  /** 1 / sqrt(1 − β2^k). */
  invSqrtBc2: number;
}

/** A parameter and its two moments: inputs of one update, or its results. */
export interface AdamWTensors<T extends tf.Tensor = tf.Tensor> {
  p: T;
  m: T;
  v: T;
}

/** The scalars of step `step` (1-based, torch's `state['step']`) with learning rate `lr` and decay `weightDecay`. */
export function adamwScalars(hyper: AdamWHyper, step: number, lr: number, weightDecay: number): AdamWScalars {
  if (!(Number.isInteger(step) && step >= 1)) throw new Error(`AdamW step must be an integer ≥ 1, got ${step}`);
  const { beta1, beta2, eps } = hyper;
  return {
    decay: 1 - lr * weightDecay,
    stepSize: lr / (1 - beta1 ** step),
    beta1,
    oneMinusBeta1: 1 - beta1,
    beta2,
    oneMinusBeta2: 1 - beta2,
    eps,
    invSqrtBc2: 1 / Math.sqrt(1 - beta2 ** step),
  };
}

const SCALAR_NAMES = ['decay', 'stepSize', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'eps', 'invSqrtBc2'] as const;

/** Attributes travel as a NamedAttrMap (an index signature), so narrow them back here. */
function readScalars(attrs: tf.NamedAttrMap): AdamWScalars {
  return Object.fromEntries(SCALAR_NAMES.map((k) => [k, attrs[k] as number])) as unknown as AdamWScalars;
}

/** In the order of AdamWProgram.uniforms. */
function programUniforms(part: AdamWPart, s: AdamWScalars): { type: string; data: number[] }[] {
  return [{ type: 'int32', data: [part] }, ...SCALAR_NAMES.map((k) => ({ type: 'float32', data: [s[k]] }))];
}

function adamwWebGPU(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { p, g, m, v, scale } = args.inputs as Record<'p' | 'g' | 'm' | 'v' | 'scale', tf.TensorInfo>;
  const backend = args.backend as WebGPUBackend;
  const scalars = readScalars(args.attrs ?? {});
  const size = tf.util.sizeFromShape(p.shape);
  // Rank-1 views of the same buffers: no pipeline depends on the shape (see AdamWProgram).
  const inputs = [p, g, m, v].map((t): tf.TensorInfo => ({ dataId: t.dataId, shape: [size], dtype: t.dtype }));
  inputs.push({ dataId: scale.dataId, shape: [1], dtype: 'float32' });
  // All three dispatches read the old p, m, v: the caller only swaps them in after this returns.
  const run = (part: AdamWPart): tf.TensorInfo => {
    const out = backend.runWebGPUProgram(new AdamWProgram(size), inputs, 'float32', programUniforms(part, scalars));
    // Dense row-major, so giving the buffer p's shape is free (this is all reshape does).
    return { dataId: out.dataId, shape: p.shape, dtype: out.dtype };
  };
  return [run(ADAMW_PART.param), run(ADAMW_PART.expAvg), run(ADAMW_PART.expAvgSq)];
}

function ensureKernelRegistered(): void {
  if (tf.getKernel(KERNEL_NAME, 'webgpu') == null) {
    tf.registerKernel({ kernelName: KERNEL_NAME, backendName: 'webgpu', kernelFunc: adamwWebGPU as tf.KernelFunc });
  }
}

function checkArgs(t: AdamWTensors, g: tf.Tensor): void {
  for (const [name, x] of Object.entries({ ...t, g })) {
    if (x.dtype !== 'float32') throw new Error(`AdamW expects float32 tensors, got ${name}: ${x.dtype}`);
    if (!tf.util.arraysEqual(x.shape, t.p.shape)) {
      throw new Error(`AdamW: ${name} has shape [${x.shape}], the parameter [${t.p.shape}]`);
    }
  }
}

/**
 * One torch.optim.AdamW step (amsgrad off) of parameter p with gradient g·gradScale (clip_grad_norm_'s factor;
 * 1 when absent) and moments m, v; all the
 * same shape (any), float32. Returns new tensors p', m', v' and leaves the inputs untouched: the caller
 * assigns them to its variables (Variable.assign only swaps the buffer, no copy).
 * On webgpu: 3 dispatches of AdamWProgram (one per output) and no tensor uploads; the plain-op
 * reference takes 11 programs (12 with weight decay). Other backends and kernel mode 'tfjs' (the plain TF.js
 * ops): adamwUpdateReference. The optimizer uses adamwStepInPlace first (1 dispatch, no new buffer).
 */
export function adamwUpdate<T extends tf.Tensor>(t: AdamWTensors<T>, g: T, s: AdamWScalars, gradScale?: tf.Scalar): AdamWTensors<T> {
  checkArgs(t, g);
  if (!useFused()) return adamwUpdateReference(t, g, s, gradScale);
  ensureKernelRegistered();
  const scale = gradScale ?? one();
  const [p, m, v] = tf.engine().runKernel(KERNEL_NAME, { p: t.p, g, m: t.m, v: t.v, scale }, { ...s }) as T[];
  return { p, m, v };
}

/**
 * The same step written into p, m and v themselves: one dispatch, no new buffer (see direct.ts). Returns
 * false, and changes nothing, where that is not possible: not on webgpu (or kernel mode 'tfjs'), or p, m or v shares its buffer
 * with another tensor (a clone would change too); the caller then uses adamwUpdate.
 */
export function adamwStepInPlace(t: AdamWTensors, g: tf.Tensor, s: AdamWScalars, gradScale?: tf.Scalar): boolean {
  checkArgs(t, g);
  if (!useFused() || ![t.p, t.m, t.v].every(writableInPlace)) return false;
  const vec4 = t.p.size % 4 === 0;
  const elements = vec4 ? t.p.size / 4 : t.p.size;
  dispatchDirect({
    key: vec4 ? 'studio_adamw_in_place_vec4' : 'studio_adamw_in_place',
    wgsl: () => adamwInPlaceWgsl(vec4),
    bindings: [
      { tensor: t.p, write: true },
      { tensor: t.m, write: true },
      { tensor: t.v, write: true },
      { tensor: g, write: false },
      { tensor: gradScale ?? one(), write: false },
    ],
    uniforms: [{ type: 'uint32', data: [elements] }, ...SCALAR_NAMES.map((k) => ({ type: 'float32' as const, data: [s[k]] }))],
    workgroups: Math.ceil(elements / ADAMW_IN_PLACE_WORKGROUP),
  });
  return true;
}

let ones: { backend: tf.KernelBackend; t: tf.Scalar } | null = null;

/** A kept scalar 1 for updates without a gradient scale (one upload per backend: a new device after a loss gets its own). */
function one(): tf.Scalar {
  if (!ones || ones.t.isDisposed || ones.backend !== tf.backend()) ones = { backend: tf.backend(), t: tf.keep(tf.scalar(1)) };
  return ones.t;
}

/**
 * The same update in plain TF.js ops, in the same order as AdamWProgram, for tests and for non-webgpu
 * backends. It reproduces torch's formula with the reciprocal of sqrt(1 − β2^k) precomputed:
 * m' = β1·m + (1−β1)·g; v' = β2·v + (1−β2)·g²; p' = p·decay − stepSize · m' / (sqrt(v')·invSqrtBc2 + ε).
 */
export function adamwUpdateReference<T extends tf.Tensor>(t: AdamWTensors<T>, gIn: T, s: AdamWScalars, gradScale?: tf.Scalar): AdamWTensors<T> {
  checkArgs(t, gIn);
  const [p, m, v] = tf.tidy(() => {
    const g = gradScale ? tf.mul(gIn, gradScale) : gIn;
    const m = tf.add(tf.mul(t.m, s.beta1), tf.mul(g, s.oneMinusBeta1));
    const v = tf.add(tf.mul(t.v, s.beta2), tf.mul(tf.square(g), s.oneMinusBeta2));
    const denom = tf.add(tf.mul(tf.sqrt(v), s.invSqrtBc2), s.eps);
    const decayed = s.decay !== 1 ? tf.mul(t.p, s.decay) : t.p;
    return [tf.sub(decayed, tf.mul(s.stepSize, tf.div(m, denom))), m, v];
  }) as T[];
  return { p, m, v };
}

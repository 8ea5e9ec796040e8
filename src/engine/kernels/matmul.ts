/**
 * Our register-tiled matmul (matmul.program.ts) as a dispatch helper, a registered kernel, and ops:
 *   matmulForward(a, b, opts)  the product as selected for its shape (ours or TF.js's), no gradient of its own
 *   matmul(a, b, opts)         the same, differentiable (matmulGrad.ts: backward through our kernel as well)
 * Shapes (per batch; a leading batch axis on either operand, a rank-2 operand is shared over the batch):
 *   default      a [M, K], b [K, N]
 *   transposeB   a [M, K], b [N, K]          (x·Wᵀ, Q·Kᵀ)
 *   transposeA   a [K, M], b [K, N]          (dyᵀ·x)
 *   result [batch, M, N] (rank 2 when both are); bias [N]; residual shaped like the result.
 *   y = gelu?(alpha·a·b + bias) + residual
 * The variant comes from select.ts: matmulVariant('matmul.AB' | 'matmul.ABt' | 'matmul.AtB', `${batch}x${M}x${K}x${N}`).
 * matmulReference is the same maths in plain TF.js ops (what 'tfjs' runs, and what the tests compare to).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { matmulComponents, matmulSpec, type MatmulFlags, type MatmulForm } from './matmul.program.ts';
import { FlatProgram, flat, floats, ints, registerWebGpuKernel, runKernel, useFused } from './program.ts';
import { geluReference } from './gelu.ts';
import { matmulVariant } from './select.ts';

export type { MatmulForm } from './matmul.program.ts';

/** Where an operand's elements are: off + outer·(b / batchInner) + inner·(b % batchInner) + row·ld + col. */
export interface Strides {
  off: number;
  outer: number;
  inner: number;
  ld: number;
}

/** A dense operand with row stride `ld`, `batchStride` apart per batch (0: shared), starting at `off`. */
export const dense = (ld: number, batchStride = 0, off = 0): Strides => ({ off, outer: batchStride, inner: 0, ld });

export interface MatmulCall {
  form: MatmulForm;
  M: number;
  K: number;
  N: number;
  batch: number;
  /** Batches per outer step (heads); 1 for a plain batch. */
  batchInner: number;
  a: Strides;
  b: Strides;
  c: Strides;
  alpha: number;
  gelu: boolean;
  /** Accumulate every batch into one [M, N] output (the gradient of an operand shared over the batch). */
  sumBatch: boolean;
}

export interface MatmulInputs {
  a: tf.TensorInfo;
  /** One tensor, or three picked by batch index (batch must then be 3). */
  b: tf.TensorInfo[];
  bias?: tf.TensorInfo[];
  residual?: tf.TensorInfo;
}

/**
 * Register tile per invocation. 8×8 measured fastest on SwiftShader (src/bench/matmulBench.ts: 1.5× 4×4; 8×16,
 * 16×8, 16×16, 12×8 and 4×16 slower from register spills), where every load is a 4-lane gather and more
 * outputs per load is what counts.
 */
const tile = { tileM: 8, tileN: 8, workgroupSize: 64 };

export function setMatmulTile(t: Partial<typeof tile>): void {
  Object.assign(tile, t);
}

export function matmulTile(): Readonly<typeof tile> {
  return { ...tile };
}

/** vec4 binding needs the contiguous extent, the row stride, the offset and both batch strides in whole vec4s. */
const aligned = (s: Strides, extent: number) => [extent, s.ld, s.off, s.outer, s.inner].every((v) => v % 4 === 0);

/**
 * One dispatch of our program. `out` is a shape (a new buffer) or an existing tensor whose region `call.c`
 * addresses is overwritten (the rest is left as it is).
 */
export function dispatchMatmul(backend: WebGPUBackend, call: MatmulCall, inputs: MatmulInputs, out: number[] | tf.TensorInfo): tf.TensorInfo {
  const { form, M, K, N } = call;
  const f: MatmulFlags = {
    form,
    tileM: tile.tileM,
    tileN: tile.tileN,
    vecA: aligned(call.a, form === 'AtB' ? M : K) && (form !== 'AtB' || tile.tileM % 4 === 0),
    vecB: aligned(call.b, form === 'ABt' ? K : N),
    vecC: aligned(call.c, N),
    bias: !!inputs.bias,
    gelu: call.gelu,
    residual: !!inputs.residual,
    sources: inputs.b.length as 1 | 3,
    sumBatch: call.sumBatch,
    workgroupSize: tile.workgroupSize,
  };
  const threads = (call.sumBatch ? 1 : call.batch) * Math.ceil(M / tile.tileM) * Math.ceil(N / tile.tileN);
  const shape = Array.isArray(out) ? out : out.shape;
  const size = tf.util.sizeFromShape(shape);
  const program = Object.assign(new FlatProgram(matmulSpec(f, threads, size)), matmulComponents(f));
  const { a, b, c } = call;
  const uniforms = [
    ...ints(M, K, N, call.batch, call.batchInner, a.off, a.outer, a.inner, a.ld, b.off, b.outer, b.inner, b.ld),
    ...ints(c.off, c.outer, c.inner, c.ld),
    ...floats(call.alpha),
  ];
  const list = [inputs.a, ...inputs.b, ...(inputs.bias ?? []), ...(inputs.residual ? [inputs.residual] : [])].map(flat);
  const result = backend.runWebGPUProgram(program, list, 'float32', uniforms, Array.isArray(out) ? undefined : flat(out));
  return { dataId: result.dataId, shape, dtype: 'float32' };
}

const KERNEL = 'StudioMatmul';

function matmulKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const call = JSON.parse(attrs.call as string) as MatmulCall;
  const { a, b, bias, residual } = inputs as Record<string, tf.TensorInfo | undefined>;
  return dispatchMatmul(backend, call, { a: a!, b: [b!], bias: bias ? [bias] : undefined, residual }, attrs.shape as number[]);
}

/** Runs one call through the engine (tracked, tidied); `shape` is the result's. */
export function runMatmul(call: MatmulCall, a: tf.Tensor, b: tf.Tensor, shape: number[], extra: { bias?: tf.Tensor; residual?: tf.Tensor } = {}): tf.Tensor {
  registerWebGpuKernel(KERNEL, matmulKernel);
  const inputs: Record<string, tf.Tensor> = { a, b };
  if (extra.bias) inputs.bias = extra.bias;
  if (extra.residual) inputs.residual = extra.residual;
  return runKernel(KERNEL, inputs, { call: JSON.stringify(call), shape })[0];
}

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: tf.Tensor;
  activation?: 'gelu';
  residual?: tf.Tensor;
  /** Scales a·b before the bias (attention's 1/√D). */
  alpha?: number;
}

export interface Geometry {
  form: MatmulForm | null;
  batch: number;
  M: number;
  K: number;
  N: number;
  aBatched: boolean;
  bBatched: boolean;
  shape: number[];
}

export function geometry(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions): Geometry {
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) throw new Error(`matmul: ranks ${a.rank} and ${b.rank} (2 or 3 expected)`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [M, K] = o.transposeA ? [ac, ar] : [ar, ac];
  const [Kb, N] = o.transposeB ? [bc, br] : [br, bc];
  const aBatched = a.rank === 3;
  const bBatched = b.rank === 3;
  const batch = aBatched ? a.shape[0] : bBatched ? b.shape[0] : 1;
  if (K !== Kb || (aBatched && bBatched && a.shape[0] !== b.shape[0])) {
    throw new Error(`matmul: shapes ${a.shape} and ${b.shape} do not match (transposeA ${!!o.transposeA}, transposeB ${!!o.transposeB})`);
  }
  const form = o.transposeA && o.transposeB ? null : o.transposeA ? 'AtB' : o.transposeB ? 'ABt' : 'AB';
  return { form, batch, M, K, N, aBatched, bBatched, shape: aBatched || bBatched ? [batch, M, N] : [M, N] };
}

export const matmulKey = (g: { batch: number; M: number; K: number; N: number }) => `${g.batch}x${g.M}x${g.K}x${g.N}`;

/** Our call for a geometry: dense operands in the stored orientation the form names. */
export function callOf(g: Geometry, form: MatmulForm, o: MatmulOptions): MatmulCall {
  const { M, K, N } = g;
  const aLd = form === 'AtB' ? M : K;
  const bLd = form === 'ABt' ? K : N;
  return {
    form,
    M,
    K,
    N,
    batch: g.batch,
    batchInner: 1,
    a: dense(aLd, g.aBatched ? M * K : 0),
    b: dense(bLd, g.bBatched ? K * N : 0),
    c: dense(N, M * N),
    alpha: o.alpha ?? 1,
    gelu: o.activation === 'gelu',
    sumBatch: false,
  };
}

/** The product in plain TF.js ops (a rank-2 operand is tiled, not broadcast: TF.js's broadcast matmul gradient is wrong). */
export function matmulReference(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): tf.Tensor {
  const g = geometry(a, b, o);
  const lift = (t: tf.Tensor) => (t.rank === 2 && g.shape.length === 3 ? tf.tile(tf.expandDims(t, 0), [g.batch, 1, 1]) : t);
  let y: tf.Tensor = tf.matMul(lift(a), lift(b), o.transposeA, o.transposeB);
  if (o.alpha !== undefined && o.alpha !== 1) y = tf.mul(y, o.alpha);
  if (o.bias) y = tf.add(y, o.bias);
  if (o.activation === 'gelu') y = geluReference(y);
  if (o.residual) y = tf.add(y, o.residual);
  return y;
}

/** Whether `matmulForward` would run our kernel for these operands. */
export function usesOurMatmul(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): boolean {
  const g = geometry(a, b, o);
  return useFused() && g.form !== null && matmulVariant(`matmul.${g.form}`, matmulKey(g)) === 'ours';
}

/** Our kernel whatever the selector says (bench, autotuner); not both transposes. No gradient. */
export function matmulOurs(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): tf.Tensor {
  const g = geometry(a, b, o);
  if (!g.form) throw new Error('matmul: transposeA and transposeB together are not one of our forms');
  return runMatmul(callOf(g, g.form, o), a, b, g.shape, { bias: o.bias, residual: o.residual });
}

/** TF.js's kernel for the product: one fused matmul + bias dispatch where it can (what linear.ts ran before ours). */
function matmulTfjs(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions): tf.Tensor {
  if (a.rank !== b.rank || o.activation || o.residual || (o.alpha ?? 1) !== 1) return matmulReference(a, b, o);
  return tf.fused.matMul({ a, b, transposeA: o.transposeA, transposeB: o.transposeB, bias: o.bias });
}

/** The product as selected for its shape; no gradient of its own (callers wrap it, e.g. linear.ts). */
export function matmulForward(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): tf.Tensor {
  return usesOurMatmul(a, b, o) ? matmulOurs(a, b, o) : matmulTfjs(a, b, o);
}

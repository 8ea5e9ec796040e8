/**
 * Σ over many tensors of Σ x² (the squared global norm clip_grad_norm_ needs), barrier-free:
 * each tensor is folded to ⌈n/CHUNK⌉ partial sums (invocation t adds elements t, t+P, t+2P, …, so
 * neighbouring invocations read neighbouring addresses), the partials are concatenated and folded again
 * until one value is left. Replaces one Square and one shared-memory Sum per parameter (see program.ts).
 * Variants (select.ts, op 'sumSquares', key sumSquaresKey = total element count, one choice for every
 * fold of a call): 'flat', an invocation per partial of CHUNK elements, and 'workgroup', a workgroup of
 * FOLD_LANES per partial of WG_CHUNK elements, folded in workgroup memory. Both deterministic.
 * Other backends (and the bench's plain mode): tf.sum(tf.square(x)) per tensor, added pairwise.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, ints, registerWebGpuKernel, run, runKernel } from './program.ts';
import { reductionVariant } from './select.ts';
import { FOLD_LANES, foldSpec, foldWgSpec } from './sumSquares.program.ts';

const KERNEL = 'StudioFoldSum';
/** Elements per partial sum: flat (one invocation each) and workgroup (16 per lane). */
const CHUNK = 256;
const WG_CHUNK = FOLD_LANES * 16;

export const sumSquaresKey = (totalElements: number) => String(totalElements);

function foldKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const x = inputs.x!;
  const total = tf.util.sizeFromShape(x.shape);
  const flat = attrs.variant === 'flat';
  const parts = Math.ceil(total / (flat ? CHUNK : WG_CHUNK));
  return run(backend, (flat ? foldSpec : foldWgSpec)(parts), [x], ints(total, parts, attrs.square ? 1 : 0), [parts]);
}

function fold(x: tf.Tensor, square: boolean, variant: string): tf.Tensor1D {
  return runKernel(KERNEL, { x }, { square, variant })[0] as tf.Tensor1D;
}

/** Σ_i Σ xs[i]² as a float32 scalar. */
export function sumOfSquares(xs: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (xs.length === 0) return tf.scalar(0);
    if (!useFused()) return sumPairwise(xs.map((x) => tf.sum(tf.square(x)))) as tf.Scalar;
    registerWebGpuKernel(KERNEL, foldKernel);
    const variant = reductionVariant('sumSquares', sumSquaresKey(xs.reduce((n, x) => n + x.size, 0)));
    let partials: tf.Tensor1D = tf.concat(xs.map((x) => fold(x, true, variant)));
    while (partials.size > 1) partials = fold(partials, false, variant);
    return tf.reshape(partials, []) as tf.Scalar;
  });
}

/**
 * Adds same-shape tensors pairwise. Not tf.addN: TF.js 4.22 WebGPU binds one storage buffer per input, and
 * past the adapter's maxStorageBuffersPerShaderStage the pipeline is invalid and the sum silently reads 0.
 */
function sumPairwise(xs: tf.Tensor[]): tf.Tensor {
  let level = xs;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? tf.add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

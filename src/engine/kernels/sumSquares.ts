/**
 * Σ over many tensors of Σ x² (the squared global norm clip_grad_norm_ needs), barrier-free:
 * each tensor is folded to ⌈n/CHUNK⌉ partial sums (invocation t adds elements t, t+P, t+2P, …, so
 * neighbouring invocations read neighbouring addresses), written side by side into one buffer by
 * dispatches that each read GROUP tensors (⌈73/7⌉ = 11 for BERT-Mini's 73 gradients, no concat), and that
 * buffer is folded again until one value is left. Replaces one Square and one shared-memory Sum per parameter.
 * Variants (select.ts, op 'sumSquares', key sumSquaresKey = total element count, one choice for every
 * fold of a call): 'flat', an invocation per partial of CHUNK elements, and 'workgroup', a workgroup of
 * FOLD_LANES per partial of WG_CHUNK elements, folded in workgroup memory. Both deterministic.
 * Other backends (and the bench's plain mode): tf.sum(tf.square(x)) per tensor, added pairwise.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, ints, registerWebGpuKernel, run, runKernel } from './program.ts';
import { reductionVariant } from './select.ts';
import { FOLD_LANES, GROUP, foldSpec, foldWgSpec, squaresSpec, squaresWgSpec } from './sumSquares.program.ts';

const KERNEL = 'StudioFoldSum';
const SQUARES = 'StudioFoldSquares';
/** Elements per partial sum: flat (one invocation each) and workgroup (16 per lane). */
const CHUNK = 256;
const WG_CHUNK = FOLD_LANES * 16;

export const sumSquaresKey = (totalElements: number) => String(totalElements);

function foldKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const x = inputs.x!;
  const total = tf.util.sizeFromShape(x.shape);
  const flat = attrs.variant === 'flat';
  const parts = Math.ceil(total / (flat ? CHUNK : WG_CHUNK));
  return run(backend, (flat ? foldSpec : foldWgSpec)(parts), [x], ints(total, parts), [parts]);
}

/** x → its ⌈n/chunk⌉ partial sums. */
function fold(x: tf.Tensor, variant: string): tf.Tensor1D {
  return runKernel(KERNEL, { x }, { variant })[0] as tf.Tensor1D;
}

/** Inputs x0…x{k−1} → [Σ_i ⌈n_i/chunk⌉] partial sums of squares, in input order, GROUP inputs per dispatch. */
function squaresKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const xs = Object.keys(inputs).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => inputs[k]!);
  const flat = attrs.variant === 'flat';
  const chunk = flat ? CHUNK : WG_CHUNK;
  const parts = xs.map((x) => Math.ceil(tf.util.sizeFromShape(x.shape) / chunk));
  const total = parts.reduce((a, b) => a + b, 0);
  const partials = backend.makeTensorInfo([total], 'float32');
  for (let first = 0, offset = 0; first < xs.length; first += GROUP) {
    const group = xs.slice(first, first + GROUP);
    const slots: number[] = [];
    let end = 0;
    for (let j = 0; j < GROUP; j++) {
      const x = group[j];
      if (x) end += parts[first + j];
      slots.push(x ? tf.util.sizeFromShape(x.shape) : 0, end);
    }
    const bound = Array.from({ length: GROUP }, (_, j) => group[j] ?? group[0]);
    const spec = (flat ? squaresSpec : squaresWgSpec)(end, total);
    run(backend, spec, bound, ints(offset, ...slots), [total], partials);
    offset += end;
  }
  return partials;
}

/** Σ_i Σ xs[i]² as a float32 scalar. */
export function sumOfSquares(xs: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (xs.length === 0) return tf.scalar(0);
    if (!useFused()) return sumPairwise(xs.map((x) => tf.sum(tf.square(x)))) as tf.Scalar;
    registerWebGpuKernel(KERNEL, foldKernel);
    const variant = reductionVariant('sumSquares', sumSquaresKey(xs.reduce((n, x) => n + x.size, 0)));
    registerWebGpuKernel(SQUARES, squaresKernel);
    let partials = runKernel(SQUARES, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])), { variant })[0] as tf.Tensor1D;
    while (partials.size > 1) partials = fold(partials, variant);
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

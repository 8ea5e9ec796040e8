/**
 * Σ over rows of a [rows, cols] buffer, barrier-free (see program.ts) and deterministic: rows are summed in
 * chunks of ROW_CHUNK, in order, then the chunk sums the same way, until one row is left. One dispatch up to
 * ROW_CHUNK rows (a small model's B·T); two for BERT-base at 32×512 tokens (32 chunks × 768 columns in the
 * first pass: enough invocations to fill a GPU, where one invocation per column would walk 16k rows alone).
 * Used for bias, β and γ gradients and by sumToLastAxis. Variants (select.ts): op 'columnSum', keyed by the
 * first pass's shape; 'flat' is one invocation per (chunk, column), 'workgroup' tiles of columns × row-lanes.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { columnSumSpec, columnSumWgSpec } from './columnSum.program.ts';
import { ints, registerWebGpuKernel, run, runKernel, useFused } from './program.ts';
import { reductionVariant, type ReductionVariant } from './select.ts';

export const ROW_CHUNK = 512;

const KERNEL = 'StudioColumnSum';

export const columnSumKey = (rows: number, cols: number) => `${rows}x${cols}`;

/**
 * x [rows, cols] (any buffer of rows·cols floats) → [cols]. `variant` defaults to the choice for this shape;
 * an op whose own choice covers a column sum (layerNorm.ts, dγ) passes its own. Every pass uses it.
 */
export function columnSum(
  backend: WebGPUBackend,
  x: tf.TensorInfo,
  rows: number,
  cols: number,
  variant: ReductionVariant = reductionVariant('columnSum', columnSumKey(rows, cols)),
): tf.TensorInfo {
  const spec = variant === 'flat' ? columnSumSpec : columnSumWgSpec;
  let cur = x;
  let n = rows;
  for (;;) {
    const chunks = Math.ceil(n / ROW_CHUNK);
    const next = run(backend, spec(chunks, cols), [cur], ints(n, cols, ROW_CHUNK), chunks === 1 ? [cols] : [chunks, cols]);
    if (cur !== x) backend.disposeData(cur.dataId);
    if (chunks === 1) return next;
    cur = next;
    n = chunks;
  }
}

function columnSumKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const x = inputs.x!;
  const cols = x.shape[x.shape.length - 1];
  return columnSum(backend, x, tf.util.sizeFromShape(x.shape) / cols, cols);
}

/** Σ over every axis but the last: x [..., C] → [C]. On webgpu our kernel; elsewhere tf.sum. */
export function sumToLastAxis(x: tf.Tensor): tf.Tensor1D {
  if (!useFused()) return tf.sum(tf.reshape(x, [-1, x.shape[x.rank - 1]]), 0) as tf.Tensor1D;
  registerWebGpuKernel(KERNEL, columnSumKernel);
  return runKernel(KERNEL, { x })[0] as tf.Tensor1D;
}

/**
 * Σ over rows of a [rows, cols] buffer, barrier-free (see program.ts) and deterministic: rows are summed in
 * chunks, in order, then the chunk sums the same way, until one row is left. Used for bias, β and γ
 * gradients and by sumToLastAxis. Variants (select.ts): op 'columnSum', keyed by the first pass's shape;
 * 'flat' is one invocation per (chunk, column), 'workgroup' tiles of columns × row-lanes. Their chunks differ
 * (ROW_CHUNK): 'flat' is the software adapter's shape, where every dispatch costs more than cores left idle, so
 * it takes one pass up to 2048 rows (B·T of a batch of 16 × 128); 'workgroup' is a real GPU's, which wants
 * many workgroups, so 512 (BERT-base at 32×512 tokens: 32 chunks × 12 column tiles in the first pass).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { columnSumSpec, columnSumWgSpec } from './columnSum.program.ts';
import { ints, registerWebGpuKernel, run, runKernel, useFused } from './program.ts';
import { reductionVariant, type ReductionVariant } from './select.ts';

/** Rows one invocation (flat) or one tile (workgroup) sums in a first pass. */
export const ROW_CHUNK: Record<ReductionVariant, number> = { flat: 2048, workgroup: 512 };

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
  const chunk = ROW_CHUNK[variant];
  let cur = x;
  let n = rows;
  for (;;) {
    const chunks = Math.ceil(n / chunk);
    const next = run(backend, spec(chunks, cols), [cur], ints(n, cols, chunk), chunks === 1 ? [cols] : [chunks, cols]);
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

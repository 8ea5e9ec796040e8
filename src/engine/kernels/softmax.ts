/**
 * Attention probabilities: softmax over keys of (scores·scale + maskBias), as fused WebGPU kernels:
 * forward = row max/sum + one element-wise pass, backward = row Σ dy·y + one element-wise pass. The row
 * reductions come in two variants (select.ts, op 'softmax', key softmaxKey, one choice for forward and
 * backward): 'flat', an invocation per row without barriers (program.ts), and 'workgroup', a workgroup
 * per row (workgroup.ts). Other backends run maskedSoftmaxReference.
 *
 *   z = s·scale + bias[b, j],  y = exp(z − max_j z) / Σ_j exp(z − max_j z)
 *   ds = scale · y · (dy − Σ_j dy·y)
 *
 * scores [B, N, T, T] (rows = query positions of each batch row and head), bias [B, T] (0 for real
 * keys, a large negative for padding), scale a number (1/√D, or 1 when Q was scaled already).
 * Mixed precision saves y for the backward pass as packed f16 (half.ts), half the bytes of the largest
 * tensor a layer keeps; the backward unpacks it.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, floats, ints, registerWebGpuKernel, run, runKernel } from './program.ts';
import {
  softmaxStatsSpec,
  softmaxApplySpec,
  softmaxGradRowsSpec,
  softmaxGradApplySpec,
  softmaxStatsWgSpec,
  softmaxGradRowsWgSpec,
} from './softmax.program.ts';
import { reductionVariant } from './select.ts';
import { packHalf, unpackHalf } from './half.ts';
import { mixedPrecision } from './precision.ts';

const FORWARD = 'StudioMaskedSoftmax';
const BACKWARD = 'StudioMaskedSoftmaxGrad';

/** rows = B·N·T query rows, cols = T keys. */
export const softmaxKey = (rows: number, cols: number) => `${rows}x${cols}`;

const isFlat = (rows: number, cols: number) => reductionVariant('softmax', softmaxKey(rows, cols)) === 'flat';

function shapeOf(scores: tf.TensorInfo) {
  const cols = scores.shape[scores.shape.length - 1];
  const size = tf.util.sizeFromShape(scores.shape);
  return { cols, size, rows: size / cols };
}

function forwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { scores, bias } = inputs as Record<string, tf.TensorInfo>;
  const { cols, size, rows } = shapeOf(scores);
  const batch = bias.shape[0];
  const common = [...ints(cols, rows / batch), ...floats(attrs.scale as number)];
  const stats = run(backend, isFlat(rows, cols) ? softmaxStatsSpec(rows) : softmaxStatsWgSpec(rows, cols), [scores, bias], [...ints(rows), ...common], [rows, 2]);
  const y = run(backend, softmaxApplySpec(size), [scores, bias, stats], [...ints(size), ...common], scores.shape);
  backend.disposeData(stats.dataId);
  return y;
}

function backwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { dy, y } = inputs as Record<string, tf.TensorInfo>;
  const { cols, size, rows } = shapeOf(y);
  const sums = run(backend, isFlat(rows, cols) ? softmaxGradRowsSpec(rows) : softmaxGradRowsWgSpec(rows, cols), [dy, y], ints(rows, cols), [rows]);
  const ds = run(backend, softmaxGradApplySpec(size), [dy, y, sums], [...ints(size, cols), ...floats(attrs.scale as number)], y.shape);
  backend.disposeData(sums.dataId);
  return ds;
}

function checkShapes(scores: tf.Tensor, bias: tf.Tensor): void {
  const T = scores.shape[scores.shape.length - 1];
  if (bias.rank !== 2 || bias.shape[1] !== T || scores.shape[0] !== bias.shape[0]) {
    throw new Error(`maskedSoftmax: scores ${scores.shape} and bias ${bias.shape} do not match ([B, N, T, T] and [B, T])`);
  }
}

/** scores [B, N, T, T], bias [B, T] float32 (no gradient flows to it). Returns probabilities [B, N, T, T]. */
export function maskedSoftmax(scores: tf.Tensor4D, bias: tf.Tensor2D, scale: number): tf.Tensor4D {
  checkShapes(scores, bias);
  if (!useFused()) return maskedSoftmaxReference(scores, bias, scale);
  registerWebGpuKernel(FORWARD, forwardKernel);
  registerWebGpuKernel(BACKWARD, backwardKernel);
  const half = mixedPrecision();
  const op = tf.customGrad((s, save) => {
    const [y] = runKernel(FORWARD, { scores: s as tf.Tensor, bias }, { scale });
    (save as tf.GradSaveFunc)([half ? packHalf(y) : y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        tf.tidy(() => runKernel(BACKWARD, { dy, y: half ? unpackHalf(saved, y.shape) : saved }, { scale })[0]),
    };
  });
  return op(scores) as tf.Tensor4D;
}

/** The same op in plain TF.js ops. */
export function maskedSoftmaxReference(scores: tf.Tensor4D, bias: tf.Tensor2D, scale: number): tf.Tensor4D {
  const [B, N, Tq, T] = scores.shape;
  const z = tf.add(scale === 1 ? scores : tf.mul(scores, scale), tf.reshape(bias, [B, 1, 1, T]));
  // TF.js 4.22's WebGPU softmax has no bounds check: past 65535 rows its dispatch is folded into 2-D and the
  // spare workgroups overwrite the output's last element (BERT-base at 32×512 has 196,608 rows). Batch rows
  // are split into groups under that limit.
  const perGroup = Math.max(1, Math.floor(SOFTMAX_ROW_LIMIT / (N * Tq)));
  if (tf.getBackend() !== 'webgpu' || B <= perGroup) return tf.softmax(z) as tf.Tensor4D;
  const sizes: number[] = [];
  for (let b = 0; b < B; b += perGroup) sizes.push(Math.min(perGroup, B - b));
  return tf.concat(tf.split(z, sizes, 0).map((part) => tf.softmax(part)), 0) as tf.Tensor4D;
}

/** Rows TF.js's WebGPU softmax computes correctly in one call (workgroups per dispatch dimension). */
export const SOFTMAX_ROW_LIMIT = 65535;

/**
 * Attention probabilities: softmax over keys of (scores·scale + maskBias), as fused WebGPU kernels
 * without barriers (see program.ts): forward = row max/sum + one element-wise pass, backward = row
 * Σ dy·y + one element-wise pass. Other backends run maskedSoftmaxReference.
 *
 *   z = s·scale + bias[b, j],  y = exp(z − max_j z) / Σ_j exp(z − max_j z)
 *   ds = scale · y · (dy − Σ_j dy·y)
 *
 * scores [B, N, T, T] (rows = query positions of each batch row and head), bias [B, T] (0 for real
 * keys, a large negative for padding), scale a number (1/√D, or 1 when Q was scaled already).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, floats, ints, registerWebGpuKernel, run, runKernel, type ProgramSpec } from './program.ts';

const FORWARD = 'StudioMaskedSoftmax';
const BACKWARD = 'StudioMaskedSoftmaxGrad';

/** z for element (row, j); `rowsPerBatch` = N·T rows share one bias row. */
const Z = `
  fn z(row : i32, j : i32) -> f32 {
    let b = row / uniforms.rowsPerBatch;
    return S[row * uniforms.cols + j] * uniforms.scale + Bias[b * uniforms.cols + j];
  }`;

const statsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_softmax_stats',
  inputs: ['S', 'Bias'],
  uniforms: 'rows : i32, cols : i32, rowsPerBatch : i32, scale : f32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    ${Z}
    fn main(index : i32) {
      if (index < uniforms.rows) {
        var m = z(index, 0);
        for (var j = 1; j < uniforms.cols; j++) { m = max(m, z(index, j)); }
        var l = 0.0;
        for (var j = 0; j < uniforms.cols; j++) { l += exp(z(index, j) - m); }
        result[index * 2] = m;
        result[index * 2 + 1] = l;
      }
    }`,
});

const applySpec = (size: number): ProgramSpec => ({
  key: 'studio_softmax_apply',
  inputs: ['S', 'Bias', 'Stats'],
  uniforms: 'total : i32, cols : i32, rowsPerBatch : i32, scale : f32,',
  outputSize: size,
  threads: size,
  main: `
    ${Z}
    fn main(index : i32) {
      if (index < uniforms.total) {
        let row = index / uniforms.cols;
        let j = index - row * uniforms.cols;
        result[index] = exp(z(row, j) - Stats[row * 2]) / Stats[row * 2 + 1];
      }
    }`,
});

const gradRowsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_softmax_grad_rows',
  inputs: ['Dy', 'Y'],
  uniforms: 'rows : i32, cols : i32,',
  outputSize: rows,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        var s = 0.0;
        for (var j = 0; j < uniforms.cols; j++) { s += Dy[base + j] * Y[base + j]; }
        result[index] = s;
      }
    }`,
});

const gradApplySpec = (size: number): ProgramSpec => ({
  key: 'studio_softmax_grad_apply',
  inputs: ['Dy', 'Y', 'Sums'],
  uniforms: 'total : i32, cols : i32, scale : f32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let row = index / uniforms.cols;
        result[index] = uniforms.scale * Y[index] * (Dy[index] - Sums[row]);
      }
    }`,
});

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
  const stats = run(backend, statsSpec(rows), [scores, bias], [...ints(rows), ...common], [rows, 2]);
  const y = run(backend, applySpec(size), [scores, bias, stats], [...ints(size), ...common], scores.shape);
  backend.disposeData(stats.dataId);
  return y;
}

function backwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { dy, y } = inputs as Record<string, tf.TensorInfo>;
  const { cols, size, rows } = shapeOf(y);
  const sums = run(backend, gradRowsSpec(rows), [dy, y], ints(rows, cols), [rows]);
  const ds = run(backend, gradApplySpec(size), [dy, y, sums], [...ints(size, cols), ...floats(attrs.scale as number)], y.shape);
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
  const op = tf.customGrad((s, save) => {
    const [y] = runKernel(FORWARD, { scores: s as tf.Tensor, bias }, { scale });
    (save as tf.GradSaveFunc)([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runKernel(BACKWARD, { dy, y: saved[0] }, { scale })[0] };
  });
  return op(scores) as tf.Tensor4D;
}

/** The same op in plain TF.js ops. */
export function maskedSoftmaxReference(scores: tf.Tensor4D, bias: tf.Tensor2D, scale: number): tf.Tensor4D {
  const [B, , , T] = scores.shape;
  const z = tf.add(scale === 1 ? scores : tf.mul(scores, scale), tf.reshape(bias, [B, 1, 1, T]));
  return tf.softmax(z) as tf.Tensor4D;
}

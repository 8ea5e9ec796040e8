/**
 * torch.nn.LayerNorm over the last axis of x [F, H] (biased variance), as fused WebGPU kernels:
 * forward = row statistics + one element-wise pass (2 dispatches), backward = row sums + dx + dγ + dβ
 * (4 dispatches), none with a barrier (see program.ts). The plain-op form in layerNormReference is what
 * other backends run and what the tests compare against.
 *
 *   mean_r = Σ_h x / H,  rstd_r = 1 / sqrt(Σ_h (x − mean)² / H + eps),  x̂ = (x − mean)·rstd
 *   y = x̂·γ + β
 *   g = dy·γ,  dx = rstd·(g − mean_h(g) − x̂·mean_h(g·x̂)),  dγ = Σ_r dy·x̂,  dβ = Σ_r dy
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, columnSum, floats, ints, registerWebGpuKernel, run, runKernel, type ProgramSpec } from './program.ts';

const FORWARD = 'StudioLayerNorm';
const BACKWARD = 'StudioLayerNormGrad';

const statsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_ln_stats',
  inputs: ['X'],
  uniforms: 'rows : i32, cols : i32, eps : f32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        let n = f32(uniforms.cols);
        var s = 0.0;
        for (var h = 0; h < uniforms.cols; h++) { s += X[base + h]; }
        let mean = s / n;
        var v = 0.0;
        for (var h = 0; h < uniforms.cols; h++) { let d = X[base + h] - mean; v += d * d; }
        result[index * 2] = mean;
        result[index * 2 + 1] = 1.0 / sqrt(v / n + uniforms.eps);
      }
    }`,
});

const applySpec = (size: number): ProgramSpec => ({
  key: 'studio_ln_apply',
  inputs: ['X', 'Stats', 'Gamma', 'Beta'],
  uniforms: 'total : i32, cols : i32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let r = index / uniforms.cols;
        let h = index - r * uniforms.cols;
        result[index] = (X[index] - Stats[r * 2]) * Stats[r * 2 + 1] * Gamma[h] + Beta[h];
      }
    }`,
});

/** Per row: mean_h(dy·γ) and mean_h(dy·γ·x̂). */
const gradRowsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_ln_grad_rows',
  inputs: ['Dy', 'X', 'Stats', 'Gamma'],
  uniforms: 'rows : i32, cols : i32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        let mean = Stats[index * 2];
        let rstd = Stats[index * 2 + 1];
        var sg = 0.0;
        var sgx = 0.0;
        for (var h = 0; h < uniforms.cols; h++) {
          let g = Dy[base + h] * Gamma[h];
          sg += g;
          sgx += g * (X[base + h] - mean) * rstd;
        }
        let n = f32(uniforms.cols);
        result[index * 2] = sg / n;
        result[index * 2 + 1] = sgx / n;
      }
    }`,
});

const gradXSpec = (size: number): ProgramSpec => ({
  key: 'studio_ln_grad_x',
  inputs: ['Dy', 'X', 'Stats', 'Gamma', 'Sums'],
  uniforms: 'total : i32, cols : i32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let r = index / uniforms.cols;
        let h = index - r * uniforms.cols;
        let rstd = Stats[r * 2 + 1];
        let xhat = (X[index] - Stats[r * 2]) * rstd;
        result[index] = rstd * (Dy[index] * Gamma[h] - Sums[r * 2] - xhat * Sums[r * 2 + 1]);
      }
    }`,
});

/** dγ: per column, Σ_r dy·x̂ in row order. */
const gradGammaSpec = (cols: number): ProgramSpec => ({
  key: 'studio_ln_grad_gamma',
  inputs: ['Dy', 'X', 'Stats'],
  uniforms: 'rows : i32, cols : i32,',
  outputSize: cols,
  threads: cols,
  main: `
    fn main(index : i32) {
      if (index < uniforms.cols) {
        var s = 0.0;
        for (var r = 0; r < uniforms.rows; r++) {
          let i = r * uniforms.cols + index;
          s += Dy[i] * (X[i] - Stats[r * 2]) * Stats[r * 2 + 1];
        }
        result[index] = s;
      }
    }`,
});

function dims(x: tf.TensorInfo): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1];
  return { rows: tf.util.sizeFromShape(x.shape) / cols, cols };
}

function forwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
  const { rows, cols } = dims(x);
  const stats = run(backend, statsSpec(rows), [x], [...ints(rows, cols), ...floats(attrs.eps as number)], [rows, 2]);
  const y = run(backend, applySpec(rows * cols), [x, stats, gamma, beta], ints(rows * cols, cols), x.shape);
  return [y, stats];
}

function backwardKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const { dy, x, gamma, stats } = inputs as Record<string, tf.TensorInfo>;
  const { rows, cols } = dims(x);
  const sums = run(backend, gradRowsSpec(rows), [dy, x, stats, gamma], ints(rows, cols), [rows, 2]);
  const dx = run(backend, gradXSpec(rows * cols), [dy, x, stats, gamma, sums], ints(rows * cols, cols), x.shape);
  backend.disposeData(sums.dataId);
  const dGamma = run(backend, gradGammaSpec(cols), [dy, x, stats], ints(rows, cols), [cols]);
  const dBeta = columnSum(backend, dy, rows, cols);
  return [dx, dGamma, dBeta];
}

/** x [F, H], γ and β [H]. On webgpu: the fused kernels; elsewhere: layerNormReference. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  if (!useFused()) return layerNormReference(x, gamma, beta, eps);
  registerWebGpuKernel(FORWARD, forwardKernel);
  registerWebGpuKernel(BACKWARD, backwardKernel);
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const [y, stats] = runKernel(FORWARD, { x: xIn as tf.Tensor, gamma: gammaIn as tf.Tensor, beta: betaIn as tf.Tensor }, { eps });
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, gammaIn as tf.Tensor, stats]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runKernel(BACKWARD, { dy, x: saved[0], gamma: saved[1], stats: saved[2] }),
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/** The same op in plain TF.js ops (autodiff gives its gradient). */
export function layerNormReference(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, gamma), beta);
}

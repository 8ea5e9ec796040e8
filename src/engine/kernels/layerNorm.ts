/**
 * torch.nn.LayerNorm over the last axis of x [F, H] (biased variance), as fused WebGPU kernels:
 * forward = row statistics + one element-wise pass (2 dispatches), backward = row sums + dx + dγ + dβ
 * (4 dispatches). Two variants of the reductions (select.ts, op 'layerNorm', key layerNormKey): 'flat',
 * an invocation per row or column with no barrier (program.ts), and 'workgroup', a workgroup per row or
 * column tile (workgroup.ts); one choice covers the forward and backward of a shape. The plain-op form in
 * layerNormReference is what other backends run and what the tests compare against.
 *
 *   mean_r = Σ_h x / H,  rstd_r = 1 / sqrt(Σ_h (x − mean)² / H + eps),  x̂ = (x − mean)·rstd
 *   y = x̂·γ + β
 *   g = dy·γ,  dx = rstd·(g − mean_h(g) − x̂·mean_h(g·x̂)),  dγ = Σ_r dy·x̂,  dβ = Σ_r dy
 *
 * Mixed precision saves x for the backward pass as packed f16 (half.ts; the statistics stay f32, computed
 * from the f32 x): the f32 residual sum a post-LN layer norms is then freed with the layer's scope.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { columnSum, ROW_CHUNK } from './columnSum.ts';
import { packHalf, unpackHalf } from './half.ts';
import { mixedPrecision } from './precision.ts';
import { useFused, floats, ints, registerWebGpuKernel, run, runKernel } from './program.ts';
import {
  layerNormStatsSpec,
  layerNormApplySpec,
  layerNormGradRowsSpec,
  layerNormGradXSpec,
  layerNormGradGammaSpec,
  layerNormStatsWgSpec,
  layerNormGradRowsWgSpec,
  layerNormGradGammaWgSpec,
} from './layerNorm.program.ts';
import { reductionVariant } from './select.ts';

const FORWARD = 'StudioLayerNorm';
const BACKWARD = 'StudioLayerNormGrad';

export const layerNormKey = (rows: number, cols: number) => `${rows}x${cols}`;

function dims(x: tf.TensorInfo): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1];
  return { rows: tf.util.sizeFromShape(x.shape) / cols, cols };
}

const variantOf = (rows: number, cols: number) => reductionVariant('layerNorm', layerNormKey(rows, cols));

function forwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
  const { rows, cols } = dims(x);
  const statsSpec = variantOf(rows, cols) === 'flat' ? layerNormStatsSpec(rows) : layerNormStatsWgSpec(rows, cols);
  const stats = run(backend, statsSpec, [x], [...ints(rows, cols), ...floats(attrs.eps as number)], [rows, 2]);
  const y = run(backend, layerNormApplySpec(rows * cols), [x, stats, gamma, beta], ints(rows * cols, cols), x.shape);
  return [y, stats];
}

function backwardKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const { dy, x, gamma, stats } = inputs as Record<string, tf.TensorInfo>;
  const { rows, cols } = dims(x);
  const variant = variantOf(rows, cols);
  const flat = variant === 'flat';
  const sums = run(backend, flat ? layerNormGradRowsSpec(rows) : layerNormGradRowsWgSpec(rows, cols), [dy, x, stats, gamma], ints(rows, cols), [rows, 2]);
  const dx = run(backend, layerNormGradXSpec(rows * cols), [dy, x, stats, gamma, sums], ints(rows * cols, cols), x.shape);
  backend.disposeData(sums.dataId);
  const chunks = Math.ceil(rows / ROW_CHUNK[variant]);
  const gammaParts = run(backend, (flat ? layerNormGradGammaSpec : layerNormGradGammaWgSpec)(chunks, cols), [dy, x, stats], ints(rows, cols, ROW_CHUNK[variant]), chunks === 1 ? [cols] : [chunks, cols]);
  const dGamma = chunks === 1 ? gammaParts : columnSum(backend, gammaParts, chunks, cols, variant);
  if (chunks > 1) backend.disposeData(gammaParts.dataId);
  const dBeta = columnSum(backend, dy, rows, cols); // a bias-like gradient: the columnSum choice
  return [dx, dGamma, dBeta];
}

/** x [F, H], γ and β [H]. On webgpu: the fused kernels; elsewhere: layerNormReference. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  if (!useFused()) return layerNormReference(x, gamma, beta, eps);
  registerWebGpuKernel(FORWARD, forwardKernel);
  registerWebGpuKernel(BACKWARD, backwardKernel);
  const half = mixedPrecision();
  const op = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const [y, stats] = runKernel(FORWARD, { x: xIn as tf.Tensor, gamma: gammaIn as tf.Tensor, beta: betaIn as tf.Tensor }, { eps });
    (save as tf.GradSaveFunc)([half ? packHalf(xIn as tf.Tensor) : (xIn as tf.Tensor), gammaIn as tf.Tensor, stats]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, gamma, st]: tf.Tensor[]) =>
        tf.tidy(() => runKernel(BACKWARD, { dy, x: half ? unpackHalf(xs, x.shape) : xs, gamma, stats: st })),
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

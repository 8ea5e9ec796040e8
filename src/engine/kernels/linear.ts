/**
 * y = x·Wᵀ + b (torch.nn.Linear, W stored [out, in]) with a hand-written gradient:
 *   dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy
 * The matmuls are TF.js's (transposes folded into the shader); db is one barrier-free column sum instead
 * of TF.js's broadcast-add gradient, a shared-memory reduction (see program.ts). On webgpu the forward
 * is one fused matmul+bias dispatch. Other backends: plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, columnSum, registerWebGpuKernel, runKernel } from './program.ts';

const COLUMN_SUM = 'StudioColumnSum';

function columnSumKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const x = inputs.x!;
  const cols = x.shape[x.shape.length - 1];
  return columnSum(backend, x, tf.util.sizeFromShape(x.shape) / cols, cols);
}

/** Σ over every axis but the last: x [..., C] → [C]. On webgpu one dispatch; elsewhere tf.sum. */
export function sumToLastAxis(x: tf.Tensor): tf.Tensor1D {
  if (!useFused()) return tf.sum(tf.reshape(x, [-1, x.shape[x.rank - 1]]), 0) as tf.Tensor1D;
  registerWebGpuKernel(COLUMN_SUM, columnSumKernel);
  return runKernel(COLUMN_SUM, { x })[0] as tf.Tensor1D;
}

/** x [F, in], w [out, in], b [out] → [F, out]. */
export function linearOp(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  if (!useFused()) return tf.add(tf.matMul(x, w, false, true), b);
  const op = tf.customGrad((xIn, wIn, bIn, save) => {
    const xt = xIn as tf.Tensor2D;
    const wt = wIn as tf.Tensor2D;
    (save as tf.GradSaveFunc)([xt, wt]);
    return {
      value: tf.fused.matMul({ a: xt, b: wt, transposeB: true, bias: bIn as tf.Tensor }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = dy as tf.Tensor2D;
        return [tf.matMul(dy2, ws), tf.matMul(dy2, xs, true, false), sumToLastAxis(dy2)];
      },
    };
  });
  return op(x, w, b) as tf.Tensor2D;
}

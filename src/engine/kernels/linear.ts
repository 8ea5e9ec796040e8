/**
 * y = x·Wᵀ + b (torch.nn.Linear, W stored [out, in]) with a hand-written gradient:
 *   dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy
 * The matmuls are TF.js's (transposes folded into the shader); db is a barrier-free column sum (columnSum.ts) instead
 * of TF.js's broadcast-add gradient, a shared-memory reduction (see program.ts). On webgpu the forward
 * is one fused matmul+bias dispatch. Other backends: plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import { sumToLastAxis } from './columnSum.ts';
import { useFused } from './program.ts';

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

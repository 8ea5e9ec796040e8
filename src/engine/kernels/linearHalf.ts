/**
 * y = x·Wᵀ + b in mixed precision (torch.autocast's f16 Linear, with f32 master weights): both matmul inputs
 * are rounded to f16 and accumulated in float32, and the input is saved for the backward pass as packed f16
 * (half.ts), half the bytes of the float32 copy linear.ts keeps. The gradient rounds dy to f16 too, as an f16
 * grad_output would be: that is what makes loss scaling necessary (small gradients flush to zero unscaled)
 * and what overflows to inf when the scale is too large (the GradScaler then skips the step).
 *   dx = dy₁₆·W₁₆,  dW = dy₁₆ᵀ·x₁₆,  db = Σ_rows dy   (products and sums in float32)
 * The bias, its gradient (no matmul: summing the float32 dy keeps the cancellation in a softmax head's bias
 * gradient, whose true value is ~0, exact) and the output stay float32. The three products are matmulForward's
 * (matmul.ts: our register-tiled kernel or TF.js's, as select.ts picked for the shape, the same as linear.ts)
 * on the unpacked float32 values: TF.js cannot run native f16 (see half.ts), so the saving is in memory, not
 * in arithmetic. Reference (tests): plain matMul + add on CPU-rounded copies (roundHalfArray), differentiated
 * under a rounded dy.
 */
import * as tf from '@tensorflow/tfjs';
import { sumToLastAxis } from './columnSum.ts';
import { packHalfShared, roundHalf, unpackHalf } from './half.ts';
import { matmulForward } from './matmul.ts';

/** x [F, in], w [out, in], b [out] → [F, out]. */
export function linearHalfOp(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  const shape = x.shape;
  // Packed outside the op so the Q, K and V projections of one input share one copy (packHalfShared).
  const packed = packHalfShared(x);
  const op = tf.customGrad((_xIn, wIn, bIn, save) => {
    const wt = wIn as tf.Tensor2D;
    (save as tf.GradSaveFunc)([packed, wt]);
    const xh = unpackHalf(packed, shape) as tf.Tensor2D;
    const wh = roundHalf(wt) as tf.Tensor2D;
    return {
      value: matmulForward(xh, wh, { transposeB: true, bias: bIn as tf.Tensor }) as tf.Tensor2D,
      // TF.js runs a custom gradient outside any tidy: without this one the f16 copies would live until the
      // whole backward pass ends.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [p, ws] = saved;
          const dyh = roundHalf(dy) as tf.Tensor2D;
          const xs = unpackHalf(p, shape) as tf.Tensor2D;
          return [matmulForward(dyh, roundHalf(ws)), matmulForward(dyh, xs, { transposeA: true }), sumToLastAxis(dy)];
        }),
    };
  });
  return op(x, w, b) as tf.Tensor2D;
}


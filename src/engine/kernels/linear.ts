/**
 * y = x·Wᵀ + b (torch.nn.Linear, W stored [out, in]), optionally GELU'd, with a hand-written gradient:
 *   z = x·Wᵀ + b,  y = gelu?(z),  dz = dy·gelu'(z),  dx = dz·W,  dW = dzᵀ·x,  db = Σ_rows dz
 * Each of the three products runs what select.ts picked for its shape (matmul.ts): our register-tiled kernel,
 * whose forward adds the bias in its epilogue (ABt 'matmul.ABt' F×in×out, dx 'matmul.AB' F×out×in, dW
 * 'matmul.AtB' out×F×in), or TF.js's (one fused matmul+bias dispatch forward). db is a barrier-free column
 * sum (columnSum.ts) instead of TF.js's broadcast-add gradient, a shared-memory reduction (see program.ts).
 * GELU: one element-wise dispatch forward and one backward (the pre-activation is kept for gelu'); with no
 * gradient tape it goes into the product's epilogue. Other backends: plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import { sumToLastAxis } from './columnSum.ts';
import { geluReference } from './gelu.ts';
import { matmulForward, usesOurMatmul } from './matmul.ts';
import { epilogueGelu, epilogueGeluGrad } from './matmulGrad.ts';
import { useFused } from './program.ts';

/** x [F, in], w [out, in], b [out] → [F, out]; `activation` 'gelu' is HF's exact (erf) GELU. */
export function linearOp(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor, activation?: 'gelu'): tf.Tensor2D {
  if (!useFused()) {
    const y = tf.add(tf.matMul(x, w, false, true), b);
    return (activation === 'gelu' ? geluReference(y) : y) as tf.Tensor2D;
  }
  const forward = { transposeB: true, bias: b };
  const tapeOn = (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
  if (!tapeOn && activation === 'gelu' && usesOurMatmul(x, w, forward)) {
    return matmulForward(x, w, { ...forward, activation }) as tf.Tensor2D;
  }
  const op = tf.customGrad((xIn, wIn, bIn, save) => {
    const xt = xIn as tf.Tensor2D;
    const wt = wIn as tf.Tensor2D;
    const z = matmulForward(xt, wt, { transposeB: true, bias: bIn as tf.Tensor });
    (save as tf.GradSaveFunc)(activation === 'gelu' ? [xt, wt, z] : [xt, wt]);
    return {
      value: activation === 'gelu' ? epilogueGelu(z) : z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved;
        const dz = activation === 'gelu' ? epilogueGeluGrad(dy, saved[2]) : dy;
        return [matmulForward(dz, ws), matmulForward(dz, xs, { transposeA: true }), sumToLastAxis(dz)];
      },
    };
  });
  return op(x, w, b) as tf.Tensor2D;
}

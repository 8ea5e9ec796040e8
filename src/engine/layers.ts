/** Building blocks of the encoder in plain TF.js ops. Shapes: B batch, T tokens, H hidden, F = B*T rows. */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from './config';
import { dropout } from './kernels/dropout';
import { gelu } from './kernels/gelu';
import { layerNorm as layerNormOp } from './kernels/layerNorm';
import { linearOp } from './kernels/linear';
import { linearHalfOp } from './kernels/linearHalf';
import { mixedPrecision } from './kernels/precision';

export type Params = ReadonlyMap<string, tf.Tensor>;

export function param(params: Params, name: string): tf.Tensor {
  const p = params.get(name);
  if (!p) throw new Error(`missing parameter ${name}`);
  return p;
}

/**
 * x [F, in] · W[out, in]ᵀ + b → [F, out]. HF stores Linear weights as [out, in]; 2-D only (see DESIGN).
 * Mixed precision: f16 inputs, f32 accumulation, input saved as packed f16 (kernels/linearHalf.ts).
 */
export function linear(x: tf.Tensor2D, params: Params, name: string): tf.Tensor2D {
  return linearWith(x, param(params, `${name}.weight`) as tf.Tensor2D, param(params, `${name}.bias`));
}

/** The same with the tensors given (a tied decoder: the word-embedding matrix and the head's bias). */
export function linearWith(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  return mixedPrecision() ? linearHalfOp(x, w, b) : linearOp(x, w, b);
}

/** Biased variance, as torch.nn.LayerNorm. x [F, H]. Fused kernels on webgpu (kernels/layerNorm.ts). */
export function layerNorm(x: tf.Tensor2D, params: Params, name: string, eps: number): tf.Tensor2D {
  return layerNormOp(x, param(params, `${name}.weight`), param(params, `${name}.bias`), eps);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * `gelu` is the exact erf form HF uses (not the tanh approximation, which is `gelu_new`): kernels/gelu.ts,
 * which saves only its input for the gradient (packed f16 in mixed precision).
 */
export function activate(x: tf.Tensor, kind: Activation): tf.Tensor {
  switch (kind) {
    case 'gelu':
      return gelu(x);
    case 'gelu_new': {
      const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'relu':
      return tf.relu(x);
  }
}

/** Dropout state for one forward pass: off in eval, a fresh GPU seed per call site in training. */
export class DropoutContext {
  private calls = 0;
  constructor(
    readonly training: boolean,
    private readonly seed: number,
  ) {}

  apply<T extends tf.Tensor>(x: T, rate: number): T {
    if (!this.training || rate <= 0) return x;
    this.calls += 1;
    // Mixing the call index into the seed gives each dropout site its own independent mask.
    return dropout(x, rate, (this.seed * 1000003 + this.calls * 7919) >>> 0) as T;
  }
}

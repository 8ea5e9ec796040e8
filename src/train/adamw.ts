/**
 * AdamW exactly as `torch.optim.AdamW` (decoupled weight decay, bias correction, amsgrad off), and
 * `clip_grad_norm_`. TF.js has neither. All per-step scalars are computed in float64 on the CPU and
 * uploaded (as uniforms on webgpu), so no GPU value is read back and no shader is recompiled per step.
 * The update itself is engine/kernels/adamw.ts: one in-place dispatch per parameter on webgpu, plain ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { adamwScalars, adamwStepInPlace, adamwUpdate } from '../engine/kernels/adamw';
import { sumOfSquares } from '../engine/kernels/sumSquares';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
}

export const TORCH_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW {
  private readonly slots = new Map<string, Slot>();
  /** Number of optimizer steps taken (torch's per-parameter `step`, identical for all here). */
  step = 0;

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly weightDecay: ReadonlyMap<string, number>,
    readonly config: AdamWConfig = TORCH_ADAMW,
  ) {}

  private slot(name: string, p: tf.Variable): Slot {
    let s = this.slots.get(name);
    if (!s) {
      s = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }));
      this.slots.set(name, s);
    }
    return s;
  }

  /**
   * One update with learning rate `lr` for every parameter that has a gradient in `grads`. `lrScale`
   * multiplies the lr per parameter (layer-wise LR decay); absent names use 1, as if it were not given.
   * `gradScale` (a GPU scalar) multiplies every gradient inside the update: clip_grad_norm_'s factor.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, lrScale?: ReadonlyMap<string, number>, gradScale?: tf.Scalar): void {
    this.step += 1;
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const p = this.params.get(name);
        if (!p) throw new Error(`AdamW: gradient for unknown parameter ${name}`);
        const { m, v } = this.slot(name, p);
        const lrP = lr * (lrScale?.get(name) ?? 1);
        const scalars = adamwScalars(this.config, this.step, lrP, this.weightDecay.get(name) ?? 0);
        // In place: one dispatch, no allocation. Where a buffer is shared (a clone of p is kept), new tensors
        // for all three instead; assign only swaps buffers, after every read of the old ones.
        if (adamwStepInPlace({ p, m, v }, g, scalars, gradScale)) continue;
        const next = adamwUpdate({ p, m, v }, g, scalars, gradScale);
        p.assign(next.p);
        m.assign(next.m);
        v.assign(next.v);
      }
    });
  }

  /** Moment tensors by parameter name, for checkpoints. */
  state(): ReadonlyMap<string, Slot> {
    return this.slots;
  }

  /** Puts a checkpoint's step count and moments back (exact resume); parameters absent from it keep zero moments. */
  loadState(step: number, moments: ReadonlyMap<string, { m: Float32Array; v: Float32Array }>): void {
    this.step = step;
    for (const [name, saved] of moments) {
      const p = this.params.get(name);
      if (!p) throw new Error(`AdamW state: moments for unknown parameter ${name}`);
      const { m, v } = this.slot(name, p);
      tf.tidy(() => {
        m.assign(tf.tensor(saved.m, p.shape, 'float32'));
        v.assign(tf.tensor(saved.v, p.shape, 'float32'));
      });
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}

/**
 * `torch.nn.utils.clip_grad_norm_`: scales every gradient by max/(total+1e-6) when that is < 1.
 * Returns the clipped gradients and the pre-clip global norm as a GPU scalar (read it only when logging).
 */
/** clip_grad_norm_'s factor min(maxNorm / (norm + 1e-6), 1), divided by `unscale` (mixed precision's loss scale). */
export function clipFactor(norm: tf.Scalar, maxNorm: number, unscale = 1): tf.Scalar {
  return tf.tidy(() => {
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return (unscale === 1 ? coef : tf.div(coef, unscale)) as tf.Scalar;
  });
}

/** ‖g‖₂ over every tensor, as clip_grad_norm_ reports it (before clipping). */
export function globalNorm(grads: Iterable<tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumOfSquares([...grads])) as tf.Scalar);
}

/** clip_grad_norm_ with copies: the norm and every gradient times clipFactor (the step applies the factor inside AdamW instead). */
export function clipByGlobalNorm(
  grads: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(grads.values());
  const coef = clipFactor(norm, maxNorm);
  const clipped = new Map([...grads].map(([name, g]) => [name, tf.mul(g, coef)] as const));
  coef.dispose();
  return { grads: clipped, norm };
}

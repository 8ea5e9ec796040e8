/**
 * One optimizer step, in the Trainer's order: forward → backward (per micro-batch, summed) → clip_grad_norm_
 * → AdamW → (scheduler). The same function serves the app's training loop and the parity check against HF
 * trajectories. scaledTrainStep is the mixed-precision form (fp16=True): loss scaling and skipped steps.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderInputs } from '../engine/encoder';
import type { BertFamilyModel, Labels, LossOptions } from '../engine/model';
import { clipFactor, globalNorm, type AdamW } from './adamw';
import type { GradScaler } from './gradScaler';

export interface Batch {
  inputs: EncoderInputs;
  labels: Labels;
}

export interface StepOptions {
  lr: number;
  /** clip_grad_norm_ max; 0 or Infinity = no clipping (the norm is still reported). */
  maxGradNorm: number;
  /** Dropout seed for this step (micro-batch i uses seed + i). */
  seed?: number;
  loss?: LossOptions;
  /** Names of trainable parameters (freezing / LoRA); all when undefined. */
  trainable?: ReadonlySet<string>;
  /** Per-parameter lr multiplier (layer-wise LR decay). */
  lrScale?: ReadonlyMap<string, number>;
}

export interface StepResult {
  /** GPU scalars: read them asynchronously, and only when logging. The caller disposes them. */
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
}

/**
 * Gradient accumulation as the Trainer does it: each micro-batch's loss is divided by their number before
 * backward, so the step's gradient is the mean of the micro-batch gradients and the loss is their mean.
 * With a loss scale every micro-batch's loss is multiplied by it too (the gradients come back scaled).
 */
function accumulatedGradients(
  model: BertFamilyModel,
  batches: readonly Batch[],
  opts: StepOptions,
  lossScale = 1,
): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const common = { training: true, ...opts.loss, ...(lossScale !== 1 ? { lossScale } : {}) };
  if (batches.length === 1) {
    const b = batches[0];
    return model.lossAndGradients(b.inputs, b.labels, { ...common, seed: opts.seed }, opts.trainable);
  }
  const scale = 1 / batches.length;
  let loss: tf.Scalar | null = null;
  let sum: Map<string, tf.Tensor> | null = null;
  batches.forEach((b, i) => {
    const seed = opts.seed === undefined ? undefined : opts.seed + i;
    const part = model.lossAndGradients(b.inputs, b.labels, { ...common, seed }, opts.trainable);
    const next = {
      l: tf.mul(part.loss, scale) as tf.Scalar,
      g: new Map([...part.grads].map(([name, grad]) => [name, tf.mul(grad, scale)] as const)),
    };
    tf.dispose([part.loss, ...part.grads.values()]);
    if (!loss || !sum) {
      loss = next.l;
      sum = next.g;
      return;
    }
    const prevLoss: tf.Scalar = loss;
    const prevSum: Map<string, tf.Tensor> = sum;
    loss = tf.add(prevLoss, next.l) as tf.Scalar;
    sum = new Map([...prevSum].map(([name, g]) => [name, tf.add(g, next.g.get(name)!)]));
    tf.dispose([prevLoss, next.l, ...prevSum.values(), ...next.g.values()]);
  });
  return { loss: loss!, grads: sum! };
}

function batchList(batch: Batch | readonly Batch[]): readonly Batch[] {
  const batches = Array.isArray(batch) ? (batch as readonly Batch[]) : [batch as Batch];
  if (batches.length === 0) throw new Error('trainStep: no batch');
  return batches;
}

export function trainStep(model: BertFamilyModel, optimizer: AdamW, batch: Batch | readonly Batch[], opts: StepOptions): StepResult {
  const batches = batchList(batch);
  const { loss, grads } = accumulatedGradients(model, batches, opts);
  const limit = opts.maxGradNorm > 0 ? opts.maxGradNorm : Infinity;
  // clip_grad_norm_ as a factor AdamW applies in its kernel: no clipped copy of the gradients.
  const gradNorm = globalNorm(grads.values());
  const coef = clipFactor(gradNorm, limit);
  optimizer.apply(grads, opts.lr, opts.lrScale, coef);
  tf.dispose([coef, ...grads.values()]);
  return { loss, gradNorm };
}

export interface ScaledStepResult extends StepResult {
  /** A gradient was inf or NaN after unscaling: AdamW did not run and the LR scheduler must not step. */
  skipped: boolean;
  /** The scale this step's loss was multiplied by (the scaler has been updated since). */
  lossScale: number;
}

/**
 * One mixed-precision step, as the Trainer with fp16=True (transformers 4.27): every micro-batch's loss ×
 * scale before backward; scaler.unscale_ then clip_grad_norm_ (the norm of the unscaled gradients);
 * scaler.step (AdamW only when every gradient is finite); scaler.update(). Whether a gradient is inf/NaN is one
 * scalar read back (the norm: Σ g² is finite exactly when every g is, short of a norm past 1e19), so this
 * waits for the backward pass. Unscaling is folded into the clip factor: g·S·(coef/S) has the bits of g·coef
 * (S is a power of two), so no unscaled copy of the gradients is made. Returns the unscaled loss.
 */
export async function scaledTrainStep(
  model: BertFamilyModel,
  optimizer: AdamW,
  batch: Batch | readonly Batch[],
  opts: StepOptions,
  scaler: GradScaler,
): Promise<ScaledStepResult> {
  const lossScale = scaler.scale;
  const { loss, grads } = accumulatedGradients(model, batchList(batch), opts, lossScale);
  const scaledNorm = globalNorm(grads.values());
  const gradNorm = tf.div(scaledNorm, lossScale) as tf.Scalar;
  scaledNorm.dispose();
  let skipped = true;
  try {
    skipped = !Number.isFinite((await gradNorm.data())[0]);
    if (!skipped) {
      const limit = opts.maxGradNorm > 0 ? opts.maxGradNorm : Infinity;
      const coef = clipFactor(gradNorm, limit, lossScale);
      optimizer.apply(grads, opts.lr, opts.lrScale, coef);
      coef.dispose();
    }
  } finally {
    for (const g of grads.values()) g.dispose();
  }
  scaler.update(skipped);
  return { loss, gradNorm, skipped, lossScale };
}

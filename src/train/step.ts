/**
 * One optimizer step, in the Trainer's order: forward → backward (per micro-batch, summed) → clip_grad_norm_
 * → AdamW → (scheduler). The same function serves the app's training loop and the parity check against HF
 * trajectories.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderInputs } from '../engine/encoder';
import type { BertFamilyModel, Labels, LossOptions } from '../engine/model';
import { clipByGlobalNorm, type AdamW } from './adamw';

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
 */
function accumulatedGradients(
  model: BertFamilyModel,
  batches: readonly Batch[],
  opts: StepOptions,
): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
  if (batches.length === 1) {
    const b = batches[0];
    return model.lossAndGradients(b.inputs, b.labels, { training: true, seed: opts.seed, ...opts.loss }, opts.trainable);
  }
  const scale = 1 / batches.length;
  let loss: tf.Scalar | null = null;
  let sum: Map<string, tf.Tensor> | null = null;
  batches.forEach((b, i) => {
    const seed = opts.seed === undefined ? undefined : opts.seed + i;
    const part = model.lossAndGradients(b.inputs, b.labels, { training: true, seed, ...opts.loss }, opts.trainable);
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

export function trainStep(model: BertFamilyModel, optimizer: AdamW, batch: Batch | readonly Batch[], opts: StepOptions): StepResult {
  const batches = Array.isArray(batch) ? (batch as readonly Batch[]) : [batch as Batch];
  if (batches.length === 0) throw new Error('trainStep: no batch');
  const { loss, grads } = accumulatedGradients(model, batches, opts);
  const limit = opts.maxGradNorm > 0 ? opts.maxGradNorm : Infinity;
  const clipped = clipByGlobalNorm(grads, limit);
  for (const g of grads.values()) g.dispose();
  optimizer.apply(clipped.grads, opts.lr, opts.lrScale);
  for (const g of clipped.grads.values()) g.dispose();
  return { loss, gradNorm: clipped.norm };
}

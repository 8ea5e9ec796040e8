/**
 * One optimizer step, in the Trainer's order: forward → backward → clip_grad_norm_ → AdamW → (scheduler).
 * The same function serves the app's training loop and the parity check against HF trajectories.
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
  /** Dropout seed for this step. */
  seed?: number;
  loss?: LossOptions;
  /** Names of trainable parameters (freezing / LoRA); all when undefined. */
  trainable?: ReadonlySet<string>;
}

export interface StepResult {
  /** GPU scalars: read them asynchronously, and only when logging. The caller disposes them. */
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
}

export function trainStep(model: BertFamilyModel, optimizer: AdamW, batch: Batch, opts: StepOptions): StepResult {
  const { loss, grads } = model.lossAndGradients(
    batch.inputs,
    batch.labels,
    { training: true, seed: opts.seed, ...opts.loss },
    opts.trainable,
  );
  const limit = opts.maxGradNorm > 0 ? opts.maxGradNorm : Infinity;
  const clipped = clipByGlobalNorm(grads, limit);
  for (const g of grads.values()) g.dispose();
  optimizer.apply(clipped.grads, opts.lr);
  for (const g of clipped.grads.values()) g.dispose();
  return { loss, gradNorm: clipped.norm };
}

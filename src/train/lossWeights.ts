/** Class weights and pos_weight from a TrainConfig and the training labels, as loss-option tensors. */
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/types';
import type { LossOptions } from '../engine/model';
import { specOf, type TaskSpec } from '../tasks/index';
import type { FeatureSet } from '../tokenize/features';
import type { TrainConfig } from './config';

/** pos_weight = negatives / positives is clamped here, so a rare label cannot dominate the loss. */
export const MAX_POS_WEIGHT = 10;

/** Rows per class id (single-label), tokens per tag id (NER, -100 skipped), positives per label (multi-label). */
export function labelCounts(task: Task | TaskSpec, f: FeatureSet, numLabels: number): number[] {
  const counts = new Array<number>(numLabels).fill(0);
  if (!f.labels) return counts;
  if (specOf(task).labelKind === 'multi') {
    for (let i = 0; i < f.labels.length; i++) if (f.labels[i]) counts[i % numLabels]++;
  } else {
    for (const id of f.labels) if (id >= 0 && id < numLabels) counts[id]++;
  }
  return counts;
}

/** sklearn compute_class_weight('balanced'): n / (C · count); classes absent from training get 1. */
export function balancedClassWeights(counts: readonly number[]): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (c > 0 ? n / (counts.length * c) : 1));
}

/** negatives / positives per label, at most MAX_POS_WEIGHT; 1 for a label that is never positive. */
export function autoPosWeight(positives: readonly number[], rows: number): number[] {
  return positives.map((p) => (p > 0 ? Math.min((rows - p) / p, MAX_POS_WEIGHT) : 1));
}

export interface LossSetup {
  options: LossOptions;
  /** The numbers used, for the run log. */
  classWeights: number[] | null;
  posWeight: number[] | null;
  dispose(): void;
}

export function lossSetup(config: TrainConfig, task: Task | TaskSpec, labels: readonly string[], train: FeatureSet | null): LossSetup {
  const options: LossOptions = {};
  let classWeights: number[] | null = null;
  let posWeight: number[] | null = null;
  const byName = (w: Record<string, number>) => labels.map((l) => w[l] ?? 1);
  const applies = specOf(task).loss;
  if (config.classWeights.mode !== 'none' && applies.classWeights) {
    classWeights =
      config.classWeights.mode === 'manual'
        ? byName(config.classWeights.weights)
        : balancedClassWeights(train ? labelCounts(task, train, labels.length) : labels.map(() => 1));
    options.classWeights = tf.tensor1d(classWeights, 'float32');
  }
  if (config.posWeight.mode !== 'none' && applies.posWeight) {
    posWeight =
      config.posWeight.mode === 'manual'
        ? byName(config.posWeight.weights)
        : autoPosWeight(train ? labelCounts(task, train, labels.length) : labels.map(() => 1), train?.count ?? 1);
    options.posWeight = tf.tensor1d(posWeight, 'float32');
  }
  if (config.labelSmoothing > 0 && applies.labelSmoothing) {
    options.labelSmoothing = config.labelSmoothing;
  }
  return {
    options,
    classWeights,
    posWeight,
    dispose: () => tf.dispose([options.classWeights, options.posWeight].filter(Boolean) as tf.Tensor[]),
  };
}

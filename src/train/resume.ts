/**
 * Exact resume: what a run is at an evaluation (weights, AdamW moments and step, data position, best
 * checkpoint, early-stopping count, the loss not yet logged), taken on the CPU, and put back into a fresh model
 * and optimizer. Shuffling is seeded by (seed, epoch) and dropout by (seed, step), so no RNG state is needed
 * beyond the position and the seed.
 */
import * as tf from '@tensorflow/tfjs';
import type { BertFamilyModel } from '../engine/model';
import type { OptimizerState, ResumeState } from '../protocol/train';
import type { AdamW } from './adamw';
import { restoreWeights, type Snapshot } from './checkpoints';
import { TrainError } from './gpuWatch';

export async function captureOptimizer(optimizer: AdamW): Promise<OptimizerState> {
  const entries = await Promise.all(
    [...optimizer.state()].map(async ([name, s]) => [name, { m: (await s.m.data()) as Float32Array, v: (await s.v.data()) as Float32Array }] as const),
  );
  return { step: optimizer.step, moments: Object.fromEntries(entries) };
}

export interface ResumePoint {
  step: number;
  totalSteps: number;
  position: { epoch: number; batch: number };
  seed: number;
  last: Snapshot;
  best: Snapshot | null;
  sinceImprovement: number;
  /** Sum of the losses not logged yet (GPU scalar) and how many steps it covers. */
  pendingLoss: tf.Scalar | null;
  pendingSteps: number;
  /** Mixed precision: the GradScaler state and the LR scheduler's steps (ResumeState.mixedPrecision). */
  mixedPrecision?: ResumeState['mixedPrecision'];
}

/** Reads what lives on the GPU (moments, the pending loss); weights are the snapshots' CPU copies, shared. */
export async function captureResumeState(p: ResumePoint, optimizer: AdamW): Promise<ResumeState> {
  const [opt, pending] = await Promise.all([captureOptimizer(optimizer), p.pendingLoss ? p.pendingLoss.data() : Promise.resolve(null)]);
  return {
    step: p.step,
    totalSteps: p.totalSteps,
    epoch: p.position.epoch,
    batch: p.position.batch,
    seed: p.seed,
    metric: p.last.metric,
    value: p.last.value,
    weights: Object.fromEntries(p.last.values),
    optimizer: opt,
    best: p.best
      ? { step: p.best.step, metric: p.best.metric, value: p.best.value, weights: p.best.values === p.last.values ? null : Object.fromEntries(p.best.values) }
      : null,
    sinceImprovement: p.sinceImprovement,
    pendingLoss: { sum: pending ? pending[0] : 0, steps: pending ? p.pendingSteps : 0 },
    ...(p.mixedPrecision ? { mixedPrecision: { ...p.mixedPrecision } } : {}),
  };
}

export interface RestoredRun {
  last: Snapshot;
  best: Snapshot | null;
  /** The unlogged loss sum as a GPU scalar (the caller owns it), null when none. */
  pendingLoss: tf.Scalar | null;
}

/**
 * Checks that the saved state belongs to this plan (same step count, seed and epoch layout: anything else would
 * not be the same run), then loads the weights into the model and the moments into the optimizer.
 */
export function applyResumeState(
  r: ResumeState,
  model: BertFamilyModel,
  optimizer: AdamW,
  plan: { totalSteps: number; updatesPerEpoch: number; seed: number; accumulation: number; mixedPrecision?: boolean },
  /** Continue a finished or stopped run for more steps: the plan may be longer (its LR schedule spans the new total). */
  extend = false,
): RestoredRun {
  const mismatch = (what: string) => new TrainError('invalid_config', `Cannot resume exactly: ${what}. The data or the training config changed since the checkpoint.`);
  if (extend) {
    if (plan.totalSteps <= r.step) throw mismatch(`continuing needs more than the ${r.step} steps already done (this plan has ${plan.totalSteps})`);
  } else if (r.totalSteps !== plan.totalSteps) throw mismatch(`the saved run has ${r.totalSteps} steps, this one ${plan.totalSteps}`);
  if (!!r.mixedPrecision !== !!plan.mixedPrecision) throw mismatch(`the saved run trained in ${r.mixedPrecision ? 'mixed precision' : 'float32'}, this one in ${plan.mixedPrecision ? 'mixed precision' : 'float32'}`);
  if (r.seed !== plan.seed) throw mismatch(`the saved run used seed ${r.seed}, this one ${plan.seed}`);
  if (r.step < 0 || r.step > r.totalSteps) throw mismatch(`step ${r.step} is outside 0…${r.totalSteps}`);
  const expected = { epoch: Math.floor(r.step / plan.updatesPerEpoch), batch: (r.step % plan.updatesPerEpoch) * plan.accumulation };
  if (r.epoch !== expected.epoch || r.batch !== expected.batch) {
    throw mismatch(`step ${r.step} was at epoch ${r.epoch}, batch ${r.batch}; this plan puts it at epoch ${expected.epoch}, batch ${expected.batch}`);
  }
  const values = new Map(Object.entries(r.weights));
  restoreWeights(model, values);
  optimizer.loadState(r.optimizer.step, new Map(Object.entries(r.optimizer.moments)));
  const last: Snapshot = { step: r.step, metric: r.metric, value: r.value, values };
  const best: Snapshot | null = r.best
    ? { step: r.best.step, metric: r.best.metric, value: r.best.value, values: r.best.weights ? new Map(Object.entries(r.best.weights)) : values }
    : null;
  return { last, best, pendingLoss: r.pendingLoss.steps > 0 ? tf.scalar(r.pendingLoss.sum, 'float32') : null };
}

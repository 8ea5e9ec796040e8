/** The fixed facts of a run, decided once before the first step: step counts, schedule, what trains and how. */
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/types';
import type { TaskSpec } from '../tasks/types';
import { LoraAdapter } from '../engine/lora';
import type { BertFamilyModel } from '../engine/model';
import type { FeatureSet } from '../tokenize/features';
import { AdamW } from './adamw';
import type { TrainConfig } from './config';
import { defaultMetricFor, greaterIsBetter } from './configValidate';
import { lossSetup, type LossSetup } from './lossWeights';
import { layerwiseLrScale, trainableNames, trainerNoDecay } from './paramGroups';
import { warmupStepsOf, type ScheduleConfig } from './schedule';

export interface RunPlan {
  totalSteps: number;
  /** Optimizer steps per pass over the data: floor(batches / accumulation), at least 1 (the Trainer's rule). */
  updatesPerEpoch: number;
  epochs: number;
  schedule: ScheduleConfig;
  trainable: Set<string>;
  lrScale: Map<string, number> | null;
  optimizer: AdamW;
  loss: LossSetup;
  bestMetric: { name: string; greaterIsBetter: boolean };
  evalEvery: number | 'epoch' | null;
}

export function stepsPlan(config: TrainConfig, batchesPerEpoch: number): { totalSteps: number; updatesPerEpoch: number; epochs: number } {
  const updatesPerEpoch = Math.max(1, Math.floor(batchesPerEpoch / config.gradientAccumulationSteps));
  const totalSteps = config.maxSteps > 0 ? config.maxSteps : Math.ceil(config.epochs * updatesPerEpoch);
  return { totalSteps, updatesPerEpoch, epochs: Math.ceil(totalSteps / updatesPerEpoch) };
}

/** Dropout overrides and LoRA adapters go on the model before the optimizer sees its variables. */
export function prepareModel(model: BertFamilyModel, config: TrainConfig): void {
  const d = config.dropout;
  model.setDropout({
    ...(d.hidden !== null ? { hidden: d.hidden } : {}),
    ...(d.attention !== null ? { attention: d.attention } : {}),
    ...(d.classifier !== null ? { classifier: d.classifier, qa: d.classifier } : {}),
  });
  if (config.lora && !model.lora) {
    model.lora = new LoraAdapter(model.specs, { ...config.lora, seed: config.seed });
  }
}

export function makePlan(
  model: BertFamilyModel,
  config: TrainConfig,
  task: Task | TaskSpec,
  labels: readonly string[],
  batchesPerEpoch: number,
  trainFeatures: FeatureSet | null,
): RunPlan {
  const steps = stepsPlan(config, batchesPerEpoch);
  const variables = model.variables();
  const L = model.encoderConfig.numLayers;
  const trainable = trainableNames(variables.keys(), L, config.freeze, config.lora ?? false);
  const specByName = new Map(model.specs.map((s) => [s.name, s]));
  const decay = new Map<string, number>();
  for (const name of variables.keys()) {
    const spec = specByName.get(name);
    // LoRA factors are plain weights to the Trainer: they decay.
    decay.set(name, spec && trainerNoDecay(spec) ? 0 : config.weightDecay);
  }
  const optimizer = new AdamW(variables, decay, { beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEpsilon });
  const metric = config.metricForBest ?? defaultMetricFor(task);
  return {
    ...steps,
    schedule: {
      kind: config.schedule,
      lr: config.learningRate,
      warmupSteps: warmupStepsOf(steps.totalSteps, config.warmupSteps, config.warmupRatio),
      totalSteps: steps.totalSteps,
    },
    trainable,
    lrScale: layerwiseLrScale(trainable, L, config.layerwiseLrDecay),
    optimizer,
    loss: lossSetup(config, task, labels, trainFeatures),
    bestMetric: { name: metric, greaterIsBetter: greaterIsBetter(metric) },
    evalEvery: config.evalStrategy === 'no' ? null : config.evalStrategy === 'epoch' ? 'epoch' : config.evalSteps || config.loggingSteps,
  };
}

export function countParameters(vars: ReadonlyMap<string, tf.Variable>, names?: ReadonlySet<string>): number {
  let n = 0;
  for (const [name, v] of vars) if (!names || names.has(name)) n += v.size;
  return n;
}

import { resolveTrainConfig, type TrainConfigInput } from '../train/config';

/** The config of a resumed attempt: the steps left, and the warmup that was not done yet. */
export function resumeConfig(config: TrainConfigInput, totalSteps: number, done: number): TrainConfigInput {
  const c = resolveTrainConfig(config);
  const warmup = c.warmupSteps > 0 ? c.warmupSteps : Math.ceil(c.warmupRatio * totalSteps);
  return { ...c, maxSteps: Math.max(1, totalSteps - done), warmupSteps: Math.max(0, warmup - done), warmupRatio: 0 };
}

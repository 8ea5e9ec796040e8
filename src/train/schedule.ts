/** Learning-rate schedules with the exact formulas of `transformers.get_*_schedule_with_warmup`, in float64. */

export type ScheduleKind = 'linear' | 'cosine' | 'constant' | 'constant_with_warmup';

export interface ScheduleConfig {
  kind: ScheduleKind;
  /** Peak learning rate. */
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  /** Cosine: number of waves (HF default 0.5 = half a cosine down to 0). */
  numCycles?: number;
}

/** Multiplier λ(s) for scheduler step s (0-based: the lr used by optimizer step s+1). */
export function lrLambda(cfg: ScheduleConfig, s: number): number {
  const { warmupSteps: w, totalSteps: total } = cfg;
  if (cfg.kind === 'constant') return 1;
  if (s < w) return s / Math.max(1, w);
  switch (cfg.kind) {
    case 'constant_with_warmup':
      return 1;
    case 'linear':
      return Math.max(0, (total - s) / Math.max(1, total - w));
    case 'cosine': {
      const progress = (s - w) / Math.max(1, total - w);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * (cfg.numCycles ?? 0.5) * 2 * progress)));
    }
  }
}

/** The lr of optimizer step k (1-based), as the Trainer applies it. */
export function lrAtStep(cfg: ScheduleConfig, k: number): number {
  return cfg.lr * lrLambda(cfg, k - 1);
}

/** Trainer's `get_warmup_steps`: explicit steps win, else ceil(ratio × total). */
export function warmupStepsOf(totalSteps: number, warmupSteps: number, warmupRatio: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(totalSteps * warmupRatio);
}

/**
 * What one validation evaluation means for the best checkpoint and for early stopping, as transformers' Trainer
 * decides it: the best checkpoint moves on any strict improvement (Trainer._save_checkpoint), while the patience
 * counter resets only on an improvement larger than the threshold (EarlyStoppingCallback.check_metric_value).
 * The two differ on purpose: a small gain becomes the best checkpoint yet still counts toward stopping.
 */

export interface EarlyStoppingRule {
  greaterIsBetter: boolean;
  /** early_stopping_threshold: an improvement must exceed it to reset the counter (>= 0). */
  minDelta: number;
}

export interface EvaluationVerdict {
  /** Strictly better than the best so far (or the first): this evaluation becomes the best checkpoint. */
  isBest: boolean;
  /** The evaluations since the last improvement by more than minDelta, this one included. */
  sinceImprovement: number;
}

/**
 * `best` is the best metric before this evaluation (null: none yet). A metric that is missing or not finite
 * never improves: it counts toward patience and is never the best.
 */
export function judgeEvaluation(value: number | undefined, best: number | null, sinceImprovement: number, rule: EarlyStoppingRule): EvaluationVerdict {
  if (value === undefined || !Number.isFinite(value)) return { isBest: false, sinceImprovement: sinceImprovement + 1 };
  if (best === null) return { isBest: true, sinceImprovement: 0 };
  const gain = rule.greaterIsBetter ? value - best : best - value;
  return { isBest: gain > 0, sinceImprovement: gain > rule.minDelta ? 0 : sinceImprovement + 1 };
}

/** The callback's stop test (patience 0 = early stopping off). */
export function patienceExhausted(sinceImprovement: number, patience: number): boolean {
  return patience > 0 && sinceImprovement >= patience;
}

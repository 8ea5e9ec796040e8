/**
 * A hand replay of transformers 4.27's early stopping, written the way the library writes it, not the way
 * src/train/earlyStopping.ts does, for the unit test's scripted metrics and the GPU test's real run:
 *   EarlyStoppingCallback.check_metric_value: operator = np.greater if greater_is_better else np.less;
 *     if best_metric is None or (operator(metric, best_metric) and abs(metric - best_metric) > threshold):
 *       patience_counter = 0 else patience_counter += 1; stop when patience_counter >= patience.
 *   Trainer._save_checkpoint (after the callback): best_metric = metric when best_metric is None or
 *     operator(metric, best_metric), i.e. strictly better, WITHOUT the threshold.
 */

export interface Decisions {
  /** Per evaluation: did it become the best checkpoint, and the patience counter after it. */
  isBest: boolean[];
  counter: number[];
  /** Index of the evaluation that stops training, null when none does. */
  stopAt: number | null;
  /** Index of the best checkpoint when training ends. */
  bestAt: number | null;
}

export interface Script {
  metrics: number[];
  greaterIsBetter: boolean;
  threshold: number;
  patience: number;
}

/** transformers' callback + checkpoint bookkeeping, one evaluation at a time, until it stops. */
export function replayTransformers(s: Script): Decisions {
  const operator = s.greaterIsBetter ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let bestMetric: number | null = null;
  let patienceCounter = 0;
  const out: Decisions = { isBest: [], counter: [], stopAt: null, bestAt: null };
  for (const [i, metric] of s.metrics.entries()) {
    // on_evaluate runs before _save_checkpoint updates best_metric.
    if (bestMetric === null || (operator(metric, bestMetric) && Math.abs(metric - bestMetric) > s.threshold)) patienceCounter = 0;
    else patienceCounter += 1;
    const better = bestMetric === null || operator(metric, bestMetric);
    if (better) {
      bestMetric = metric;
      out.bestAt = i;
    }
    out.isBest.push(better);
    out.counter.push(patienceCounter);
    if (patienceCounter >= s.patience) {
      out.stopAt = i;
      break;
    }
  }
  return out;
}

/**
 * A finished Trainer run back into the studio: `trainer_state.json` (what `trainer.save_state()` leaves in the
 * output folder) → the same History a browser run's step / eval events build (charts/history.ts), plus the
 * numbers a run record keeps (last and best step, best metric, final validation / test metrics).
 *
 * `log_history` mixes three kinds of entries: training logs (`loss`, `learning_rate`, `grad_norm` from
 * transformers 4.39 on, `epoch`, `step`), evaluations (`eval_<metric>`, and `<prefix>_<metric>` for
 * `evaluate(metric_key_prefix=…)`), and one train summary (`train_runtime`, `train_loss`). HF's metric names
 * are ours behind the prefix (train.py's compute_metrics returns our names), so `eval_f1` charts as `f1` and
 * `eval_loss` as the validation `loss`. Pure: the studio's drop handler and tests call it.
 */
import { appendEval, emptyHistory, type History } from '../../charts/history';

export interface ImportedTrainerRun {
  history: History;
  /** `global_step`: optimizer steps taken. */
  lastStep: number;
  /** `max_steps` when the state has it (else the last step). */
  totalSteps: number;
  /** `num_train_epochs`, or the last logged epoch. */
  epochs: number;
  /** The step of `best_model_checkpoint` (`…/checkpoint-<step>`), null without one. */
  bestStep: number | null;
  /** `best_metric` under our name; null when the state has none or its name cannot be told. */
  bestMetric: { name: string; value: number } | null;
  /** The evaluation at the best step, else the last one; null when the run never evaluated. */
  validation: Record<string, number> | null;
  /** Final `evaluate(…, metric_key_prefix="test")` metrics, when they were logged. */
  test: Record<string, number> | null;
  /** The summary entry's mean training loss and wall time, when present. */
  trainLoss: number | null;
  trainRuntimeSeconds: number | null;
  /** Stopped before max_steps (early stopping), as far as the state tells. */
  stoppedEarly: boolean;
  /** What could not be imported or had to be guessed, in words. */
  notes: string[];
}

/** Evaluation fields that are timings, not metrics. */
const TIMING = new Set(['runtime', 'samples_per_second', 'steps_per_second', 'jit_compilation_time']);
/** Keys of the train summary entry. */
const SUMMARY = ['train_runtime', 'train_loss', 'train_samples_per_second', 'train_steps_per_second', 'total_flos'];

export class TrainerStateError extends Error {
  override name = 'TrainerStateError';
}

const isNumber = (v: unknown): v is number => typeof v === 'number';

/** `eval_f1` → ['eval', 'f1']; the prefix is what `evaluate(metric_key_prefix=…)` used. */
function metricsWithPrefix(entry: Record<string, unknown>, prefix: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (!key.startsWith(`${prefix}_`) || !isNumber(value)) continue;
    const name = key.slice(prefix.length + 1);
    if (!TIMING.has(name)) out[name] = value;
  }
  return Object.keys(out).length ? out : null;
}

function stepOfCheckpoint(path: unknown): number | null {
  if (typeof path !== 'string') return null;
  const m = /checkpoint-(\d+)\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}

/**
 * `metricForBest`: the run's `metric_for_best_model` (ours, e.g. from training_config.json); without it the
 * name is the metric of the best evaluation whose value is `best_metric` (the task's default metric first
 * when `preferred` is given, as several metrics can be equal, e.g. accuracy and f1_micro).
 */
export function importTrainerState(state: unknown, options: { metricForBest?: string; preferred?: string } = {}): ImportedTrainerRun {
  if (state === null || typeof state !== 'object' || !Array.isArray((state as { log_history?: unknown }).log_history)) {
    throw new TrainerStateError('not a trainer_state.json: no "log_history" list');
  }
  const s = state as Record<string, unknown> & { log_history: unknown[] };
  const notes: string[] = [];
  let history = emptyHistory();
  let test: Record<string, number> | null = null;
  let finalValidation: Record<string, number> | null = null;
  let trainLoss: number | null = null;
  let trainRuntimeSeconds: number | null = null;
  let sawGradNorm = false;
  s.log_history.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || !isNumber((raw as { step?: unknown }).step)) throw new TrainerStateError(`log_history[${i}] has no numeric "step"`);
    const e = raw as Record<string, unknown> & { step: number };
    if (SUMMARY.some((k) => k in e)) {
      if (isNumber(e.train_loss)) trainLoss = e.train_loss;
      if (isNumber(e.train_runtime)) trainRuntimeSeconds = e.train_runtime;
      return;
    }
    if (isNumber(e.loss)) {
      if (isNumber(e.grad_norm)) sawGradNorm = true;
      // The Trainer logs neither throughput nor time per step: NaN leaves gaps, as a skipped step's norm does.
      history.step.push(e.step);
      history.epoch.push(isNumber(e.epoch) ? e.epoch : NaN);
      history.loss.push(e.loss);
      history.lr.push(isNumber(e.learning_rate) ? e.learning_rate : NaN);
      history.gradNorm.push(isNumber(e.grad_norm) ? e.grad_norm : NaN);
      history.tokensPerSecond.push(NaN);
      history.elapsedMs.push(NaN);
      history.lossScale!.push(null);
      return;
    }
    const evaluation = metricsWithPrefix(e, 'eval');
    if (evaluation) {
      history = appendEval(history, e.step, evaluation);
      return;
    }
    // evaluate(split, metric_key_prefix="validation" / "test") after training, when logged before save_state.
    test = metricsWithPrefix(e, 'test') ?? test;
    finalValidation = metricsWithPrefix(e, 'validation') ?? finalValidation;
  });
  if (!sawGradNorm && history.step.length) notes.push('no grad_norm in log_history (transformers < 4.39 does not log it): the gradient norm chart stays empty');
  if (!history.step.length) notes.push('no training loss in log_history');

  const lastStep = isNumber(s.global_step) ? s.global_step : (history.step.at(-1) ?? 0);
  const totalSteps = isNumber(s.max_steps) && s.max_steps > 0 ? s.max_steps : lastStep;
  const epochs = isNumber(s.num_train_epochs) ? s.num_train_epochs : (history.epoch.at(-1) ?? 0);
  const bestStep = stepOfCheckpoint(s.best_model_checkpoint);
  const evalAt = (step: number | null): Record<string, number> | null => {
    const i = step === null ? history.evalStep.length - 1 : history.evalStep.lastIndexOf(step);
    if (i < 0) return null;
    const row: Record<string, number> = {};
    for (const [k, col] of Object.entries(history.evalMetrics)) if (col[i] !== null) row[k] = col[i]!;
    return row;
  };
  const best = bestStep !== null ? evalAt(bestStep) : null;
  const validation = finalValidation ?? best ?? evalAt(null);

  let bestMetric: ImportedTrainerRun['bestMetric'] = null;
  if (isNumber(s.best_metric)) {
    const value = s.best_metric;
    let name = options.metricForBest ?? null;
    if (!name && best) {
      const matching = Object.keys(best).filter((k) => best[k] === value);
      name = matching.includes(options.preferred ?? '') ? options.preferred! : (matching[0] ?? null);
    }
    if (name) bestMetric = { name, value };
    else notes.push(`best_metric ${value} is not named in trainer_state.json and no evaluation at the best step has that value: pass the run's metric_for_best_model`);
  }
  return { history: { ...history }, lastStep, totalSteps, epochs, bestStep, bestMetric, validation, test, trainLoss, trainRuntimeSeconds, stoppedEarly: lastStep < totalSteps, notes };
}

/** Checks a TrainConfig before a run and says, per field, what is wrong and what is allowed. */
import type { Task } from '../data/types';
import { specOf, taskSpec, type TaskSpec } from '../tasks/index';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './config';

export interface ValidationContext {
  task?: Task;
  /** Label names of the run (classification / multi-label / NER). */
  labels?: readonly string[];
  /** Encoder layers of the model (freeze.layers must not exceed it). */
  numLayers?: number;
}

const SCHEDULES = ['linear', 'cosine', 'constant', 'constant_with_warmup'];

/** The metric that picks the best checkpoint when the config names none (the task's spec says which). */
export function defaultMetricFor(task: Task | TaskSpec): string {
  return specOf(task).defaultMetric;
}

/** Lower is better only for losses and the Hamming loss. */
export function greaterIsBetter(metric: string): boolean {
  return !(metric === 'loss' || metric.endsWith('_loss'));
}

/** Keys a JSON config may hold (typos such as `learning_rate` are reported, not ignored). */
export function unknownKeys(input: Record<string, unknown>): string[] {
  const known = new Set(Object.keys(DEFAULT_TRAIN_CONFIG));
  const out = Object.keys(input).filter((k) => !known.has(k));
  const nested: Record<string, readonly string[]> = {
    dropout: ['hidden', 'attention', 'classifier'],
    earlyStopping: ['patience', 'minDelta'],
    freeze: ['embeddings', 'layers', 'encoder'],
    lora: ['rank', 'alpha', 'dropout', 'targetModules', 'trainPooler'],
  };
  for (const [group, keys] of Object.entries(nested)) {
    const v = input[group];
    if (v && typeof v === 'object') for (const k of Object.keys(v)) if (!keys.includes(k)) out.push(`${group}.${k}`);
  }
  return out;
}

/** Every problem, one message each; empty when the config is usable. */
export function validateTrainConfig(c: TrainConfig, ctx: ValidationContext = {}): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, msg: string) => {
    if (!ok) errors.push(msg);
  };
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const int = (v: unknown): v is number => finite(v) && Number.isInteger(v);
  need(finite(c.learningRate) && c.learningRate > 0, `learningRate must be a positive number (got ${c.learningRate})`);
  need(c.maxSteps === -1 || (int(c.maxSteps) && c.maxSteps > 0), `maxSteps must be -1 (use epochs) or a positive integer (got ${c.maxSteps})`);
  need(c.maxSteps > 0 || (finite(c.epochs) && c.epochs > 0), `epochs must be positive when maxSteps is not set (got ${c.epochs})`);
  need(int(c.batchSize) && c.batchSize >= 1, `batchSize must be an integer >= 1 (got ${c.batchSize})`);
  need(int(c.evalBatchSize) && c.evalBatchSize >= 1, `evalBatchSize must be an integer >= 1 (got ${c.evalBatchSize})`);
  need(int(c.gradientAccumulationSteps) && c.gradientAccumulationSteps >= 1, `gradientAccumulationSteps must be an integer >= 1 (got ${c.gradientAccumulationSteps})`);
  need(finite(c.warmupRatio) && c.warmupRatio >= 0 && c.warmupRatio <= 1, `warmupRatio must be in [0, 1] (got ${c.warmupRatio})`);
  need(int(c.warmupSteps) && c.warmupSteps >= 0, `warmupSteps must be an integer >= 0 (got ${c.warmupSteps})`);
  need(SCHEDULES.includes(c.schedule), `schedule must be one of ${SCHEDULES.join(', ')} (got ${c.schedule})`);
  need(finite(c.adamBeta1) && c.adamBeta1 >= 0 && c.adamBeta1 < 1, `adamBeta1 must be in [0, 1) (got ${c.adamBeta1})`);
  need(finite(c.adamBeta2) && c.adamBeta2 >= 0 && c.adamBeta2 < 1, `adamBeta2 must be in [0, 1) (got ${c.adamBeta2})`);
  need(finite(c.adamEpsilon) && c.adamEpsilon > 0, `adamEpsilon must be positive (got ${c.adamEpsilon})`);
  need(finite(c.weightDecay) && c.weightDecay >= 0, `weightDecay must be >= 0 (got ${c.weightDecay})`);
  need(finite(c.maxGradNorm) && c.maxGradNorm >= 0, `maxGradNorm must be >= 0 (0 = no clipping) (got ${c.maxGradNorm})`);
  for (const k of ['hidden', 'attention', 'classifier'] as const) {
    const v = c.dropout[k];
    need(v === null || (finite(v) && v >= 0 && v < 1), `dropout.${k} must be null (model default) or in [0, 1) (got ${v})`);
  }
  need(finite(c.labelSmoothing) && c.labelSmoothing >= 0 && c.labelSmoothing < 1, `labelSmoothing must be in [0, 1) (got ${c.labelSmoothing})`);
  need(int(c.seed), `seed must be an integer (got ${c.seed})`);
  need(int(c.loggingSteps) && c.loggingSteps >= 1, `loggingSteps must be an integer >= 1 (got ${c.loggingSteps})`);
  need(['no', 'steps', 'epoch'].includes(c.evalStrategy), `evalStrategy must be no, steps or epoch (got ${c.evalStrategy})`);
  need(int(c.evalSteps) && c.evalSteps >= 0, `evalSteps must be an integer >= 0 (got ${c.evalSteps})`);
  need(int(c.earlyStopping.patience) && c.earlyStopping.patience >= 0, `earlyStopping.patience must be an integer >= 0 (got ${c.earlyStopping.patience})`);
  need(finite(c.earlyStopping.minDelta) && c.earlyStopping.minDelta >= 0, `earlyStopping.minDelta must be >= 0 (got ${c.earlyStopping.minDelta})`);
  need(c.earlyStopping.patience === 0 || c.evalStrategy !== 'no', 'earlyStopping needs evaluations: set evalStrategy to steps or epoch');
  need(int(c.freeze.layers) && c.freeze.layers >= 0, `freeze.layers must be an integer >= 0 (got ${c.freeze.layers})`);
  if (ctx.numLayers !== undefined) {
    need(c.freeze.layers <= ctx.numLayers, `freeze.layers is ${c.freeze.layers} but the model has ${ctx.numLayers} layers`);
  }
  need(finite(c.layerwiseLrDecay) && c.layerwiseLrDecay > 0 && c.layerwiseLrDecay <= 1, `layerwiseLrDecay must be in (0, 1] (got ${c.layerwiseLrDecay})`);
  need(typeof c.mixedPrecision === 'boolean', `mixedPrecision must be true or false (got ${c.mixedPrecision})`);
  need(int(c.resumeEverySteps) && c.resumeEverySteps >= 0, `resumeEverySteps must be an integer >= 0 (0 = only at evaluations, pause and stop) (got ${c.resumeEverySteps})`);
  need(finite(c.resumeEveryMinutes) && c.resumeEveryMinutes >= 0, `resumeEveryMinutes must be >= 0 (0 = no time limit) (got ${c.resumeEveryMinutes})`);
  need(finite(c.mlmProbability) && c.mlmProbability > 0 && c.mlmProbability < 1, `mlmProbability must be in (0, 1) (got ${c.mlmProbability})`);
  need(typeof c.wholeWordMask === 'boolean', `wholeWordMask must be true or false (got ${c.wholeWordMask})`);
  if (c.lora) {
    need(int(c.lora.rank) && c.lora.rank >= 1, `lora.rank must be an integer >= 1 (got ${c.lora.rank})`);
    need(finite(c.lora.alpha) && c.lora.alpha > 0, `lora.alpha must be positive (got ${c.lora.alpha})`);
    need(c.lora.dropout === 0, `lora.dropout must be 0: the adapted forward uses the merged weight W + (alpha/r)·B·A, which has no input dropout (got ${c.lora.dropout})`);
    need(Array.isArray(c.lora.targetModules) && c.lora.targetModules.length > 0, 'lora.targetModules must name at least one Linear module, e.g. ["query", "value"]');
    need(!c.freeze.encoder && !c.freeze.embeddings && c.freeze.layers === 0, 'lora already freezes every base weight: leave freeze off');
  }
  if (c.metricForBest !== null && ctx.task) {
    const allowed = taskSpec(ctx.task).metrics;
    need(allowed.includes(c.metricForBest), `metricForBest "${c.metricForBest}" is not reported for ${ctx.task}; use one of ${allowed.join(', ')}`);
  }
  const labels = ctx.labels ?? [];
  const loss = ctx.task ? taskSpec(ctx.task).loss : null;
  if (c.classWeights.mode !== 'none' && loss) need(loss.classWeights, `classWeights apply to single-label and token classification, not ${ctx.task}`);
  if (c.posWeight.mode !== 'none' && loss) need(loss.posWeight, `posWeight applies to multi-label classification, not ${ctx.task}`);
  if (c.labelSmoothing > 0 && loss) need(loss.labelSmoothing, `labelSmoothing applies to single-label and token classification, not ${ctx.task}`);
  for (const [field, w] of [['classWeights', c.classWeights], ['posWeight', c.posWeight]] as const) {
    if (w.mode !== 'manual') continue;
    for (const [name, v] of Object.entries(w.weights)) {
      need(finite(v) && v > 0, `${field}.weights["${name}"] must be a positive number (got ${v})`);
      if (labels.length) need(labels.includes(name), `${field}.weights names "${name}", which is not a label (labels: ${labels.join(', ')})`);
    }
    if (labels.length) {
      const missing = labels.filter((l) => !(l in w.weights));
      need(missing.length === 0, `${field}.weights has no weight for ${missing.map((m) => `"${m}"`).join(', ')}`);
    }
  }
  return errors;
}

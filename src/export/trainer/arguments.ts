/**
 * TrainConfig → what train.py hands to transformers: `TrainingArguments` keywords, and the script's own options
 * for what TrainingArguments has no field for (freezing, LLRD, LoRA, class weights, dropout, early stopping).
 * The mapping lives here, tested, so train.py stays a static text that applies it.
 */
import type { Task } from '../../data/types';
import { taskSpec } from '../../tasks/index';
import type { TrainConfig } from '../../train/config';
import { defaultMetricFor, greaterIsBetter } from '../../train/configValidate';

/** The inputs of each head's loss, which the Trainer cannot guess once PEFT wraps the model (eval loss needs them). */
const LABEL_NAMES: Record<string, string[]> = { span: ['start_positions', 'end_positions'] };

export function trainingArguments(config: TrainConfig, task: Task): Record<string, unknown> {
  const spec = taskSpec(task);
  const evaluates = config.evalStrategy !== 'no';
  const metric = config.metricForBest ?? defaultMetricFor(task);
  const evalSteps = config.evalSteps || config.loggingSteps;
  return {
    learning_rate: config.learningRate,
    num_train_epochs: config.epochs,
    max_steps: config.maxSteps,
    per_device_train_batch_size: config.batchSize,
    per_device_eval_batch_size: config.evalBatchSize,
    gradient_accumulation_steps: config.gradientAccumulationSteps,
    warmup_ratio: config.warmupRatio,
    warmup_steps: config.warmupSteps,
    lr_scheduler_type: config.schedule,
    // The studio's AdamW is torch.optim.AdamW (4.27's default "adamw_hf" places eps differently).
    optim: 'adamw_torch',
    adam_beta1: config.adamBeta1,
    adam_beta2: config.adamBeta2,
    adam_epsilon: config.adamEpsilon,
    weight_decay: config.weightDecay,
    max_grad_norm: config.maxGradNorm,
    label_smoothing_factor: spec.loss.labelSmoothing ? config.labelSmoothing : 0,
    seed: config.seed,
    fp16: config.mixedPrecision,
    logging_strategy: 'steps',
    logging_steps: config.loggingSteps,
    evaluation_strategy: config.evalStrategy,
    ...(config.evalStrategy === 'steps' ? { eval_steps: evalSteps } : {}),
    // Checkpoints where the studio keeps them: at each evaluation; the best and the last survive.
    save_strategy: config.evalStrategy,
    ...(config.evalStrategy === 'steps' ? { save_steps: evalSteps } : {}),
    ...(evaluates ? { save_total_limit: 2, load_best_model_at_end: true, metric_for_best_model: metric, greater_is_better: greaterIsBetter(metric) } : {}),
    label_names: LABEL_NAMES[spec.labelKind] ?? ['labels'],
    report_to: 'none',
  };
}

/** Options train.py applies itself; names follow the libraries that take them (PEFT's LoraConfig, …). */
export function scriptOptions(config: TrainConfig, task: Task, labels: readonly string[]): Record<string, unknown> {
  const spec = taskSpec(task);
  const byLabel = (w: Record<string, number>) => labels.map((l) => w[l] ?? 1);
  const cw = config.classWeights;
  const pw = config.posWeight;
  const lora = config.lora;
  return {
    auto_class: spec.export.autoClass,
    label_kind: spec.labelKind,
    model_config: spec.hasLabelVocabulary
      ? {
          num_labels: labels.length,
          id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
          label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
          problem_type: spec.problemType,
        }
      : {},
    freeze: { embeddings: config.freeze.embeddings, layers: config.freeze.layers, encoder: config.freeze.encoder },
    layerwise_lr_decay: config.layerwiseLrDecay,
    lora: lora ? { r: lora.rank, lora_alpha: lora.alpha, lora_dropout: lora.dropout, target_modules: [...lora.targetModules], train_pooler: lora.trainPooler } : null,
    // "balanced" / "auto": computed by train.py from the training labels, as the studio does.
    class_weights: !spec.loss.classWeights || cw.mode === 'none' ? null : cw.mode === 'auto' ? 'balanced' : byLabel(cw.weights),
    pos_weight: !spec.loss.posWeight || pw.mode === 'none' ? null : pw.mode === 'auto' ? 'auto' : byLabel(pw.weights),
    early_stopping: config.earlyStopping.patience > 0 && config.evalStrategy !== 'no' ? { patience: config.earlyStopping.patience, threshold: config.earlyStopping.minDelta } : null,
  };
}

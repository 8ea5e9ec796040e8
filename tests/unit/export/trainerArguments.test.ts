/** TrainConfig fields → TrainingArguments keywords and train.py's own options, one row per field. */
import { describe, expect, it } from 'vitest';
import { scriptOptions, trainingArguments } from '../../../src/export/trainer/arguments';
import { resolveTrainConfig, type TrainConfigInput } from '../../../src/train/config';
import type { Task } from '../../../src/data/types';

const args = (input: TrainConfigInput, task: Task = 'classification') => trainingArguments(resolveTrainConfig(input), task);
const opts = (input: TrainConfigInput, task: Task = 'classification', labels = ['neg', 'pos']) => scriptOptions(resolveTrainConfig(input), task, labels);

describe('trainingArguments', () => {
  const table: [string, TrainConfigInput, Record<string, unknown>][] = [
    ['learningRate', { learningRate: 2e-5 }, { learning_rate: 2e-5 }],
    ['epochs', { epochs: 4 }, { num_train_epochs: 4, max_steps: -1 }],
    ['maxSteps', { maxSteps: 300 }, { max_steps: 300 }],
    ['batchSize', { batchSize: 32 }, { per_device_train_batch_size: 32 }],
    ['evalBatchSize', { evalBatchSize: 64 }, { per_device_eval_batch_size: 64 }],
    ['gradientAccumulationSteps', { gradientAccumulationSteps: 4 }, { gradient_accumulation_steps: 4 }],
    ['warmupRatio', { warmupRatio: 0.1 }, { warmup_ratio: 0.1, warmup_steps: 0 }],
    ['warmupSteps', { warmupSteps: 50 }, { warmup_steps: 50 }],
    ['schedule linear', { schedule: 'linear' }, { lr_scheduler_type: 'linear' }],
    ['schedule cosine', { schedule: 'cosine' }, { lr_scheduler_type: 'cosine' }],
    ['schedule constant', { schedule: 'constant' }, { lr_scheduler_type: 'constant' }],
    ['adam betas / eps', { adamBeta1: 0.8, adamBeta2: 0.98, adamEpsilon: 1e-6 }, { adam_beta1: 0.8, adam_beta2: 0.98, adam_epsilon: 1e-6, optim: 'adamw_torch' }],
    ['weightDecay', { weightDecay: 0.01 }, { weight_decay: 0.01 }],
    ['maxGradNorm', { maxGradNorm: 0 }, { max_grad_norm: 0 }],
    ['labelSmoothing', { labelSmoothing: 0.1 }, { label_smoothing_factor: 0.1 }],
    ['seed', { seed: 7 }, { seed: 7 }],
    ['mixedPrecision', { mixedPrecision: true }, { fp16: true }],
    ['loggingSteps', { loggingSteps: 25 }, { logging_strategy: 'steps', logging_steps: 25 }],
    ['evalStrategy epoch', { evalStrategy: 'epoch' }, { evaluation_strategy: 'epoch', save_strategy: 'epoch', load_best_model_at_end: true, metric_for_best_model: 'accuracy', greater_is_better: true }],
    ['evalStrategy steps', { evalStrategy: 'steps', evalSteps: 40 }, { evaluation_strategy: 'steps', eval_steps: 40, save_strategy: 'steps', save_steps: 40 }],
    ['evalSteps 0 = loggingSteps', { evalStrategy: 'steps', evalSteps: 0, loggingSteps: 15 }, { eval_steps: 15, save_steps: 15 }],
    ['metricForBest', { metricForBest: 'f1_macro' }, { metric_for_best_model: 'f1_macro', greater_is_better: true }],
    ['metricForBest loss', { metricForBest: 'loss' }, { metric_for_best_model: 'loss', greater_is_better: false }],
  ];
  it.each(table)('%s', (_name, input, expected) => {
    expect(args(input)).toMatchObject(expected);
  });

  it('evaluates and saves nothing when evalStrategy is no (no best model to load)', () => {
    const a = args({ evalStrategy: 'no' });
    expect(a).toMatchObject({ evaluation_strategy: 'no', save_strategy: 'no' });
    expect(a).not.toHaveProperty('load_best_model_at_end');
    expect(a).not.toHaveProperty('metric_for_best_model');
  });

  it("uses each task's default metric and label names", () => {
    expect(args({}, 'multilabel')).toMatchObject({ metric_for_best_model: 'f1_micro', label_names: ['labels'] });
    expect(args({}, 'qa')).toMatchObject({ metric_for_best_model: 'f1', label_names: ['start_positions', 'end_positions'] });
    expect(args({}, 'ner')).toMatchObject({ metric_for_best_model: 'f1', label_names: ['labels'] });
  });

  it('drops label smoothing where the task has none', () => {
    expect(args({ labelSmoothing: 0.1 }, 'qa')).toMatchObject({ label_smoothing_factor: 0 });
    expect(args({ labelSmoothing: 0.1 }, 'ner')).toMatchObject({ label_smoothing_factor: 0.1 });
  });
});

describe('scriptOptions', () => {
  it('freeze, LLRD and early stopping', () => {
    expect(opts({ freeze: { embeddings: true, layers: 3 }, layerwiseLrDecay: 0.9, earlyStopping: { patience: 2, minDelta: 0.01 } })).toMatchObject({
      freeze: { embeddings: true, layers: 3, encoder: false },
      layerwise_lr_decay: 0.9,
      early_stopping: { patience: 2, threshold: 0.01 },
    });
    expect(opts({}).early_stopping).toBeNull();
    expect(opts({ earlyStopping: { patience: 2 }, evalStrategy: 'no' }).early_stopping).toBeNull();
  });

  it('LoRA as PEFT names it', () => {
    expect(opts({ lora: { rank: 4, alpha: 8, targetModules: ['query', 'key'], trainPooler: false } }).lora).toEqual({
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['query', 'key'],
      train_pooler: false,
    });
    expect(opts({}).lora).toBeNull();
  });

  it('class weights and pos_weight: balanced / auto computed by the script, manual in label order', () => {
    expect(opts({ classWeights: { mode: 'auto' } }).class_weights).toBe('balanced');
    expect(opts({ classWeights: { mode: 'manual', weights: { pos: 3, neg: 1 } } }).class_weights).toEqual([1, 3]);
    expect(opts({ posWeight: { mode: 'auto' } }, 'multilabel').pos_weight).toBe('auto');
    expect(opts({ posWeight: { mode: 'manual', weights: { a: 2, b: 5 } } }, 'multilabel', ['a', 'b']).pos_weight).toEqual([2, 5]);
    expect(opts({ posWeight: { mode: 'auto' } }, 'classification').pos_weight).toBeNull();
  });

  it('the Auto class and the config of the new head', () => {
    expect(opts({}, 'multilabel', ['x', 'y'])).toMatchObject({
      auto_class: 'AutoModelForSequenceClassification',
      label_kind: 'multi',
      model_config: { num_labels: 2, id2label: { 0: 'x', 1: 'y' }, label2id: { x: 0, y: 1 }, problem_type: 'multi_label_classification' },
    });
    expect(opts({}, 'qa', [])).toMatchObject({ auto_class: 'AutoModelForQuestionAnswering', label_kind: 'span', model_config: {} });
    expect(opts({}, 'ner', ['O', 'B-PER'])).toMatchObject({ auto_class: 'AutoModelForTokenClassification', label_kind: 'token' });
  });
});

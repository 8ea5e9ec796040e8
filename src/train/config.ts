/**
 * The one TrainConfig: every knob of a run, with the Hugging Face Trainer's defaults (TrainingArguments,
 * transformers 4.27) unless a comment says why not. Presets are partial overrides of it.
 */
import type { ScheduleKind } from './schedule';

/** Per-class weights for the cross-entropy loss. */
export type ClassWeights =
  | { mode: 'none' }
  /** sklearn's "balanced": n / (C · count_c) over the training labels. */
  | { mode: 'auto' }
  /** One weight per label, by name. */
  | { mode: 'manual'; weights: Record<string, number> };

/** Multi-label BCE `pos_weight`, one per label. */
export type PosWeight =
  | { mode: 'none' }
  /** negatives / positives per label over the training rows, at most 10 (1 when a label is never positive). */
  | { mode: 'auto' }
  | { mode: 'manual'; weights: Record<string, number> };

export interface LoraConfig {
  /** r: rank of the update B·A. */
  rank: number;
  /** The update is scaled by alpha / rank (PEFT's lora_alpha). */
  alpha: number;
  /** PEFT lora_dropout; only 0 is supported (the forward uses the merged weight W + s·B·A). */
  dropout: number;
  /** Linear modules to adapt, by the last part of their HF name: query, key, value, dense, q_lin, v_lin, … */
  targetModules: string[];
  /**
   * BERT's pooler trains along with the adapters and the classifier (true, the studio's default: a checkpoint
   * without a pooler, like the built-in model, would otherwise classify through a frozen random layer), or stays
   * frozen as PEFT's SEQ_CLS does (false: modules_to_save is the classifier only; the numbers then equal PEFT's).
   */
  trainPooler: boolean;
}

export interface TrainConfig {
  /** Peak learning rate (HF learning_rate). */
  learningRate: number;
  /** Passes over the training set (num_train_epochs); ignored when maxSteps > 0. */
  epochs: number;
  /** Optimizer steps to take; > 0 overrides epochs (max_steps, default -1). */
  maxSteps: number;
  /** Examples per forward pass (per_device_train_batch_size); fixed so GPU buffers are reused. */
  batchSize: number;
  /** Examples per forward pass in evaluation (per_device_eval_batch_size). */
  evalBatchSize: number;
  /** Forward/backward passes summed into one optimizer step (gradient_accumulation_steps). */
  gradientAccumulationSteps: number;
  /** Warmup as a fraction of all optimizer steps (warmup_ratio); warmupSteps wins when > 0. */
  warmupRatio: number;
  /** Warmup in optimizer steps (warmup_steps). */
  warmupSteps: number;
  /** Learning-rate schedule after warmup (lr_scheduler_type). */
  schedule: ScheduleKind;
  /** AdamW β1 (adam_beta1). */
  adamBeta1: number;
  /** AdamW β2 (adam_beta2). */
  adamBeta2: number;
  /** AdamW ε (adam_epsilon). */
  adamEpsilon: number;
  /** Decoupled weight decay; biases and LayerNorm weights never decay (the Trainer's no-decay group). */
  weightDecay: number;
  /** Global gradient-norm clipping (max_grad_norm); 0 turns clipping off. */
  maxGradNorm: number;
  /** Dropout overrides; null keeps the model config's rate (hidden_dropout_prob, …). */
  dropout: { hidden: number | null; attention: number | null; classifier: number | null };
  /** Label smoothing ε for single-label and token classification (label_smoothing_factor). */
  labelSmoothing: number;
  /** Class weights of the single-label / token-classification loss. */
  classWeights: ClassWeights;
  /** Multi-label pos_weight. */
  posWeight: PosWeight;
  /** Seeds shuffling, dropout masks and new head weights: same seed + data = same losses. */
  seed: number;
  /** Optimizer steps between step events (logging_steps; HF's 500 is too sparse for live charts). */
  loggingSteps: number;
  /** When to evaluate on the validation split (HF default 'no'; the best checkpoint needs evaluations). */
  evalStrategy: 'no' | 'steps' | 'epoch';
  /** Optimizer steps between evaluations when evalStrategy is 'steps' (eval_steps; 0 = loggingSteps). */
  evalSteps: number;
  /** Validation metric that picks the best checkpoint; null = the task's: accuracy, f1_micro, f1 (QA, NER). */
  metricForBest: string | null;
  /** Stop when metricForBest has not improved by more than minDelta for `patience` evaluations (0 = off). */
  earlyStopping: { patience: number; minDelta: number };
  /**
   * Freeze the embeddings, the first `layers` encoder layers, or the whole encoder (head only). BERT's pooler
   * counts as head here and trains (HF's `model.bert.requires_grad_(False)` would freeze it): checkpoints
   * without one, like the built-in model, would otherwise classify through a frozen random layer.
   */
  freeze: { embeddings: boolean; layers: number; encoder: boolean };
  /** Layer-wise LR decay: layer l of L gets lr · factor^(L + 1 - l), embeddings factor^(L + 1); 1 = off. */
  layerwiseLrDecay: number;
  /** Low-rank adapters on the named Linear weights (base weights frozen, merged on export); null = off. */
  lora: LoraConfig | null;
  /** fp16=True: f16 matmul inputs and saved activations, f32 weights and AdamW, dynamic loss scaling (GradScaler). */
  mixedPrecision: boolean;
  /**
   * Resume points (what a reloaded tab continues from): every this many optimizer steps, independent of
   * evaluation (0 = only at evaluations, pause and stop). Like save_steps, but for the exact resume state.
   */
  resumeEverySteps: number;
  /** …or after this many minutes of training since the last one, whichever comes first (0 = no time limit). */
  resumeEveryMinutes: number;
  /** Masked LM: share of tokens chosen for prediction (run_mlm.py's mlm_probability). */
  mlmProbability: number;
  /** Masked LM: choose whole words, not sub-tokens (DataCollatorForWholeWordMask). */
  wholeWordMask: boolean;
}

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  learningRate: 5e-5,
  epochs: 3,
  maxSteps: -1,
  batchSize: 8,
  evalBatchSize: 8,
  gradientAccumulationSteps: 1,
  warmupRatio: 0,
  warmupSteps: 0,
  schedule: 'linear',
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  weightDecay: 0,
  maxGradNorm: 1,
  dropout: { hidden: null, attention: null, classifier: null },
  labelSmoothing: 0,
  classWeights: { mode: 'none' },
  posWeight: { mode: 'none' },
  seed: 42,
  loggingSteps: 10,
  evalStrategy: 'epoch',
  evalSteps: 0,
  metricForBest: null,
  earlyStopping: { patience: 0, minDelta: 0 },
  freeze: { embeddings: false, layers: 0, encoder: false },
  layerwiseLrDecay: 1,
  lora: null,
  mixedPrecision: false,
  resumeEverySteps: 50,
  resumeEveryMinutes: 1,
  mlmProbability: 0.15,
  wholeWordMask: false,
} satisfies TrainConfig);

/** What a caller may pass: any subset, nested groups partially too. */
export type TrainConfigInput = Partial<Omit<TrainConfig, 'dropout' | 'earlyStopping' | 'freeze' | 'lora'>> & {
  dropout?: Partial<TrainConfig['dropout']>;
  earlyStopping?: Partial<TrainConfig['earlyStopping']>;
  freeze?: Partial<TrainConfig['freeze']>;
  lora?: Partial<LoraConfig> | null;
};

export const DEFAULT_LORA: Readonly<LoraConfig> = Object.freeze({ rank: 8, alpha: 16, dropout: 0, targetModules: ['query', 'value'], trainPooler: true });

/** Defaults + overrides, nested groups merged field by field. */
export function resolveTrainConfig(input: TrainConfigInput = {}): TrainConfig {
  const d = DEFAULT_TRAIN_CONFIG;
  return {
    ...d,
    ...input,
    dropout: { ...d.dropout, ...input.dropout },
    earlyStopping: { ...d.earlyStopping, ...input.earlyStopping },
    freeze: { ...d.freeze, ...input.freeze },
    lora: input.lora ? { ...DEFAULT_LORA, ...input.lora, targetModules: [...(input.lora.targetModules ?? DEFAULT_LORA.targetModules)] } : null,
  } as TrainConfig;
}

export interface TrainPreset {
  id: 'quick' | 'trainer' | 'low_memory_lora' | 'low_memory_frozen';
  name: string;
  description: string;
  overrides: TrainConfigInput;
}

export const TRAIN_PRESETS: readonly TrainPreset[] = [
  {
    id: 'quick',
    name: 'Quick try',
    description: 'One epoch, larger steps, frequent evaluation: see whether the task learns at all.',
    overrides: { epochs: 1, learningRate: 1e-4, batchSize: 16, warmupRatio: 0.1, evalStrategy: 'steps', evalSteps: 50 },
  },
  { id: 'trainer', name: 'Trainer defaults', description: 'Exactly the Hugging Face Trainer defaults.', overrides: {} },
  {
    id: 'low_memory_lora',
    name: 'Low memory (LoRA)',
    description: 'Rank-8 adapters on query and value; only they and the head train (no AdamW state for the encoder).',
    overrides: { learningRate: 5e-4, lora: { ...DEFAULT_LORA } },
  },
  {
    id: 'low_memory_frozen',
    name: 'Low memory (head only)',
    description: 'Frozen encoder: only the task head trains.',
    overrides: { learningRate: 1e-3, freeze: { encoder: true } },
  },
];

/**
 * The one-click demo (state/quickStart.ts) trains the built-in model, which starts from random weights, where
 * Quick try's fine-tuning rate (1e-4) moves nothing: on the demo reviews it stayed at 0.500 validation accuracy
 * for a whole epoch, against 0.758 at 2e-3 (README, "The demo"; tests/cli/demo.test.ts runs it). Pretrained
 * models keep Quick try's rate.
 */
export const DEMO_LEARNING_RATE = 2e-3;

/** Quick try with the demo's rate: what the demo trains with. */
export const DEMO_CONFIG: TrainConfigInput = { ...TRAIN_PRESETS.find((p) => p.id === 'quick')!.overrides, learningRate: DEMO_LEARNING_RATE };

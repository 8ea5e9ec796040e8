/** The TrainConfig form: one entry per field, with its one-line explanation (from src/train/config.ts). */
import type { TrainConfig } from '../train/config';

export type NumberKey = { [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never }[keyof TrainConfig];

export interface NumberField {
  kind: 'number';
  key: NumberKey;
  label: string;
  help: string;
  step: number;
  min?: number;
  advanced?: boolean;
}
export interface SelectField {
  kind: 'select';
  key: 'schedule' | 'evalStrategy';
  label: string;
  help: string;
  options: string[];
  advanced?: boolean;
}

export const CONFIG_FIELDS: readonly (NumberField | SelectField)[] = [
  { kind: 'number', key: 'learningRate', label: 'Learning rate', help: 'Peak step size of AdamW; 2e-5 to 5e-5 for full fine-tuning, higher for LoRA or head only.', step: 1e-5, min: 0 },
  { kind: 'number', key: 'epochs', label: 'Epochs', help: 'Passes over the training set (ignored when max steps > 0).', step: 1, min: 0 },
  { kind: 'number', key: 'maxSteps', label: 'Max steps', help: 'Optimizer steps to take; > 0 overrides epochs, -1 = use epochs.', step: 1, min: -1 },
  { kind: 'number', key: 'batchSize', label: 'Batch size', help: 'Examples per forward pass; the biggest lever on GPU memory.', step: 1, min: 1 },
  { kind: 'number', key: 'gradientAccumulationSteps', label: 'Gradient accumulation', help: 'Batches summed into one step: a larger effective batch at the same memory.', step: 1, min: 1 },
  { kind: 'number', key: 'warmupRatio', label: 'Warmup ratio', help: 'Fraction of steps over which the learning rate ramps up from 0.', step: 0.01, min: 0 },
  { kind: 'select', key: 'schedule', label: 'LR schedule', help: 'How the learning rate moves after warmup.', options: ['linear', 'cosine', 'constant', 'constant_with_warmup'] },
  { kind: 'select', key: 'evalStrategy', label: 'Evaluate', help: 'When to score the validation split (needed to keep the best checkpoint).', options: ['no', 'steps', 'epoch'] },
  { kind: 'number', key: 'evalSteps', label: 'Eval every (steps)', help: 'Steps between evaluations when evaluating by steps (0 = every logging step).', step: 1, min: 0 },
  { kind: 'number', key: 'weightDecay', label: 'Weight decay', help: 'Decoupled L2 shrinkage of weights (not biases / LayerNorm); 0.01 is common.', step: 0.01, min: 0, advanced: true },
  { kind: 'number', key: 'maxGradNorm', label: 'Gradient clipping', help: 'Largest global gradient norm; 0 turns clipping off.', step: 0.1, min: 0, advanced: true },
  { kind: 'number', key: 'labelSmoothing', label: 'Label smoothing', help: 'Softens one-hot targets; 0.1 can help noisy labels.', step: 0.01, min: 0, advanced: true },
  { kind: 'number', key: 'layerwiseLrDecay', label: 'Layer-wise LR decay', help: 'Lower layers learn slower by this factor per layer; 1 = off.', step: 0.05, min: 0, advanced: true },
  { kind: 'number', key: 'loggingSteps', label: 'Log every (steps)', help: 'Steps between chart points.', step: 1, min: 1, advanced: true },
  { kind: 'number', key: 'seed', label: 'Seed', help: 'Same seed + same data = same run.', step: 1, advanced: true },
  { kind: 'number', key: 'evalBatchSize', label: 'Eval batch size', help: 'Examples per forward pass in evaluation.', step: 1, min: 1, advanced: true },
];

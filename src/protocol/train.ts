/**
 * Messages between the main thread and the train worker: one discriminated union each way, keyed on `type`.
 * Feature arrays travel as transferred Int32Arrays (see `trainTransferList`); everything else is plain data.
 */
import type { Example, Task } from '../data/types';
import type { FeatureSet } from '../tokenize/features';
import type { TrainConfigInput } from '../train/config';

/** Where the worker reads config.json / model.safetensors / tokenizer files from. */
export type ModelRef =
  | { kind: 'hub'; id: string; revision?: string }
  | { kind: 'url'; baseUrl: string; label?: string }
  | { kind: 'files'; files: File[]; label?: string }
  | { kind: 'memory'; files: Record<string, ArrayBuffer>; label?: string };

/** A held-out split: packed features plus the examples that QA decoding and NER word tags need. */
export interface EvalSplitData {
  features: FeatureSet;
  /** The examples the features came from (required for QA and NER; optional otherwise). */
  examples?: Example[];
}

export interface TrainData {
  task: Task;
  /** Label vocabulary in id order (classes, multi-label names or NER tags); empty for QA. */
  labels: string[];
  train: FeatureSet;
  validation?: EvalSplitData;
  test?: EvalSplitData;
}

// ─── main → worker ──────────────────────────────────────────────────────────────────────────────────
export type TrainCommand =
  | { type: 'start'; model: ModelRef; data: TrainData; config: TrainConfigInput }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Ends the run after the current step; the best checkpoint is kept and the final evaluations still run. */
  | { type: 'stop' }
  /** Scores features with the current weights (the best ones once training is done). */
  | { type: 'predict'; requestId: number; data: EvalSplitData }
  /** Asks for the checkpoint files (best weights, LoRA merged) in Hugging Face format. */
  | { type: 'export'; requestId: number };

// ─── worker → main ──────────────────────────────────────────────────────────────────────────────────
export type RunState = 'loading' | 'training' | 'paused' | 'evaluating' | 'finished' | 'failed';

/** One validation prediction, as written to predictions.jsonl. */
export type Prediction =
  | { label: string; scores: Record<string, number> }
  | { labels: string[]; scores: Record<string, number> }
  | { id: string; prediction_text: string }
  | { tags: string[] };

export interface SplitResult {
  /** Flat numbers (loss, accuracy, f1_macro, …) for charts, early stopping and metrics.json. */
  metrics: Record<string, number>;
  /** The full metrics object of src/metrics (per class, confusion matrix, …). */
  report: unknown;
}

export type ErrorKind = 'nan_loss' | 'out_of_memory' | 'device_lost' | 'invalid_config' | 'invalid_data' | 'load_failed' | 'internal';

export type TrainEvent =
  | { type: 'state'; state: RunState }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | {
      type: 'ready';
      /** Optimizer steps the run will take, epochs, parameters in total and trainable. */
      totalSteps: number;
      epochs: number;
      parameters: number;
      trainableParameters: number;
      /** HF-style notes on newly initialised / unused weights. */
      loadReport: string[];
    }
  | {
      type: 'step';
      step: number;
      epoch: number;
      /** Mean training loss over the steps since the last step event. */
      loss: number;
      /** Learning rate used by this step (before layer-wise decay). */
      lr: number;
      /** Global gradient norm before clipping, of this step. */
      gradNorm: number;
      tokensPerSecond: number;
      elapsedMs: number;
    }
  | { type: 'eval'; step: number; epoch: number; split: 'validation' | 'test'; result: SplitResult; isBest: boolean }
  | { type: 'checkpoint'; step: number; kind: 'best' | 'last'; metric: string; value: number }
  | {
      type: 'done';
      reason: 'completed' | 'stopped' | 'early_stopping';
      step: number;
      bestStep: number | null;
      bestMetric: { name: string; value: number } | null;
      /** Final metrics with the best checkpoint. */
      validation: SplitResult | null;
      test: SplitResult | null;
      /** One per validation example, with the best checkpoint. */
      predictions: Prediction[];
    }
  | {
      type: 'error';
      kind: ErrorKind;
      message: string;
      /** What to try (NaN: lower the learning rate, enable clipping). */
      hint?: string;
      step: number;
      /** Step of the checkpoint that was kept (best, else last good), null when none. */
      checkpointStep: number | null;
    }
  | { type: 'prediction'; requestId: number; predictions: Prediction[]; result: SplitResult | null }
  | { type: 'exported'; requestId: number; step: number | null; files: Record<string, Uint8Array> };

export function featureBuffers(f: FeatureSet): ArrayBuffer[] {
  const arrays = [f.inputIds, f.attentionMask, f.tokenTypeIds, f.labels, f.startPositions, f.endPositions, f.exampleIndex, f.offsets];
  return arrays.filter((a): a is Int32Array => a !== null).map((a) => a.buffer as ArrayBuffer);
}

/** Buffers to transfer with a command (each once). */
export function trainTransferList(cmd: TrainCommand): ArrayBuffer[] {
  const sets: FeatureSet[] = [];
  if (cmd.type === 'start') {
    sets.push(cmd.data.train);
    if (cmd.data.validation) sets.push(cmd.data.validation.features);
    if (cmd.data.test) sets.push(cmd.data.test.features);
  } else if (cmd.type === 'predict') sets.push(cmd.data.features);
  return [...new Set(sets.flatMap(featureBuffers))];
}

/** Buffers to transfer with an event. */
export function eventTransferList(ev: TrainEvent): ArrayBuffer[] {
  if (ev.type !== 'exported') return [];
  return [...new Set(Object.values(ev.files).map((b) => b.buffer as ArrayBuffer))];
}

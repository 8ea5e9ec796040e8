/**
 * Messages between the main thread and the train worker: one discriminated union each way, keyed on `type`.
 * Feature arrays travel as transferred Int32Arrays (see `trainTransferList`); everything else is plain data.
 */
import type { Example, Task } from '../data/types';
import type { TuneEntry, TuneReport } from '../engine/kernels/autotune';
import type { KernelMode } from '../engine/kernels/select';
import type { FeatureSet } from '../tokenize/features';
import type { MaskedLmVocab } from '../tokenize/mlm';
import type { TrainConfigInput } from '../train/config';
import type { StoredCheckpoint, StoredResume } from '../persist/opfs';

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
  /** Masked LM: the tokenizer's vocabulary (the train worker has no tokenizer), for masking and predicted tokens. */
  mlm?: MaskedLmVocab;
}

/** AdamW's state: its step count and both moments of every parameter it has updated (same layout as the parameter). */
export interface OptimizerState {
  step: number;
  moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * Everything a run needs to continue exactly where it stopped, taken at an evaluation. The shuffle order is a
 * function of (seed, epoch) and dropout of (seed, step), so the data position plus the seed is the whole RNG state.
 */
export interface ResumeState {
  /** Optimizer steps done; the resumed run's first step is step + 1. */
  step: number;
  /** Steps of the whole run: the LR schedule is a function of it, so the resumed plan must have the same. */
  totalSteps: number;
  /** Where the next batch comes from: epoch and batch index within it. */
  epoch: number;
  batch: number;
  seed: number;
  /** The metric of the evaluation that took it. */
  metric: string;
  value: number;
  /** Every model variable (parameters and LoRA factors) after `step`. */
  weights: Record<string, Float32Array>;
  optimizer: OptimizerState;
  /** The best checkpoint so far; `weights` null when it is the one above (best at this very step). */
  best: { step: number; metric: string; value: number; weights: Record<string, Float32Array> | null } | null;
  /** Evaluations since the metric last improved by more than minDelta (early stopping). */
  sinceImprovement: number;
  /** Training losses summed since the last step event (a float32 GPU sum), and how many steps they cover. */
  pendingLoss: { sum: number; steps: number };
  /**
   * Mixed-precision runs: the GradScaler's scale and clean-step count, and the LR scheduler's steps (skipped
   * steps do not advance it, so it can trail `step`). Absent for float32 runs.
   */
  mixedPrecision?: { scale: number; growthTracker: number; schedulerSteps: number };
}

export type CheckpointKind = 'best' | 'last';

// ─── main → worker ──────────────────────────────────────────────────────────────────────────────────
export type TrainCommand =
  /**
   * `resume` continues a run from a state the worker exported (`export` kind 'last'), with the same config and
   * data. `resumable` keeps such a state at each evaluation (reads the AdamW moments back then): the studio
   * asks for it, the CLI does not.
   */
  /** `kernels` forces a kernel family (`?kernels=` / `--kernels`); default 'auto' tunes them on this adapter first. */
  /** `init` 'random' trains the model's architecture from scratch: every weight re-initialised with the config's seed. */
  /** `extend`: `resume` is a stopped or finished run continued for more steps (the config's longer maxSteps / epochs). */
  /** `resumeFrom` instead of `resume`: the worker reads the state itself from OPFS (runs/<runId>/<file>, persist/opfs.ts). */
  | { type: 'start'; model: ModelRef; data: TrainData; config: TrainConfigInput; resume?: ResumeState; resumeFrom?: { runId: string; file: string }; extend?: boolean; resumable?: boolean; kernels?: KernelMode; init?: 'pretrained' | 'random' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Ends the run after the current step; the best checkpoint is kept and the final evaluations still run. */
  | { type: 'stop' }
  /** Scores features with the current weights (the best ones once training is done). */
  | { type: 'predict'; requestId: number; data: EvalSplitData }
  /**
   * 'best': the checkpoint files (best weights, else the current ones; LoRA merged) in Hugging Face format.
   * 'last': the resume state of the last evaluation (weights, optimizer, data position), for exact resume.
   */
  /** `to`: write it to OPFS under runs/<runId>/ from the worker and answer with `stored` only (where the worker has OPFS). */
  | { type: 'export'; requestId: number; kind: CheckpointKind; to?: { runId: string } };

// ─── worker → main ──────────────────────────────────────────────────────────────────────────────────
export type RunState = 'loading' | 'training' | 'paused' | 'evaluating' | 'finished' | 'failed';

/** One validation prediction, as written to predictions.jsonl. */
export type Prediction =
  | { label: string; scores: Record<string, number> }
  | { labels: string[]; scores: Record<string, number> }
  /** QA: `answer_start` is the answer's character offset in the context, `score` start_logit + end_logit, `probability` its softmax over the n-best spans (the three absent: no answer). */
  | { id: string; prediction_text: string; answer_start?: number; score?: number; probability?: number }
  | { tags: string[] }
  /**
   * Masked LM, one line per masked position of a row: its top-5 tokens; with the gold token (and the model's
   * log-probability of it) where the position was masked from known text, without it for fill-mask.
   */
  | { row: number; position: number; gold?: FillMaskGold; top: FillMaskCandidate[] };

export interface FillMaskGold {
  token: number;
  token_str: string;
  log_prob: number;
}

/** One candidate token at a masked position (transformers' fill-mask pipeline names: token, token_str, score). */
export interface FillMaskCandidate {
  token: number;
  token_str: string;
  score: number;
}

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
  /** The kernel family in use and, in mode 'auto', what the autotuner chose per op and shape (GPU panel). */
  | { type: 'kernels'; mode: KernelMode; timing: TuneReport['timing'] | null; entries: TuneEntry[]; ms: number }
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
      /** Mixed precision: the loss scale this step ran with. */
      lossScale?: number;
      /**
       * Mixed precision: this step's gradients overflowed, so AdamW and the LR scheduler did not step (the scale
       * halved). Sent for every skipped step, as a marker with that step's own loss and gradNorm (inf or NaN);
       * the next regular event's mean loss still includes it, as the Trainer's logged loss does.
       */
      skipped?: true;
    }
  | { type: 'eval'; step: number; epoch: number; split: 'validation' | 'test'; result: SplitResult; isBest: boolean }
  | { type: 'checkpoint'; step: number; kind: CheckpointKind; metric: string; value: number }
  /**
   * A resume state was taken between evaluations (every resumeEverySteps steps or resumeEveryMinutes minutes, and
   * on pause and stop): `export` kind 'last' now returns it. Evaluations announce theirs with 'checkpoint' 'last'.
   */
  | { type: 'resumePoint'; step: number; reason: 'steps' | 'minutes' | 'pause' | 'stop' }
  /**
   * The GPU device was lost at `lostAt`; the worker took a new device, rebuilt the model from the resume point at
   * `from` and continues (attempt `attempt` of `of`). Steps after `from` are trained again, with the same numbers.
   */
  | { type: 'recovered'; lostAt: number; from: number; attempt: number; of: number; message: string }
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
      /** Set when this answers a request (`predict`, `export`): that request failed, the run did not. */
      requestId?: number;
    }
  | { type: 'prediction'; requestId: number; predictions: Prediction[]; result: SplitResult | null }
  /** With `stored`, the files were written to OPFS and `files` is empty. */
  | { type: 'exported'; requestId: number; kind: 'best'; step: number | null; files: Record<string, Uint8Array>; stored?: StoredCheckpoint }
  /** `resume` is null before the first evaluation, and when `stored` says where OPFS holds it. */
  | { type: 'exported'; requestId: number; kind: 'last'; step: number | null; resume: ResumeState | null; stored?: StoredResume };

export function featureBuffers(f: FeatureSet): ArrayBuffer[] {
  const arrays = [f.inputIds, f.attentionMask, f.tokenTypeIds, f.labels, f.startPositions, f.endPositions, f.exampleIndex, f.offsets];
  return arrays.filter((a): a is Int32Array => a !== null).map((a) => a.buffer as ArrayBuffer);
}

/** Every array of a resume state (weights, moments, best weights). */
export function resumeBuffers(r: ResumeState): ArrayBuffer[] {
  const arrays = [...Object.values(r.weights), ...Object.values(r.optimizer.moments).flatMap((s) => [s.m, s.v]), ...Object.values(r.best?.weights ?? {})];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** Buffers to transfer with a command (each once). */
export function trainTransferList(cmd: TrainCommand): ArrayBuffer[] {
  const sets: FeatureSet[] = [];
  const extra: ArrayBuffer[] = [];
  if (cmd.type === 'start') {
    sets.push(cmd.data.train);
    if (cmd.data.validation) sets.push(cmd.data.validation.features);
    if (cmd.data.test) sets.push(cmd.data.test.features);
    if (cmd.resume) extra.push(...resumeBuffers(cmd.resume));
  } else if (cmd.type === 'predict') sets.push(cmd.data.features);
  return [...new Set([...sets.flatMap(featureBuffers), ...extra])];
}

/**
 * Buffers to transfer with an event. A resume state is copied, not transferred: its arrays are the trainer's
 * own snapshot, which it still needs (fallback after a failure, the next export).
 */
export function eventTransferList(ev: TrainEvent): ArrayBuffer[] {
  if (ev.type !== 'exported' || ev.kind !== 'best') return [];
  return [...new Set(Object.values(ev.files).map((b) => b.buffer as ArrayBuffer))];
}

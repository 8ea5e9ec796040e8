/** Train + Live: the config form, the run's state, its streaming history and its results. */
import type { Example } from '../data/types';
import { emptyHistory, type History } from '../charts/history';
import type { ErrorKind, Prediction, RunState, SplitResult } from '../protocol/train';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig, TRAIN_PRESETS, type TrainConfig } from '../train/config';
import type { RunController } from './runController';
import { pauseRun, resumeTraining, startTraining, stopRun } from './trainRun';
import type { Slice } from './types';

export type StudioRunState = RunState | 'idle' | 'preparing';

export interface EvalView {
  step: number;
  split: 'validation' | 'test';
  result: SplitResult;
}

export interface TrainSlice {
  config: TrainConfig;
  presetId: string | null;
  runId: string | null;
  runState: StudioRunState;
  /** What the page is doing before the worker takes over (encoding, loading). */
  prepareMessage: string | null;
  /** The shown run's record, as runView derives it (runController.ts): written only from a record. */
  totalSteps: number;
  parameters: number;
  trainableParameters: number;
  loadReport: string[];
  /** The current run's owner (runController.ts); null before the first start on this page. */
  run: RunController | null;
  /** A new object on every append (its columns are append-only): charts and React observe its identity. */
  history: History;
  lastEval: EvalView | null;
  lastTest: EvalView | null;
  bestStep: number | null;
  bestMetric: { name: string; value: number } | null;
  checkpointStep: number | null;
  predictions: Prediction[] | null;
  /** Validation examples in prediction order (QA contexts, NER words, multi-label gold) for the results. */
  resultExamples: Example[] | null;
  doneReason: string | null;
  runError: { kind: ErrorKind; message: string; hint?: string; checkpointStep: number | null } | null;
  logs: string[];
  /** Something the run survived that the user should see (a GPU device loss and where it continued from). */
  runNotice: string | null;

  applyPreset(id: string): void;
  setConfig<K extends keyof TrainConfig>(key: K, value: TrainConfig[K]): void;
  startTraining(): Promise<void>;
  pauseTraining(): void;
  resumeTraining(): void;
  stopTraining(): void;
}

export const QUICK_PRESET = 'quick';

export const createTrainSlice: Slice<TrainSlice> = (set) => ({
  config: resolveTrainConfig(TRAIN_PRESETS.find((p) => p.id === QUICK_PRESET)!.overrides),
  presetId: QUICK_PRESET,
  runId: null,
  runState: 'idle',
  prepareMessage: null,
  totalSteps: 0,
  parameters: 0,
  trainableParameters: 0,
  loadReport: [],
  run: null,
  history: emptyHistory(),
  lastEval: null,
  lastTest: null,
  runNotice: null,
  bestStep: null,
  bestMetric: null,
  checkpointStep: null,
  predictions: null,
  resultExamples: null,
  doneReason: null,
  runError: null,
  logs: [],

  applyPreset(id) {
    const preset = TRAIN_PRESETS.find((p) => p.id === id);
    if (preset) set({ config: resolveTrainConfig(preset.overrides), presetId: id });
  },
  setConfig(key, value) {
    set((s) => ({ config: { ...s.config, [key]: value }, presetId: null }));
  },
  startTraining: () => startTraining(),
  pauseTraining: () => pauseRun(),
  resumeTraining: () => resumeTraining(),
  stopTraining: () => stopRun(),
});

export { DEFAULT_TRAIN_CONFIG };

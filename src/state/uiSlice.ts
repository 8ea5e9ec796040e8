/** The GPU adapter, the playground, multi-label thresholds and downloads. */
import * as predictor from '../client/predictClient';
import type { Example, Task } from '../data/types';
import type { AdapterReport } from '../engine/backend';
import { parseKernelMode, type KernelMode } from '../engine/kernels/modes';
import type { Prediction, TrainEvent } from '../protocol/train';
import { combinePredictions } from '../ensemble/playground';
import { taskSpec } from '../tasks/index';
import { downloadRunZip, runCheckpointFiles } from './exportRun';
import { expandZips } from './modelSlice';
import type { Slice } from './types';

export interface PlaygroundInput {
  text: string;
  textPair: string;
  question: string;
  context: string;
}

export interface PlaygroundResult {
  prediction: Prediction;
  /** Fill-mask: one prediction per mask token in the text (`prediction` is the first). */
  masks?: Prediction[];
  /** NER: the words the tags belong to; QA: the context the answer is in. */
  words?: string[];
  context?: string;
  elapsedMs: number;
}

/** `?kernels=flat|workgroup|tfjs|auto` forces a kernel family for runs started from this page. */
function kernelModeFromUrl(): { mode: KernelMode; error: string | null } {
  const value = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('kernels');
  try {
    return { mode: parseKernelMode(value), error: null };
  } catch (e) {
    return { mode: 'auto', error: `${(e as Error).message}; using auto` };
  }
}

export interface UiSlice {
  adapter: { state: 'probing' } | { state: 'ready'; report: AdapterReport } | { state: 'missing'; help: string };
  /** The kernel family runs use (from the URL), and what the last run's autotuner chose. */
  kernelMode: KernelMode;
  kernelModeError: string | null;
  kernels: Omit<Extract<TrainEvent, { type: 'kernels' }>, 'type'> | null;
  pgStatus: 'none' | 'loading' | 'ready' | 'predicting' | 'error';
  pgLabel: string;
  pgTask: Task | null;
  pgLabels: string[];
  /** Masked LM: the mask token a fill-mask text must contain. */
  pgMaskToken: string | null;
  /** An ensemble in the playground: its members' runs and weights (each predicts in turn; src/ensemble/playground.ts). */
  pgEnsemble: { runIds: string[]; weights: number[]; thresholds: Record<string, number> | null } | null;
  pgInput: PlaygroundInput;
  pgResult: PlaygroundResult | null;
  pgError: string | null;
  thresholds: Record<string, number>;
  exportStatus: 'idle' | 'building' | 'error';
  exportError: string | null;

  probeAdapter(): Promise<void>;
  setPlaygroundInput(patch: Partial<PlaygroundInput>): void;
  loadPlaygroundFromRun(runId: string): Promise<void>;
  loadPlaygroundFiles(files: File[], label: string): Promise<void>;
  /** The playground predicts with every member of an ensemble of saved runs and combines their predictions. */
  loadPlaygroundEnsemble(ensemble: { task: Task; labels: string[]; runIds: string[]; weights: number[]; thresholds: Record<string, number> | null }): void;
  predictPlayground(): Promise<void>;
  setThreshold(label: string, value: number): void;
  downloadZip(runId: string): Promise<void>;
}

/** One typed input as an example of the task; the gold label is a placeholder the metrics ignore. */
export function playgroundExample(task: Task, labels: string[], input: PlaygroundInput): { example: Example; words?: string[] } {
  return taskSpec(task).playgroundExample(input, labels);
}

export const createUiSlice: Slice<UiSlice> = (set, get) => {
  async function load(files: File[], label: string, task?: Task, labels?: string[]) {
    set({ pgStatus: 'loading', pgError: null, pgResult: null, pgLabel: label, pgEnsemble: null });
    try {
      const ev = await predictor.loadPredictor(files, task, labels);
      set({ pgStatus: 'ready', pgTask: ev.task, pgLabels: ev.labels, pgMaskToken: ev.maskToken });
    } catch (e) {
      set({ pgStatus: 'error', pgError: (e as Error).message });
    }
  }
  const fromUrl = kernelModeFromUrl();
  return {
    adapter: { state: 'probing' },
    kernelMode: fromUrl.mode,
    kernelModeError: fromUrl.error,
    kernels: null,
    pgStatus: 'none',
    pgLabel: '',
    pgTask: null,
    pgLabels: [],
    pgMaskToken: null,
    pgEnsemble: null,
    pgInput: { text: '', textPair: '', question: '', context: '' },
    pgResult: null,
    pgError: null,
    thresholds: {},
    exportStatus: 'idle',
    exportError: null,

    async probeAdapter() {
      // Loaded on demand: the backend module brings TF.js, which the page itself never needs.
      const { describeAdapter, WEBGPU_HELP } = await import('../engine/backend');
      try {
        const report = await describeAdapter();
        set({ adapter: report ? { state: 'ready', report } : { state: 'missing', help: WEBGPU_HELP } });
      } catch {
        set({ adapter: { state: 'missing', help: WEBGPU_HELP } });
      }
    },
    setPlaygroundInput(patch) {
      set((s) => ({ pgInput: { ...s.pgInput, ...patch } }));
    },
    async loadPlaygroundFromRun(runId) {
      const run = get().runs.find((r) => r.id === runId);
      try {
        const files = await runCheckpointFiles(runId);
        await load(files, run?.name ?? runId, run?.task, run?.labels);
      } catch (e) {
        set({ pgStatus: 'error', pgError: (e as Error).message });
      }
    },
    async loadPlaygroundFiles(dropped, label) {
      await load(await expandZips(dropped), label);
    },
    loadPlaygroundEnsemble({ task, labels, runIds, weights, thresholds }) {
      set({ pgStatus: 'ready', pgError: null, pgResult: null, pgTask: task, pgLabels: labels, pgMaskToken: null, pgLabel: `ensemble of ${runIds.length} runs`, pgEnsemble: { runIds, weights, thresholds } });
    },
    async predictPlayground() {
      const { pgTask, pgLabels, pgInput, maxLength } = get();
      if (!pgTask) return;
      const { example, words } = playgroundExample(pgTask, pgLabels, pgInput);
      set({ pgStatus: 'predicting', pgError: null });
      try {
        const spec = taskSpec(pgTask);
        const ensemble = get().pgEnsemble;
        if (ensemble) {
          // Each member in turn in the predict worker (it holds one model), then the task's ensemble rule.
          const started = performance.now();
          const preds: Prediction[] = [];
          for (const id of ensemble.runIds) {
            await predictor.loadPredictor(await runCheckpointFiles(id), pgTask, pgLabels);
            preds.push((await predictor.predict([example], spec.defaultMaxLength ?? maxLength ?? 128)).predictions[0]);
          }
          const prediction = combinePredictions(pgTask, pgLabels, preds, ensemble.weights, ensemble.thresholds);
          const context = spec.views.playground === 'question-context' ? pgInput.context : undefined;
          set({ pgStatus: 'ready', pgResult: { prediction, words, context, elapsedMs: performance.now() - started } });
          return;
        }
        const ev = await predictor.predict([example], spec.defaultMaxLength ?? maxLength ?? 128);
        const context = spec.views.playground === 'question-context' ? pgInput.context : undefined;
        const masks = spec.views.playground === 'fill-mask' ? { masks: ev.predictions } : {};
        set({ pgStatus: 'ready', pgResult: { prediction: ev.predictions[0], words, context, elapsedMs: ev.elapsedMs, ...masks } });
      } catch (e) {
        set({ pgStatus: 'error', pgError: (e as Error).message });
      }
    },
    setThreshold(label, value) {
      set((s) => ({ thresholds: { ...s.thresholds, [label]: value } }));
    },
    async downloadZip(runId) {
      set({ exportStatus: 'building', exportError: null });
      try {
        await downloadRunZip(runId);
        set({ exportStatus: 'idle' });
      } catch (e) {
        set({ exportStatus: 'error', exportError: (e as Error).message });
      }
    },
  };
};

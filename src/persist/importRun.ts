/**
 * A Trainer output folder (config.json, weights, trainer_state.json, and the project's training_config.json
 * when it comes along) as a run of the runs list: a RunRecord with its History, so it opens, charts and
 * compares like a browser run. Pure: the drop handler reads the files, this decides what they mean.
 */
import type { History } from '../charts/history';
import type { Task } from '../data/types';
import type { HfConfig } from '../engine/config';
import { importTrainerState } from '../export/trainer/importState';
import { TASKS, taskOfCheckpoint } from '../tasks/index';
import type { TrainConfigInput } from '../train/config';
import type { RunRecord } from './runs';

export interface TrainerOutputFiles {
  /** The folder's name, to name the run. */
  folder: string;
  /** config.json of the saved model. */
  config: HfConfig;
  /** trainer_state.json, parsed. */
  state: unknown;
  /** training_config.json of the Trainer project the studio wrote, when the user dropped it too. */
  trainingConfig?: Record<string, unknown>;
}

export interface ImportedRun {
  record: RunRecord;
  history: History;
  /** What could not be imported or was guessed (shown beside the run). */
  notes: string[];
}

/** id2label's names in id order; empty when the config has none (QA). */
function labelsOfConfig(config: HfConfig): string[] {
  const entries = Object.entries(config.id2label ?? {}).map(([id, l]) => [Number(id), l] as const);
  return entries.sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}

export function importTrainerOutput(files: TrainerOutputFiles, meta: { id: string; now: number }): ImportedRun {
  const tc = files.trainingConfig ?? {};
  const notes: string[] = [];
  const task = (typeof tc.task === 'string' && TASKS.has(tc.task) ? tc.task : taskOfCheckpoint(files.config)) as Task;
  if (!files.trainingConfig) notes.push(`no training_config.json: the task (${task}) is read from config.json and the run's settings are unknown`);
  const spec = TASKS.get(task);
  const labels = Array.isArray(tc.labels) ? (tc.labels as string[]) : spec.hasLabelVocabulary ? labelsOfConfig(files.config) : [];
  const config = (tc.config && typeof tc.config === 'object' ? tc.config : {}) as TrainConfigInput;
  const imported = importTrainerState(files.state, { metricForBest: config.metricForBest ?? undefined, preferred: spec.defaultMetric });
  notes.push(...imported.notes);
  if (imported.stoppedEarly) notes.push(`stopped at step ${imported.lastStep} of ${imported.totalSteps} (early stopping)`);
  const base = typeof tc.model === 'string' ? tc.model : typeof files.config._name_or_path === 'string' ? files.config._name_or_path : files.folder;
  const asResult = (metrics: Record<string, number> | null) => (metrics ? { metrics, report: null } : null);
  const record: RunRecord = {
    id: meta.id,
    name: `${task} · ${base} · Trainer (${files.folder})`,
    createdAt: meta.now,
    updatedAt: meta.now,
    // 'finished' even when early stopping ended it: 'stopped' offers Resume, and there is no data here to resume with.
    status: 'finished',
    task,
    labels,
    // The weights are this run's checkpoint (stored under the run's id), not a base model to start from.
    model: { kind: 'local', label: files.folder, key: meta.id },
    modelLabel: base,
    datasetId: '',
    taskOverride: task,
    columns: {},
    maxLength: typeof tc.max_length === 'number' ? tc.max_length : 0,
    config,
    presetId: null,
    totalSteps: imported.totalSteps,
    stepOffset: 0,
    lastStep: imported.lastStep,
    bestStep: imported.bestStep,
    bestMetric: imported.bestMetric,
    checkpointStep: imported.bestStep ?? imported.lastStep,
    parameters: 0,
    trainableParameters: 0,
    data: { files: [], splits: { train: 0, validation: 0, test: 0 }, labelCounts: {}, invalidRows: 0 },
    final: { validation: asResult(imported.validation), test: asResult(imported.test), predictions: [] },
    error: null,
  };
  return { record, history: imported.history, notes };
}

/** Trainer bookkeeping and PyTorch pickles: not part of the checkpoint the studio stores. */
const NOT_CHECKPOINT = new Set(['trainer_state.json', 'training_config.json', 'training_args.bin', 'optimizer.pt', 'scheduler.pt', 'rng_state.pth', 'scaler.pt', 'pytorch_model.bin', 'all_results.json', 'train_results.json', 'eval_results.json']);

export interface TrainerFolderChoice {
  /** Path of each file to read, by role; null when absent. */
  config: string | null;
  state: string | null;
  trainingConfig: string | null;
  /** Files that become the run's checkpoint (weights, config, tokenizer), by their name. */
  checkpoint: Map<string, string>;
  /** Why the import cannot go on (no config.json / trainer_state.json), or what will be missing. */
  errors: string[];
  notes: string[];
}

/**
 * Which dropped files are what. A picked folder brings its checkpoint-<step>/ subfolders too: of each file
 * name the shallowest path wins (the output folder's own files: the final or best model). The Trainer project's
 * training_config.json may sit one level up; it is taken from any depth.
 */
export function chooseTrainerFiles(paths: readonly string[]): TrainerFolderChoice {
  const byName = new Map<string, string>();
  const depth = (p: string) => p.split('/').length;
  for (const p of paths) {
    const name = p.split('/').pop()!;
    const seen = byName.get(name);
    if (!seen || depth(p) < depth(seen)) byName.set(name, p);
  }
  const errors: string[] = [];
  const notes: string[] = [];
  if (!byName.has('config.json')) errors.push('no config.json (the saved model\'s configuration)');
  if (!byName.has('trainer_state.json')) errors.push('no trainer_state.json (trainer.save_state() writes it into the output folder)');
  const checkpoint = new Map([...byName].filter(([name]) => !NOT_CHECKPOINT.has(name)));
  const hasSafetensors = [...checkpoint.keys()].some((n) => n.endsWith('.safetensors'));
  if (!hasSafetensors) {
    notes.push(
      byName.has('pytorch_model.bin')
        ? 'the weights are in pytorch_model.bin, which the browser cannot read: charts and metrics are imported, the model is not (save with save_safetensors=True, the default from transformers 4.35)'
        : 'no model.safetensors: charts and metrics are imported, the model is not',
    );
  }
  return { config: byName.get('config.json') ?? null, state: byName.get('trainer_state.json') ?? null, trainingConfig: byName.get('training_config.json') ?? null, checkpoint: hasSafetensors ? checkpoint : new Map(), errors, notes };
}

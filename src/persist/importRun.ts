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

/**
 * Starting a run on the page: check it can start, encode the splits in the data worker, hand them to a new
 * train worker, and continue a saved run exactly where its last evaluation left it after a reload. The run's
 * state from then on belongs to its RunController (runController.ts), which the store holds as `run`.
 */
import { emptyHistory, type History } from '../charts/history';
import * as data from '../client/dataClient';
import { TrainClient } from '../client/trainClient';
import { persistStorage } from '../persist/db';
import { isStoredResume, saveDataset, type CheckpointRecord, type ResumeRecord, type RunRecord } from '../persist/runs';
import { taskSpec } from '../tasks/index';
import type { EvalSplitData, ResumeState } from '../protocol/train';
import { resumeConfig } from './resumeConfig';
import { RunController, runView } from './runController';
import { useStudio, type Studio } from './store';

// Functions, not bound values: this module is imported while the store is being created.
const get = () => useStudio.getState();
const set = (partial: Partial<Studio> | ((s: Studio) => Partial<Studio>)) => useStudio.setState(partial);

/** Why Start is disabled, in words; null when a run can start. */
export function startBlocker(s = get()): string | null {
  if (s.dataStatus !== 'ready' || !s.summary) return 'Add a training file first.';
  if (!s.mappingAccepted) return 'Check the task and columns, then accept them.';
  if (s.summary.invalidRows > 0 && !s.skipInvalid) return 'Some rows are invalid: choose “continue without invalid rows” or fix the file.';
  if (s.modelStatus !== 'ready' || !s.modelFiles) return 'Choose a model.';
  if (!s.maxLength) return 'Waiting for the token statistics.';
  if (s.runState === 'preparing' || s.runState === 'loading' || s.runState === 'training' || s.runState === 'paused' || s.runState === 'evaluating') return 'A run is in progress.';
  return null;
}

export async function startTraining(): Promise<void> {
  const s = get();
  const blocker = startBlocker(s);
  if (blocker) {
    set({ runError: { kind: 'invalid_config', message: blocker, checkpointStep: null } });
    return;
  }
  const summary = s.summary!;
  const id = `run-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // Preparing from the click on: Start is disabled while the dataset is saved, and no one reads the previous run's
  // 'finished' as this one's.
  set({ runState: 'preparing', prepareMessage: 'Saving the dataset…', runError: null });
  await saveDataset(id, s.dataFiles).catch(() => undefined);
  const r: RunRecord = {
    id,
    name: `${summary.task} · ${s.modelLabel} · ${new Date().toLocaleString()}`,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    status: 'running',
    task: summary.task!,
    labels: summary.labels,
    model: s.modelChoice!,
    modelLabel: s.modelLabel,
    datasetId: id,
    taskOverride: s.taskChoice,
    columns: summary.columns,
    maxLength: s.maxLength!,
    config: { ...s.config },
    presetId: s.presetId,
    totalSteps: 0,
    stepOffset: 0,
    lastStep: 0,
    bestStep: null,
    bestMetric: null,
    checkpointStep: null,
    parameters: 0,
    trainableParameters: 0,
    data: {
      files: summary.files.map((f) => ({ name: f.file, split: f.split, rows: f.rows, valid: f.valid })),
      splits: summary.splits,
      labelCounts: summary.labelCounts,
      invalidRows: summary.invalidRows,
    },
    final: null,
    error: null,
    ...(s.initRandom ? { init: 'random' as const } : {}),
    ...(s.lineByLine && summary.task === 'mlm' ? { lineByLine: true as const } : {}),
  };
  await launch(r, s.modelFiles!, emptyHistory(), null, null);
}

/**
 * Encodes, starts the worker and sends `start`. `resume` continues a saved run exactly (weights, optimizer,
 * schedule and data position); without it, `checkpoint` restarts the steps left from the best weights (runs
 * saved before resume states existed); `checkpoint` is also what Export downloads until a new best comes.
 */
export async function launch(
  saved: RunRecord,
  modelFiles: File[],
  history: History,
  checkpoint: CheckpointRecord | null,
  resume: ResumeRecord | null,
  /** `extend`: a stopped or finished run continued for more steps (its record's config already has them). */
  opts: { extend?: boolean } = {},
): Promise<void> {
  const fromBest = resume ? null : checkpoint;
  const offset = fromBest?.step ?? 0;
  const run = new RunController({ ...saved, stepOffset: offset, checkpointStep: checkpoint?.step ?? null }, history.elapsedMs.at(-1) ?? 0);
  const r = run.record;
  get().run?.dispose();
  set({
    run, runId: r.id, runState: 'preparing', prepareMessage: 'Encoding the training data…', history, ...runView(r),
    lastEval: null, lastTest: null, predictions: null, resultExamples: null, doneReason: null, runError: null, logs: [], runNotice: null,
  });
  // Resume states and checkpoints of BERT-base weigh GBs: ask the browser not to evict them under pressure (after
  // the state above, so the page shows the run as preparing at once whatever the permission check costs).
  void persistStorage();
  try {
    const progress = (label: string) => (p: { loaded: number; total: number }) => set({ prepareMessage: `${label} ${p.loaded} / ${p.total}` });
    const summary = get().summary!;
    const spec = taskSpec(r.task);
    const encodeOpts = { lineByLine: r.lineByLine ?? false };
    const evalSplit = async (split: 'validation' | 'test'): Promise<EvalSplitData | undefined> => {
      if (!summary.splits[split]) return undefined;
      const features = await data.encode(split, r.maxLength, progress(`Encoding ${split}`), encodeOpts);
      return { features, examples: spec.decodeNeedsExamples ? await data.examples(split) : undefined };
    };
    const train = await data.encode('train', r.maxLength, progress('Encoding train'), encodeOpts);
    const validation = await evalSplit('validation');
    const test = await evalSplit('test');
    const mlm = spec.head === 'mlm' ? { mlm: await data.mlmVocab() } : {};
    set({ prepareMessage: 'Starting the trainer…' });
    run.attach(await TrainClient.create((e) => run.onEvent(e)));
    const files = fromBest ? mergeCheckpoint(modelFiles, fromBest) : modelFiles;
    const config = fromBest ? resumeConfig(r.config, r.totalSteps, offset) : r.config;
    run.send({
      type: 'start', model: { kind: 'files', files, label: r.modelLabel }, data: { task: r.task, labels: r.labels, train, validation, test, ...mlm }, config,
      resumable: true, kernels: get().kernelMode, init: r.init ?? 'pretrained', ...resumeField(r.id, resume), ...(opts.extend && resume ? { extend: true } : {}),
    });
    run.update({ status: 'running' });
    await run.persist(true);
  } catch (e) {
    run.fail('internal', (e as Error).message);
  }
}

/** A state stored in OPFS is read by the worker itself (only its name travels); an IndexedDB one is sent whole. */
function resumeField(runId: string, resume: ResumeRecord | null): { resume?: ResumeState; resumeFrom?: { runId: string; file: string } } {
  if (!resume) return {};
  return isStoredResume(resume) ? { resumeFrom: { runId, file: resume.file } } : { resume };
}

/** The checkpoint's weights and config with the starting model's tokenizer files. */
function mergeCheckpoint(modelFiles: File[], c: CheckpointRecord): File[] {
  const saved = Object.entries(c.files).map(([name, bytes]) => new File([bytes as BlobPart], name));
  const names = new Set(saved.map((f) => f.name));
  return [...saved, ...modelFiles.filter((f) => !names.has(f.name) && !f.name.startsWith('model.safetensors'))];
}

export function pauseRun(): void {
  get().run?.send({ type: 'pause' });
}
export function resumeTraining(): void {
  get().run?.send({ type: 'resume' });
}
export function stopRun(): void {
  get().run?.send({ type: 'stop' });
}

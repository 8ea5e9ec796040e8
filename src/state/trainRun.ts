/**
 * A run's life on the page: encode the splits in the data worker, hand them to the train worker, turn its
 * events into store updates, save history, checkpoints and resume states as they come, and continue a saved
 * run exactly where its last evaluation left it after a reload. Everything here is I/O and bookkeeping; the
 * computing is in the workers.
 */
import { appendEval, appendStep, emptyHistory, type History } from '../charts/history';
import * as data from '../client/dataClient';
import { TrainClient } from '../client/trainClient';
import { saveCheckpoint, saveDataset, saveHistory, saveResumeState, saveRun, type CheckpointRecord, type RunRecord } from '../persist/runs';
import type { CheckpointKind, EvalSplitData, ResumeState, TrainEvent } from '../protocol/train';
import { resumeConfig } from './resumeConfig';
import { useStudio, type Studio } from './store';

let client: TrainClient | null = null;
let record: RunRecord | null = null;
let saveTimer: ReturnType<typeof setTimeout> | null = null;
let exporting: Promise<void> | null = null;
/** Elapsed time of the history a resumed attempt continues. */
let elapsedBase = 0;

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
  };
  await launch(r, s.modelFiles!, emptyHistory(), null, null);
}

/**
 * Encodes, starts the worker and sends `start`. `resume` continues a saved run exactly (weights, optimizer,
 * schedule and data position); without it, `checkpoint` restarts the steps left from the best weights (runs
 * saved before resume states existed); `checkpoint` is also what Export downloads until a new best comes.
 */
export async function launch(r: RunRecord, modelFiles: File[], history: History, checkpoint: CheckpointRecord | null, resume: ResumeState | null): Promise<void> {
  record = r;
  const fromBest = resume ? null : checkpoint;
  const offset = fromBest?.step ?? 0;
  r.stepOffset = offset;
  elapsedBase = history.elapsedMs.at(-1) ?? 0;
  set({
    runId: r.id, runState: 'preparing', prepareMessage: 'Encoding the training data…', history, historyRev: get().historyRev + 1,
    lastEval: null, lastTest: null, predictions: null, resultExamples: null, doneReason: null, runError: null, logs: [], checkpointStep: checkpoint?.step ?? null,
    bestStep: r.bestStep, bestMetric: r.bestMetric, totalSteps: r.totalSteps,
  });
  try {
    const progress = (label: string) => (p: { loaded: number; total: number }) => set({ prepareMessage: `${label} ${p.loaded} / ${p.total}` });
    const summary = get().summary!;
    const withExamples = r.task === 'qa' || r.task === 'ner';
    const evalSplit = async (split: 'validation' | 'test'): Promise<EvalSplitData | undefined> => {
      if (!summary.splits[split]) return undefined;
      const features = await data.encode(split, r.maxLength, progress(`Encoding ${split}`));
      return { features, examples: withExamples ? await data.examples(split) : undefined };
    };
    const train = await data.encode('train', r.maxLength, progress('Encoding train'));
    const validation = await evalSplit('validation');
    const test = await evalSplit('test');
    set({ prepareMessage: 'Starting the trainer…' });
    client?.terminate();
    client = await TrainClient.create(onEvent);
    const files = fromBest ? mergeCheckpoint(modelFiles, fromBest) : modelFiles;
    const config = fromBest ? resumeConfig(r.config, r.totalSteps, offset) : r.config;
    client.send({
      type: 'start', model: { kind: 'files', files, label: r.modelLabel }, data: { task: r.task, labels: r.labels, train, validation, test }, config,
      resumable: true, kernels: get().kernelMode, ...(resume ? { resume } : {}),
    });
    r.status = 'running';
    await persist(true);
  } catch (e) {
    fail('internal', (e as Error).message);
  }
}

/** The checkpoint's weights and config with the starting model's tokenizer files. */
function mergeCheckpoint(modelFiles: File[], c: CheckpointRecord): File[] {
  const saved = Object.entries(c.files).map(([name, bytes]) => new File([bytes as BlobPart], name));
  const names = new Set(saved.map((f) => f.name));
  return [...saved, ...modelFiles.filter((f) => !names.has(f.name) && !f.name.startsWith('model.safetensors'))];
}

function fail(kind: 'internal' | TrainEventError['kind'], message: string, hint?: string): void {
  const checkpointStep = record?.checkpointStep ?? null;
  set({ runState: 'failed', prepareMessage: null, runError: { kind, message, hint, checkpointStep } });
  if (record) {
    record.status = 'failed';
    record.error = message;
    void persist(true);
  }
}
type TrainEventError = Extract<TrainEvent, { type: 'error' }>;

async function persist(now = false): Promise<void> {
  if (!record) return;
  const write = async () => {
    saveTimer = null;
    if (!record) return;
    record.updatedAt = Date.now();
    await Promise.all([saveRun(record), saveHistory(record.id, get().history)]).catch(() => undefined);
    await get().refreshRuns();
  };
  if (now) {
    if (saveTimer) clearTimeout(saveTimer);
    await write();
  } else saveTimer ??= setTimeout(() => void write(), 2000);
}

/**
 * Asks the worker for a checkpoint and stores it, one export at a time: 'best' is what Export downloads, 'last'
 * the resume state. An attempt restarted from best weights (stepOffset > 0) numbers its steps from the restart,
 * so its states do not describe the saved run and are not kept.
 */
function saveWorkerCheckpoint(kind: CheckpointKind): Promise<void> {
  if (!client || !record) return Promise.resolve();
  const c = client;
  const r = record;
  if (kind === 'last' && r.stepOffset > 0) return exporting ?? Promise.resolve();
  const previous = exporting ?? Promise.resolve();
  exporting = previous.then(async () => {
    if (kind === 'last') {
      const ev = await c.exportCheckpoint('last');
      if (ev.resume) await saveResumeState(r.id, ev.resume).catch(() => undefined);
      return;
    }
    const ev = await c.exportCheckpoint('best');
    const step = (ev.step ?? 0) + r.stepOffset;
    await saveCheckpoint(r.id, { step, files: ev.files }).catch(() => undefined);
    r.checkpointStep = step;
    if (record === r) set({ checkpointStep: step });
    await persist();
  }).catch((e: unknown) => {
    // A failed export (the worker refused, crashed or timed out) is logged; the chain stays usable for the next.
    if (record === r) set((s) => ({ logs: [...s.logs.slice(-49), `⚠ saving the ${kind} checkpoint failed: ${(e as Error).message}`] }));
  });
  return exporting;
}

function onEvent(e: TrainEvent): void {
  const r = record;
  if (!r) return;
  const off = r.stepOffset;
  switch (e.type) {
    case 'state':
      set({ runState: e.state, prepareMessage: null });
      if (e.state === 'paused' || e.state === 'training') {
        r.status = e.state === 'paused' ? 'paused' : 'running';
        void persist(true);
      }
      return;
    case 'kernels':
      set({ kernels: { mode: e.mode, timing: e.timing, entries: e.entries, ms: e.ms } });
      return;
    case 'log':
      set((s) => ({ logs: [...s.logs.slice(-49), `${e.level === 'warn' ? '⚠ ' : ''}${e.message}`] }));
      return;
    case 'ready':
      r.totalSteps = e.totalSteps + off;
      r.parameters = e.parameters;
      r.trainableParameters = e.trainableParameters;
      set({ totalSteps: r.totalSteps, parameters: e.parameters, trainableParameters: e.trainableParameters, loadReport: e.loadReport });
      void persist(true);
      return;
    case 'step': {
      const h = get().history;
      appendStep(h, e, off, elapsedBase);
      r.lastStep = e.step + off;
      set((s) => ({ historyRev: s.historyRev + 1 }));
      void persist();
      return;
    }
    case 'eval': {
      const view = { step: e.step + off, split: e.split, result: e.result };
      if (e.split === 'validation') {
        appendEval(get().history, e.step + off, e.result.metrics);
        set((s) => ({ lastEval: view, historyRev: s.historyRev + 1 }));
      } else set({ lastTest: view });
      if (e.isBest) set({ bestStep: e.step + off });
      return;
    }
    case 'checkpoint':
      if (e.kind === 'best') {
        r.bestStep = e.step + off;
        r.bestMetric = { name: e.metric, value: e.value };
        set({ bestStep: r.bestStep, bestMetric: r.bestMetric });
      }
      void saveWorkerCheckpoint(e.kind);
      return;
    case 'done':
      r.final = { validation: e.validation, test: e.test, predictions: e.predictions };
      r.bestStep = e.bestStep === null ? r.bestStep : e.bestStep + off;
      r.bestMetric = e.bestMetric ?? r.bestMetric;
      set({
        predictions: e.predictions, doneReason: e.reason, bestStep: r.bestStep, bestMetric: r.bestMetric,
        lastEval: e.validation ? { step: e.step + off, split: 'validation', result: e.validation } : get().lastEval,
        lastTest: e.test ? { step: e.step + off, split: 'test', result: e.test } : get().lastTest,
      });
      void data.examples('validation').then((resultExamples) => set({ resultExamples }), () => undefined);
      void saveWorkerCheckpoint('best').then(() => {
        r.status = e.reason === 'stopped' ? 'stopped' : 'finished';
        set({ runState: 'finished' });
        return persist(true);
      });
      return;
    case 'error':
      fail(e.kind, e.message, e.hint);
      return;
    case 'prediction':
    case 'exported':
      return;
  }
}

export function pauseRun(): void {
  client?.send({ type: 'pause' });
}
export function resumeTraining(): void {
  client?.send({ type: 'resume' });
}
export function stopRun(): void {
  client?.send({ type: 'stop' });
}
/** The worker of the current run, for exports of a finished run that is still loaded. */
export const currentRun = () => ({ client, record });

/** Past and interrupted runs: listed from IndexedDB, opened (charts, results, export) and resumed. */
import { emptyHistory, truncateHistory } from '../charts/history';
import * as data from '../client/dataClient';
import type { HfConfig } from '../engine/config';
import { modelInfo } from '../estimate/memory';
import { deleteRun, loadCheckpoint, loadDataset, loadHistory, loadResumeState, loadRuns, saveRun, type RunRecord } from '../persist/runs';
import { runStoredBytes } from '../persist/opfs';
import { resolveTrainConfig } from '../train/config';
import { runView } from './runController';
import { launch } from './trainRun';
import type { Slice } from './types';

export interface RunsSlice {
  runs: RunRecord[];
  runsLoaded: boolean;
  /** Bytes each run holds in OPFS (resume state and best checkpoint), by run id; 0 when none is there. */
  runBytes: Record<string, number>;
  refreshRuns(): Promise<void>;
  /** Shows a saved run's charts and results (read only). */
  openRun(id: string): Promise<void>;
  /**
   * Restores the run's data and model and continues it from its last resume state (else its best weights); with
   * `moreSteps`, a stopped or finished run trains that many steps more from its last state (a longer schedule).
   */
  resumeSavedRun(id: string, moreSteps?: number): Promise<void>;
  deleteSavedRun(id: string): Promise<void>;
  /** On page load: a run that was training when the tab went away is resumed. */
  resumeInterrupted(): Promise<void>;
}

export const createRunsSlice: Slice<RunsSlice> = (set, get) => ({
  runs: [],
  runsLoaded: false,
  runBytes: {},

  async refreshRuns() {
    const loaded = await loadRuns().catch(() => [] as RunRecord[]);
    const { runs: before, runBytes: knownBytes, runsLoaded } = get();
    // A record saved again unchanged keeps its identity, and its stored size is not rescanned: during training the
    // list refreshes after every save (every ~2 s), and a fresh array re-rendered every panel that lists runs.
    const previous = new Map(before.map((r) => [r.id, r] as const));
    const runs = loaded.map((r) => {
      const p = previous.get(r.id);
      const unchanged = p && p.updatedAt === r.updatedAt && p.status === r.status && p.lastStep === r.lastStep && p.checkpointStep === r.checkpointStep && p.error === r.error;
      return unchanged ? p : r;
    });
    const rescan = runs.filter((r) => r !== previous.get(r.id) || !(r.id in knownBytes));
    const scanned = await Promise.all(rescan.map((r) => runStoredBytes(r.id).catch(() => 0)));
    const runBytes = Object.fromEntries(runs.map((r) => [r.id, knownBytes[r.id] ?? 0] as const));
    rescan.forEach((r, i) => (runBytes[r.id] = scanned[i]));
    const same = runsLoaded && runs.length === before.length && runs.every((r, i) => r === before[i]) && runs.every((r) => runBytes[r.id] === knownBytes[r.id]);
    if (!same) set({ runs, runsLoaded: true, runBytes });
  },

  async openRun(id) {
    const r = get().runs.find((x) => x.id === id);
    if (!r) return;
    const history = (await loadHistory(id)) ?? emptyHistory();
    const f = r.final;
    set((s) => ({
      runId: id, runState: r.status === 'failed' ? 'failed' : r.status === 'finished' || r.status === 'stopped' ? 'finished' : 'idle',
      history, ...runView(r), predictions: f?.predictions ?? null,
      lastEval: f?.validation ? { step: r.lastStep, split: 'validation', result: f.validation } : null,
      lastTest: f?.test ? { step: r.lastStep, split: 'test', result: f.test } : null,
      runError: r.error ? { kind: 'internal', message: r.error, checkpointStep: r.checkpointStep } : null,
      doneReason: r.status, prepareMessage: null, config: resolveTrainConfig(r.config),
    }));
  },

  async resumeSavedRun(id, moreSteps) {
    const found = get().runs.find((x) => x.id === id);
    if (!found) return;
    // Continuing for more steps: the same run with a longer plan (maxSteps counts from the run's first step).
    const r = moreSteps ? { ...found, config: { ...found.config, maxSteps: found.totalSteps + moreSteps }, status: 'running' as const, final: null } : found;
    set({ runId: id, runState: 'preparing', prepareMessage: 'Restoring the dataset…', runError: null });
    try {
      const files = await loadDataset(r.datasetId);
      if (!files) throw new Error('the dataset of this run is no longer stored in this browser');
      set({ dataFiles: files, taskChoice: r.taskOverride, columnChoice: r.columns });
      await get().parseData();
      set({ mappingAccepted: true, skipInvalid: true, prepareMessage: 'Restoring the model…' });
      const modelFiles = await get().modelFilesFor(r.model);
      const config = JSON.parse(await modelFiles.find((f) => f.name === 'config.json')!.text()) as HfConfig;
      const tokenizer = await data.loadTokenizer(modelFiles, r.modelLabel);
      set({ modelChoice: r.model, modelLabel: r.modelLabel, modelFiles, modelInfo: modelInfo(config), tokenizer, modelStatus: 'ready', maxLength: r.maxLength });
      void get().refreshTokenStats();
      const [checkpoint, resume] = await Promise.all([loadCheckpoint(id), loadResumeState(id)]);
      if (moreSteps && !resume) throw new Error('this run kept no resume state (weights, AdamW moments, data position), so it cannot be continued');
      const from = resume?.step ?? checkpoint?.step ?? 0;
      const history = truncateHistory((await loadHistory(id)) ?? emptyHistory(), from);
      set({ config: resolveTrainConfig(r.config), logs: [] });
      await launch(r, modelFiles, history, checkpoint, resume, { extend: !!moreSteps });
      const note = moreSteps
        ? `Continued from step ${from} for ${moreSteps} more steps (${r.config.maxSteps} in all; the learning-rate schedule spans the new total).`
        : resume
        ? `Resumed from the checkpoint at step ${from}.`
        : checkpoint
          ? `Resumed from the best weights at step ${from} (no optimizer state was saved: the schedule restarts for the steps left).`
          : 'No checkpoint was saved: restarted from the beginning.';
      set((s) => ({ logs: [...s.logs, note] }));
    } catch (e) {
      r.status = 'failed';
      r.error = `Could not resume: ${(e as Error).message}`;
      await saveRun(r).catch(() => undefined);
      set({ runState: 'failed', prepareMessage: null, runError: { kind: 'internal', message: r.error, checkpointStep: r.checkpointStep } });
      await get().refreshRuns();
    }
  },

  async deleteSavedRun(id) {
    await deleteRun(id).catch(() => undefined);
    await get().refreshRuns();
  },

  async resumeInterrupted() {
    await get().refreshRuns();
    const interrupted = get().runs.find((r) => r.status === 'running');
    if (interrupted) await get().resumeSavedRun(interrupted.id);
  },
});

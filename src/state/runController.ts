/**
 * The one owner of a run on the page: its worker client, its persisted record, the save timer, the chain of
 * checkpoint exports and the elapsed time its history continues from. The store holds the current controller
 * (`run`); everything the page shows about the run is derived from the record this owns (runView), written by
 * `update` alone, so no fact is written to two places. The record is replaced on every change, never mutated,
 * and is what gets persisted.
 */
import { appendEval, appendStep, truncateHistory } from '../charts/history';
import * as data from '../client/dataClient';
import type { TrainClient } from '../client/trainClient';
import { saveCheckpoint, saveHistory, saveResumeState, saveRun, switchCheckpoint, switchResumeState, type RunRecord } from '../persist/runs';
import type { CheckpointKind, TrainCommand, TrainEvent } from '../protocol/train';
import { useStudio, type Studio } from './store';

// Functions, not bound values: this module is imported while the store is being created.
const get = () => useStudio.getState();
const set = (partial: Partial<Studio> | ((s: Studio) => Partial<Studio>)) => useStudio.setState(partial);

/** What the page shows of a run record (the store's copy of these fields, derived, never written elsewhere). */
export function runView(r: RunRecord): Pick<Studio, 'totalSteps' | 'parameters' | 'trainableParameters' | 'bestStep' | 'bestMetric' | 'checkpointStep'> {
  return {
    totalSteps: r.totalSteps,
    parameters: r.parameters,
    trainableParameters: r.trainableParameters,
    bestStep: r.bestStep,
    bestMetric: r.bestMetric,
    checkpointStep: r.checkpointStep,
  };
}

type ErrorKind = Extract<TrainEvent, { type: 'error' }>['kind'];

export class RunController {
  private current: RunRecord;
  private client: TrainClient | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private exporting: Promise<void> = Promise.resolve();

  constructor(
    record: RunRecord,
    /** Elapsed time of the history this attempt continues (0 for a new run). */
    private readonly elapsedBase: number,
  ) {
    this.current = record;
  }

  get record(): Readonly<RunRecord> {
    return this.current;
  }

  /** Whether this is the store's current run (events of a replaced run's worker are ignored). */
  private get active(): boolean {
    return get().run === this;
  }

  /** The one writer of the run's facts: a new record, and the page's view of it when this run is shown. */
  update(patch: Partial<RunRecord>): void {
    this.current = { ...this.current, ...patch };
    if (this.active) set(runView(this.current));
  }

  attach(client: TrainClient): void {
    this.client?.terminate();
    this.client = client;
  }

  send(cmd: TrainCommand): void {
    this.client?.send(cmd);
  }

  /** Stops the worker (a new run replaces this one). */
  dispose(): void {
    this.client?.terminate();
    this.client = null;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  fail(kind: 'internal' | ErrorKind, message: string, hint?: string): void {
    if (!this.active) return;
    set({ runState: 'failed', prepareMessage: null, runError: { kind, message, hint, checkpointStep: this.current.checkpointStep } });
    this.update({ status: 'failed', error: message });
    void this.persist(true);
  }

  /** Saves the record and history now, or within 2 s (batched: step events arrive many times a second). */
  async persist(now = false): Promise<void> {
    const write = async () => {
      this.saveTimer = null;
      this.current = { ...this.current, updatedAt: Date.now() };
      // The store's history is this run's unless another saved run is open on the page meanwhile.
      const history = get().runId === this.current.id ? [saveHistory(this.current.id, get().history)] : [];
      await Promise.all([saveRun(this.current), ...history]).catch(() => undefined);
      await get().refreshRuns();
    };
    if (now) {
      if (this.saveTimer) clearTimeout(this.saveTimer);
      await write();
    } else this.saveTimer ??= setTimeout(() => void write(), 2000);
  }

  /**
   * Asks the worker for a checkpoint and stores it, one export at a time: 'best' is what Export downloads, 'last'
   * the resume state. An attempt restarted from best weights (stepOffset > 0) numbers its steps from the restart,
   * so its states do not describe the saved run and are not kept. A failed export is logged; the next still runs.
   */
  saveWorkerCheckpoint(kind: CheckpointKind): Promise<void> {
    const client = this.client;
    if (!client || (kind === 'last' && this.current.stepOffset > 0)) return this.exporting;
    this.exporting = this.exporting.then(async () => {
      const id = this.current.id;
      // The worker writes to OPFS where it can (runs/<id>/) and answers with where; IndexedDB then points there.
      if (kind === 'last') {
        const ev = await client.exportCheckpoint('last', { runId: id });
        if (ev.stored) await switchResumeState(id, ev.stored);
        else if (ev.resume) await saveResumeState(id, ev.resume).catch(() => undefined);
        return;
      }
      const ev = await client.exportCheckpoint('best', { runId: id });
      const step = (ev.step ?? 0) + this.current.stepOffset;
      if (ev.stored) await switchCheckpoint(id, { ...ev.stored, step });
      else await saveCheckpoint(id, { step, files: ev.files }).catch(() => undefined);
      this.update({ checkpointStep: step });
      await this.persist();
    }).catch((e: unknown) => {
      if (this.active) set((s) => ({ logs: [...s.logs.slice(-49), `⚠ saving the ${kind} checkpoint failed: ${(e as Error).message}`] }));
    });
    return this.exporting;
  }

  /** The train worker's events, into the record and the store. */
  onEvent(e: TrainEvent): void {
    if (!this.active) return;
    const off = this.current.stepOffset;
    switch (e.type) {
      case 'state':
        set({ runState: e.state, prepareMessage: null });
        if (e.state === 'paused' || e.state === 'training') {
          this.update({ status: e.state === 'paused' ? 'paused' : 'running' });
          void this.persist(true);
        }
        return;
      case 'kernels':
        set({ kernels: { mode: e.mode, timing: e.timing, entries: e.entries, ms: e.ms } });
        return;
      case 'log':
        set((s) => ({ logs: [...s.logs.slice(-49), `${e.level === 'warn' ? '⚠ ' : ''}${e.message}`] }));
        return;
      case 'ready':
        this.update({ totalSteps: e.totalSteps + off, parameters: e.parameters, trainableParameters: e.trainableParameters });
        set({ loadReport: e.loadReport });
        void this.persist(true);
        return;
      case 'step':
        set((s) => ({ history: appendStep(s.history, e, off, this.elapsedBase) }));
        this.update({ lastStep: e.step + off });
        void this.persist();
        return;
      case 'eval': {
        const view = { step: e.step + off, split: e.split, result: e.result };
        if (e.split === 'validation') set((s) => ({ lastEval: view, history: appendEval(s.history, e.step + off, e.result.metrics) }));
        else set({ lastTest: view });
        // A best evaluation is followed by its 'checkpoint' event, which records it.
        return;
      }
      case 'checkpoint':
        if (e.kind === 'best') this.update({ bestStep: e.step + off, bestMetric: { name: e.metric, value: e.value } });
        void this.saveWorkerCheckpoint(e.kind);
        return;
      case 'recovered':
        // The steps after the resume point are trained again: the charts drop them and draw them anew.
        set((s) => ({ history: truncateHistory(s.history, e.from + off), runNotice: e.message, logs: [...s.logs.slice(-49), `⚠ ${e.message}`] }));
        this.update({ lastStep: e.from + off });
        void this.persist(true);
        return;
      case 'resumePoint':
        // Between evaluations too (every N steps / M minutes, pause, stop): a reload continues from here.
        void this.saveWorkerCheckpoint('last');
        return;
      case 'done': {
        const r = this.current;
        this.update({
          final: { validation: e.validation, test: e.test, predictions: e.predictions },
          bestStep: e.bestStep === null ? r.bestStep : e.bestStep + off,
          bestMetric: e.bestMetric ?? r.bestMetric,
        });
        set({
          predictions: e.predictions,
          doneReason: e.reason,
          lastEval: e.validation ? { step: e.step + off, split: 'validation', result: e.validation } : get().lastEval,
          lastTest: e.test ? { step: e.step + off, split: 'test', result: e.test } : get().lastTest,
        });
        void data.examples('validation').then((resultExamples) => this.active && set({ resultExamples }), () => undefined);
        void this.saveWorkerCheckpoint('best').then(() => {
          this.update({ status: e.reason === 'stopped' ? 'stopped' : 'finished' });
          if (this.active) set({ runState: 'finished' });
          return this.persist(true);
        });
        return;
      }
      case 'error':
        this.fail(e.kind, e.message, e.hint);
        return;
      case 'prediction':
      case 'exported':
        return;
    }
  }
}

/** What is saved about a run, so a reload can list it, chart it, export it and resume it. */
import type { Task } from '../data/types';
import type { ColumnMapping, DataFile, SplitName } from '../protocol/data';
import type { Prediction, ResumeState, SplitResult } from '../protocol/train';
import type { TrainConfigInput } from '../train/config';
import type { History } from '../charts/history';
import { get, getAll, put, remove } from './db';
import { CHECKPOINT_PREFIX, pruneRunFiles, readCheckpointFiles, removeRunEntry, removeRunFiles, RESUME_PREFIX, type StoredCheckpoint, type StoredResume } from './opfs';

/** Where the run's starting weights came from (serialisable; files of local models are in `models`). */
export type ModelChoice =
  | { kind: 'builtin' }
  | { kind: 'hub'; id: string }
  | { kind: 'local'; label: string; key: string };

export type RunStatus = 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  task: Task;
  labels: string[];
  model: ModelChoice;
  modelLabel: string;
  datasetId: string;
  taskOverride: Task | 'auto';
  columns: ColumnMapping;
  maxLength: number;
  config: TrainConfigInput;
  presetId: string | null;
  totalSteps: number;
  /**
   * Steps already done when this attempt started, for a resume from best weights only (records saved before
   * resume states existed): the worker's step numbers are offset by it. 0 after an exact resume.
   */
  stepOffset: number;
  lastStep: number;
  bestStep: number | null;
  bestMetric: { name: string; value: number } | null;
  checkpointStep: number | null;
  parameters: number;
  trainableParameters: number;
  data: { files: { name: string; split: SplitName; rows: number; valid: number }[]; splits: Record<SplitName, number>; labelCounts: Record<string, number>; invalidRows: number };
  final: { validation: SplitResult | null; test: SplitResult | null; predictions: Prediction[] } | null;
  error: string | null;
  /** 'random': trained from scratch (every weight re-initialised); absent for a pretrained start. */
  init?: 'random';
  /** Masked LM: blocks were made line by line (absent: concatenated, group_texts). */
  lineByLine?: true;
}

/** The best weights in Hugging Face format: what Export downloads (Files read from OPFS lazily, else bytes). */
export interface CheckpointRecord {
  step: number;
  files: Record<string, Uint8Array | Blob>;
}

/** What IndexedDB holds for a checkpoint: the files themselves (no OPFS) or where OPFS has them. */
type StoredCheckpointRecord = { step: number; files: Record<string, Uint8Array> } | { step: number; stored: StoredCheckpoint };

/** A resume state as IndexedDB holds it: the whole state (no OPFS: Node, old browsers) or a pointer to its OPFS file. */
export type ResumeRecord = ResumeState | StoredResume;

export const isStoredResume = (r: ResumeRecord): r is StoredResume => 'file' in r && typeof r.file === 'string';

/** Resume states live beside the checkpoints, under their own key (no schema change of the database). */
const resumeKey = (id: string) => `${id}#resume`;

export const saveRun = (r: RunRecord) => put('runs', r.id, r);
export const loadRuns = async () => (await getAll<RunRecord>('runs')).sort((a, b) => b.createdAt - a.createdAt);
export const saveHistory = (id: string, h: History) => put('history', id, h);
export const loadHistory = (id: string) => get<History>('history', id);
export const saveCheckpoint = (id: string, c: { step: number; files: Record<string, Uint8Array> }) => put('checkpoints', id, c);
export async function loadCheckpoint(id: string): Promise<CheckpointRecord | null> {
  const c = await get<StoredCheckpointRecord>('checkpoints', id);
  if (!c || !('stored' in c)) return c;
  // Files gone from OPFS (evicted, cleared by the user) are no checkpoint: a resume still uses its resume state.
  const files = await readCheckpointFiles(id, c.stored).catch(() => null);
  return files && { step: c.step, files };
}
/** The last evaluation's weights, AdamW state and data position: what a reload resumes from exactly. */
export const saveResumeState = (id: string, r: ResumeState) => put('checkpoints', resumeKey(id), r);
export const loadResumeState = (id: string) => get<ResumeRecord>('checkpoints', resumeKey(id));

/**
 * The switch of an atomic replace: the worker wrote the new file completely under a new name; pointing at it is
 * one IndexedDB put; only then are the older files (and any interrupted write) removed. A failed put removes the
 * new file instead, and the previous point stays the one a resume reads.
 */
export async function switchResumeState(id: string, stored: StoredResume): Promise<void> {
  try {
    await put('checkpoints', resumeKey(id), stored);
  } catch (e) {
    await removeRunEntry(id, stored.file);
    throw e;
  }
  await pruneRunFiles(id, RESUME_PREFIX, stored.file);
}

/** The same switch for a best checkpoint written to OPFS. */
export async function switchCheckpoint(id: string, stored: StoredCheckpoint): Promise<void> {
  try {
    await put('checkpoints', id, { step: stored.step, stored } satisfies StoredCheckpointRecord);
  } catch (e) {
    await removeRunEntry(id, stored.dir);
    throw e;
  }
  await pruneRunFiles(id, CHECKPOINT_PREFIX, stored.dir);
}

export const saveDataset = (id: string, files: DataFile[]) => put('datasets', id, files);
export const loadDataset = (id: string) => get<DataFile[]>('datasets', id);
export const saveModelFiles = (key: string, files: File[]) => put('models', key, files);
export const loadModelFiles = (key: string) => get<File[]>('models', key);

export async function deleteRun(id: string): Promise<void> {
  await Promise.all([remove('runs', id), remove('history', id), remove('checkpoints', id), remove('checkpoints', resumeKey(id)), removeRunFiles(id)]);
}

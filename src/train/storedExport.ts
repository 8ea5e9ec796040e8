/**
 * The worker's side of OPFS storage: an export asked `to` a run is written from here, tensor by tensor, and the
 * page gets only where it is (step, file, bytes); a resume `from` a run's file is read back here. Where the worker
 * has no OPFS the arrays travel as before, and the page stores them in IndexedDB.
 */
import { opfsAvailable, readResumeState, writeCheckpointFiles, writeResumeState } from '../persist/opfs';
import type { ResumeState, TrainEvent } from '../protocol/train';

type Exported<K> = Extract<TrainEvent, { type: 'exported'; kind: K }>;

export async function exportedResume(requestId: number, resume: ResumeState | null, to?: { runId: string }): Promise<Exported<'last'>> {
  const step = resume?.step ?? null;
  if (!resume || !to || !opfsAvailable()) return { type: 'exported', requestId, kind: 'last', step, resume };
  return { type: 'exported', requestId, kind: 'last', step, resume: null, stored: await writeResumeState(to.runId, resume) };
}

export async function exportedCheckpoint(requestId: number, step: number, files: Record<string, Uint8Array>, to?: { runId: string }): Promise<Exported<'best'>> {
  if (!to || !opfsAvailable()) return { type: 'exported', requestId, kind: 'best', step, files };
  return { type: 'exported', requestId, kind: 'best', step, files: {}, stored: await writeCheckpointFiles(to.runId, step, files) };
}

/** The state a start names by run and file; an Error (not a throw) the session reports as a failed load. */
export async function readResumeFrom(from: { runId: string; file: string }): Promise<ResumeState | Error> {
  if (!opfsAvailable()) return new Error('this browser has no origin private file system to read the resume state from');
  return readResumeState(from.runId, from.file).catch((e: unknown) => new Error(`could not read the resume state ${from.file}: ${(e as Error).message}`));
}

/**
 * Checkpoints and resume states in the origin private file system, under runs/<runId>/: a resume state is one
 * safetensors file (resumeTensors.ts) and a best checkpoint a folder of Hugging Face files. Written and read
 * tensor by tensor, so a BERT-base state (≈ 1.3 GB) never exists as one buffer: in the train worker through a
 * sync access handle, elsewhere (the page, tests) through a writable stream. A file is written under a new name
 * and only then pointed at (IndexedDB keeps the pointer, runs.ts), so a failed write leaves the previous one usable.
 */
import { parseSafetensorsHeader, safetensorsHeaderLength, safetensorsLayout } from '../engine/safetensors';
import type { ResumeState } from '../protocol/train';
import { resumeStateFromTensors, resumeStateTensors, type NamedTensor } from './resumeTensors';

/** A resume state written to OPFS: what IndexedDB and the page keep instead of its arrays. */
export interface StoredResume {
  step: number;
  /** File name inside runs/<runId>/. */
  file: string;
  bytes: number;
}

/** A best checkpoint written to OPFS: a folder inside runs/<runId>/ holding `files`. */
export interface StoredCheckpoint {
  step: number;
  dir: string;
  files: string[];
  bytes: number;
}

export const RESUME_PREFIX = 'resume-';
export const CHECKPOINT_PREFIX = 'best-';

export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

type Entries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

async function runsRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle('runs', { create: true });
}

async function runDirectory(runId: string, create: boolean): Promise<FileSystemDirectoryHandle> {
  return (await runsRoot()).getDirectoryHandle(runId, { create });
}

/** Unique and ordered: two saves of one step (a pause right after a resume point) never share a name. */
const stamp = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

interface Sink {
  write(bytes: Uint8Array, at: number): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A sync access handle where there is one (dedicated workers): no copies, no swap file; else a writable stream. */
async function openSink(file: FileSystemFileHandle): Promise<Sink> {
  if ('createSyncAccessHandle' in file && typeof file.createSyncAccessHandle === 'function' && typeof WorkerGlobalScope !== 'undefined') {
    const h = await file.createSyncAccessHandle();
    h.truncate(0);
    return {
      write: async (bytes, at) => {
        for (let done = 0; done < bytes.byteLength; ) done += h.write(bytes.subarray(done), { at: at + done });
      },
      close: async () => {
        h.flush();
        h.close();
      },
      abort: async () => h.close(),
    };
  }
  const w = await file.createWritable();
  return {
    write: (bytes, at) => w.write({ type: 'write', position: at, data: bytes as Uint8Array<ArrayBuffer> }),
    close: () => w.close(),
    abort: () => w.abort(),
  };
}

interface Source {
  size: number;
  read(into: Uint8Array, at: number): Promise<void>;
  close(): void;
}

async function openSource(file: FileSystemFileHandle, name: string): Promise<Source> {
  const short = (got: number, want: number, at: number) => new Error(`${name}: file ends at byte ${at + got}, ${want} bytes were expected there`);
  if ('createSyncAccessHandle' in file && typeof file.createSyncAccessHandle === 'function' && typeof WorkerGlobalScope !== 'undefined') {
    const h = await file.createSyncAccessHandle();
    return {
      size: h.getSize(),
      read: async (into, at) => {
        let done = 0;
        while (done < into.byteLength) {
          const n = h.read(into.subarray(done), { at: at + done });
          if (n === 0) throw short(done, into.byteLength, at);
          done += n;
        }
      },
      close: () => h.close(),
    };
  }
  // A File from OPFS is backed by the disk: each slice is read on its own.
  const f = await file.getFile();
  return {
    size: f.size,
    read: async (into, at) => {
      const bytes = new Uint8Array(await f.slice(at, at + into.byteLength).arrayBuffer());
      if (bytes.byteLength !== into.byteLength) throw short(bytes.byteLength, into.byteLength, at);
      into.set(bytes);
    },
    close: () => undefined,
  };
}

/** Writes F32 tensors at their offsets, header first; a failure removes the partial file and rethrows. */
export async function writeTensorFile(dir: FileSystemDirectoryHandle, name: string, tensors: NamedTensor[], metadata: Record<string, string>): Promise<number> {
  const layout = safetensorsLayout(tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'F32' as const })), metadata);
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  const sink = await openSink(await dir.getFileHandle(name, { create: true }));
  try {
    await sink.write(layout.header, 0);
    for (const t of layout.tensors) {
      const data = byName.get(t.name)!;
      if (data.byteLength !== t.end - t.begin) throw new Error(`${name}: ${t.name} holds ${data.length} values, its shape ${JSON.stringify(t.shape)} says ${(t.end - t.begin) / 4}`);
      await sink.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), t.begin);
    }
    await sink.close();
  } catch (e) {
    await sink.abort().catch(() => undefined);
    await dir.removeEntry(name).catch(() => undefined);
    throw e;
  }
  return layout.totalBytes;
}

/** Reads every F32 tensor into its own Float32Array (read straight into it: no second copy with a sync handle). */
export async function readTensorFile(dir: FileSystemDirectoryHandle, name: string): Promise<{ tensors: Map<string, Float32Array>; metadata: Record<string, string> }> {
  const source = await openSource(await dir.getFileHandle(name), name);
  try {
    const prefix = new Uint8Array(8);
    await source.read(prefix, 0);
    const json = new Uint8Array(safetensorsHeaderLength(prefix, source.size, name));
    await source.read(json, 8);
    const header = parseSafetensorsHeader(json, source.size, name);
    const tensors = new Map<string, Float32Array>();
    for (const t of header.tensors) {
      if (t.dtype !== 'F32') throw new Error(`${name}: ${t.name} is ${t.dtype}, resume states hold F32 only`);
      const data = new Float32Array((t.end - t.begin) / 4);
      await source.read(new Uint8Array(data.buffer), t.begin);
      tensors.set(t.name, data);
    }
    return { tensors, metadata: header.metadata };
  } finally {
    source.close();
  }
}

/** Writes the state under a new name in runs/<runId>/; nothing points at it yet (runs.ts switches the pointer). */
export async function writeResumeState(runId: string, state: ResumeState): Promise<StoredResume> {
  const { tensors, metadata } = resumeStateTensors(state);
  const file = `${RESUME_PREFIX}${state.step}-${stamp()}.safetensors`;
  const bytes = await writeTensorFile(await runDirectory(runId, true), file, tensors, metadata);
  return { step: state.step, file, bytes };
}

export async function readResumeState(runId: string, file: string): Promise<ResumeState> {
  const { tensors, metadata } = await readTensorFile(await runDirectory(runId, false), file);
  return resumeStateFromTensors(tensors, metadata, file);
}

/** Hugging Face files of a best checkpoint, each file written whole (they are built whole), in a new folder. */
export async function writeCheckpointFiles(runId: string, step: number, files: Record<string, Uint8Array>): Promise<StoredCheckpoint> {
  const run = await runDirectory(runId, true);
  const dirName = `${CHECKPOINT_PREFIX}${step}-${stamp()}`;
  const dir = await run.getDirectoryHandle(dirName, { create: true });
  let bytes = 0;
  try {
    for (const [name, data] of Object.entries(files)) {
      const sink = await openSink(await dir.getFileHandle(name, { create: true }));
      try {
        await sink.write(data, 0);
        await sink.close();
      } catch (e) {
        await sink.abort().catch(() => undefined);
        throw e;
      }
      bytes += data.byteLength;
    }
  } catch (e) {
    await run.removeEntry(dirName, { recursive: true }).catch(() => undefined);
    throw e;
  }
  return { step, dir: dirName, files: Object.keys(files), bytes };
}

/** The checkpoint's files as disk-backed Files (nothing is read until they are). */
export async function readCheckpointFiles(runId: string, c: StoredCheckpoint): Promise<Record<string, File>> {
  const dir = await (await runDirectory(runId, false)).getDirectoryHandle(c.dir);
  const out: Record<string, File> = {};
  for (const name of c.files) out[name] = await (await dir.getFileHandle(name)).getFile();
  return out;
}

/** Removes the run's entries that start with `prefix`, except `keep`: older points and interrupted writes. */
export async function pruneRunFiles(runId: string, prefix: string, keep: string): Promise<void> {
  if (!opfsAvailable()) return;
  const dir = await runDirectory(runId, false).catch(() => null);
  if (!dir) return;
  const names: string[] = [];
  for await (const [name] of (dir as unknown as Entries).entries()) if (name.startsWith(prefix) && name !== keep) names.push(name);
  for (const name of names) await dir.removeEntry(name, { recursive: true }).catch(() => undefined);
}

/** One entry of the run (a file, or a checkpoint folder with its files). */
export async function removeRunEntry(runId: string, name: string): Promise<void> {
  if (!opfsAvailable()) return;
  const dir = await runDirectory(runId, false).catch(() => null);
  await dir?.removeEntry(name, { recursive: true }).catch(() => undefined);
}

/** Deleting a run frees its space. */
export async function removeRunFiles(runId: string): Promise<void> {
  if (!opfsAvailable()) return;
  await (await runsRoot()).removeEntry(runId, { recursive: true }).catch(() => undefined);
}

async function directoryBytes(dir: FileSystemDirectoryHandle): Promise<number> {
  let total = 0;
  for await (const [, handle] of (dir as unknown as Entries).entries()) {
    if (handle.kind === 'directory') total += await directoryBytes(handle as FileSystemDirectoryHandle);
    // A file being written (open sync handle) cannot be read: it counts once it is complete.
    else total += await (handle as FileSystemFileHandle).getFile().then((f) => f.size, () => 0);
  }
  return total;
}

/** Bytes the run holds in OPFS (0 when it has none there). */
export async function runStoredBytes(runId: string): Promise<number> {
  if (!opfsAvailable()) return 0;
  const dir = await runDirectory(runId, false).catch(() => null);
  return dir ? directoryBytes(dir) : 0;
}

/** Names of the run's entries (tests, and what the runs list could show). */
export async function runEntries(runId: string): Promise<string[]> {
  const dir = await runDirectory(runId, false).catch(() => null);
  if (!dir) return [];
  const names: string[] = [];
  for await (const [name] of (dir as unknown as Entries).entries()) names.push(name);
  return names.sort();
}

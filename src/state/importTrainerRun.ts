/**
 * The Runs panel's "Import a Trainer run": the dropped files of a Trainer output folder → a saved run (record,
 * history, checkpoint) in this browser's list. Which file is what and what it means is decided by the pure
 * persist/importRun.ts; this reads the files and stores the result.
 */
import type { HfConfig } from '../engine/config';
import { chooseTrainerFiles, importTrainerOutput } from '../persist/importRun';
import { saveCheckpoint, saveHistory, saveRun } from '../persist/runs';
import { studio } from './store';

export interface TrainerImportResult {
  ok: boolean;
  /** The run's name when imported. */
  name?: string;
  /** Errors when not imported, else what was missing or guessed. */
  messages: string[];
}

const pathOf = (f: File) => f.webkitRelativePath || f.name;

async function readJson(file: File): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await file.text()) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${pathOf(file)}: invalid JSON (${(err as Error).message})`);
  }
}

export async function importTrainerRun(files: readonly File[]): Promise<TrainerImportResult> {
  const byPath = new Map(files.map((f) => [pathOf(f), f]));
  const choice = chooseTrainerFiles([...byPath.keys()]);
  if (choice.errors.length) return { ok: false, messages: choice.errors };
  try {
    const [config, state, trainingConfig] = await Promise.all([
      readJson(byPath.get(choice.config!)!),
      readJson(byPath.get(choice.state!)!),
      choice.trainingConfig ? readJson(byPath.get(choice.trainingConfig)!) : Promise.resolve(undefined),
    ]);
    const folder = choice.state!.includes('/') ? choice.state!.split('/').slice(-2)[0] : 'Trainer output';
    const id = `trainer-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const now = Date.now();
    const { record, history, notes } = importTrainerOutput({ folder, config: config as HfConfig, state, trainingConfig }, { id, now });
    // Output folders are mostly called output/: the import time tells two apart, as the start time does for browser runs.
    record.name = `${record.name} · ${new Date(now).toLocaleString()}`;
    if (choice.checkpoint.size) {
      const bytes = await Promise.all([...choice.checkpoint].map(async ([name, path]) => [name, new Uint8Array(await byPath.get(path)!.arrayBuffer())] as const));
      await saveCheckpoint(id, { step: record.checkpointStep ?? record.lastStep, files: Object.fromEntries(bytes) });
    } else record.checkpointStep = null;
    await saveHistory(id, history);
    await saveRun(record);
    await studio().refreshRuns();
    return { ok: true, name: record.name, messages: [...choice.notes, ...notes] };
  } catch (err) {
    return { ok: false, messages: [(err as Error).message] };
  }
}

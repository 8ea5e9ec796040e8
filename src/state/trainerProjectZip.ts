/**
 * "Continue on a bigger machine": the current run as a transformers Trainer project (src/export/trainer), zipped
 * in the page as `trainer/`: its rows from the data worker, its training features (for --same-order) encoded
 * again as the run encoded them, and the head weights it started from, re-derived from the model files.
 */
import { zipSync, type Zippable } from 'fflate';
import * as data from '../client/dataClient';
import type { SplitName } from '../data/split';
import { buildTrainerProject } from '../export/trainer/index';
import { newlyInitialised } from '../export/trainer/initialWeights';
import { safeName, zipEntry } from '../export/zip';
import { localFilesSource } from '../hub/source';
import { taskSpec } from '../tasks/index';
import { resolveTrainConfig } from '../train/config';
import { useStudio } from './store';

/** The project's zip for run `runId`, whose data must be the page's loaded data (the run being shown or trained). */
export async function trainerProjectZip(runId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const s = useStudio.getState();
  const r = s.runs.find((x) => x.id === runId);
  if (!r) throw new Error(`no run ${runId}`);
  const spec = taskSpec(r.task);
  if (spec.head === 'mlm') throw new Error('a Trainer project is written for fine-tuning runs; continue a masked-LM run with run_mlm.py');
  if (s.summary?.task !== r.task || s.runId !== runId) throw new Error('the run\'s data is not loaded in this page: open the run and resume it, or start it again, then export');
  const splits = (['train', 'validation', 'test'] as SplitName[]).filter((k) => s.summary!.splits[k] > 0);
  const rows: Partial<Record<SplitName, object[]>> = {};
  for (const k of splits) rows[k] = (await data.examples(k)).map((e) => spec.goldLine(e));
  const train = await data.encode('train', r.maxLength, undefined, { lineByLine: r.lineByLine ?? false });
  const modelFiles = await s.modelFilesFor(r.model);
  const config = resolveTrainConfig(r.config);
  const initialWeights = await newlyInitialised(localFilesSource(modelFiles, r.modelLabel), { task: r.task, labels: r.labels, seed: config.seed, init: r.init ?? 'pretrained' });
  const files = buildTrainerProject({
    task: r.task,
    model: r.model.kind === 'hub' ? r.model.id : r.modelLabel,
    labels: spec.hasLabelVocabulary ? r.labels : [],
    config,
    maxLength: r.maxLength,
    stride: 128,
    rows: { train: rows.train ?? [], ...(rows.validation ? { validation: rows.validation } : {}), ...(rows.test ? { test: rows.test } : {}) },
    replay: { train, initialWeights },
  });
  const enc = new TextEncoder();
  const folder: Zippable = {};
  for (const f of files) folder[f.path] = zipEntry(f.path, f.bytes ?? enc.encode(f.text ?? ''));
  return { name: `${safeName(r.id)}-trainer.zip`, bytes: zipSync({ trainer: folder }) };
}

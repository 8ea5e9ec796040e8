/**
 * `npm run train … --out <dir>` also writes `<dir>/trainer/`: the run as a transformers Trainer project
 * (src/export/trainer). The Node side adds what only it has: the rows of each split, the training features and
 * the head weights the run starts from, re-derived here with the worker's own seeded init (loadInitialValues).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildTrainerProject } from '../../src/export/trainer/index.ts';
import { newlyInitialised as initialWeightsOf } from '../../src/export/trainer/initialWeights.ts';
import type { FileSource } from '../../src/hub/source.ts';
import { taskSpec } from '../../src/tasks/index.ts';
import type { TrainConfig } from '../../src/train/config.ts';
import type { FeatureSet } from '../../src/tokenize/features.ts';
import { goldRow, type ParsedData } from './train-data.ts';

export interface TrainerProjectRun {
  data: ParsedData;
  /** Base model as the project names it: a Hub id or an absolute folder path. */
  model: string;
  source: FileSource;
  init: 'pretrained' | 'random';
  config: TrainConfig;
  maxLength: number;
  stride: number;
  train: FeatureSet;
}

/** The weights the worker initialises rather than reads (the head; every weight with init random), by name. */
export function newlyInitialised(run: TrainerProjectRun): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  return initialWeightsOf(run.source, { task: run.data.task, labels: run.data.labels, seed: run.config.seed, init: run.init });
}

/** Writes the project; false (nothing written) for masked-LM runs, which the project does not cover. */
export async function writeTrainerProject(dir: string, run: TrainerProjectRun): Promise<boolean> {
  const { task, labels, examples } = run.data;
  if (taskSpec(task).head === 'mlm') return false;
  const gold = (split: keyof typeof examples) => examples[split].map((e) => goldRow(task, e));
  const files = buildTrainerProject({
    task,
    model: run.model,
    labels: taskSpec(task).hasLabelVocabulary ? labels : [],
    config: run.config,
    maxLength: run.maxLength,
    stride: run.stride,
    rows: { train: gold('train'), validation: gold('validation'), test: gold('test') },
    replay: { train: run.train, initialWeights: await newlyInitialised(run) },
  });
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.bytes ?? f.text ?? '');
  }
  return true;
}

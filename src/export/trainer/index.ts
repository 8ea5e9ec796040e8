/**
 * A run as a Trainer project (the `trainer/` folder): train.py and its two modules, requirements.txt,
 * training_config.json, data/ with the run's rows, a README; with the reproduction inputs, also the studio's
 * features, batch order and initial weights for `train.py --same-order`. Pure: the browser's Export step and
 * the CLI both call it and write the files where they write files.
 */
import type { Task } from '../../data/types';
import { taskSpec } from '../../tasks/index';
import type { TrainConfig } from '../../train/config';
import type { FeatureSet } from '../../tokenize/features';
import { scriptOptions, trainingArguments } from './arguments';
import { readmeMd, requirementsTxt } from './readme';
import { featureTensors, initialWeights, studioOrder } from './replay';
import { SAME_ORDER_PY } from './sameOrderPy';
import { TASKS_PY } from './tasksPy';
import { TRAIN_PY } from './trainPy';

export interface TrainerProjectFile {
  /** Relative to the project folder. */
  path: string;
  text?: string;
  bytes?: Uint8Array;
}

export interface TrainerProjectInput {
  task: Task;
  /** Base model: a Hub id or a folder path. */
  model: string;
  labels: readonly string[];
  /** The resolved config of the run. */
  config: TrainConfig;
  maxLength: number;
  stride: number;
  /** Each split's rows as gold lines (TaskSpec.goldLine), in the run's order. */
  rows: { train: readonly object[]; validation?: readonly object[]; test?: readonly object[] };
  /** For `--same-order`: the run's training features and the starting values of the weights the base model lacks. */
  replay?: { train: FeatureSet; initialWeights: ReadonlyMap<string, { shape: number[]; data: Float32Array }> };
}

/** The run's settings as train.py reads them: ours, plus what they become for the Trainer. */
export function trainingConfigJson(input: TrainerProjectInput): Record<string, unknown> {
  const { task, model, labels, config, maxLength, stride } = input;
  return {
    task,
    model,
    labels: [...labels],
    max_length: maxLength,
    stride,
    config,
    training_arguments: trainingArguments(config, task),
    script: scriptOptions(config, task, labels),
  };
}

const jsonl = (rows: readonly object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

export function buildTrainerProject(input: TrainerProjectInput): TrainerProjectFile[] {
  const spec = taskSpec(input.task);
  if (spec.head === 'mlm') throw new Error('a Trainer project is written for fine-tuning tasks, not masked-LM pretraining');
  const { rows, replay } = input;
  const files: TrainerProjectFile[] = [
    { path: 'train.py', text: TRAIN_PY },
    { path: 'tasks.py', text: TASKS_PY },
    { path: 'same_order.py', text: SAME_ORDER_PY },
    { path: 'requirements.txt', text: requirementsTxt(input.task, input.config) },
    { path: 'training_config.json', text: `${JSON.stringify(trainingConfigJson(input), null, 2)}\n` },
    { path: 'README.md', text: readmeMd({ task: input.task, model: input.model, rows: { train: rows.train.length, validation: rows.validation?.length ?? 0, test: rows.test?.length ?? 0 }, replay: !!replay }) },
    { path: 'data/train.jsonl', text: jsonl(rows.train) },
  ];
  if (rows.validation?.length) files.push({ path: 'data/validation.jsonl', text: jsonl(rows.validation) });
  if (rows.test?.length) files.push({ path: 'data/test.jsonl', text: jsonl(rows.test) });
  if (replay) {
    files.push(
      { path: 'data/features.safetensors', bytes: featureTensors(replay.train, spec.labelKind) },
      { path: 'data/order.json', text: JSON.stringify(studioOrder(replay.train, input.config)) },
      { path: 'data/initial_weights.safetensors', bytes: initialWeights(replay.initialWeights) },
    );
  }
  return files;
}

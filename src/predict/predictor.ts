/**
 * Checkpoint files → a model and its tokenizer → predictions for examples. The worker file only
 * dispatches to this; it runs the same `buildFeatures` and `evaluateSplit` the data and train workers use.
 */
import type { Example, Task } from '../data/types';
import { useWebGpu } from '../engine/backend';
import { loadModel } from '../engine/checkpoint';
import type { HfConfig } from '../engine/config';
import type { BertFamilyModel } from '../engine/model';
import { localFilesSource, readJson } from '../hub/source';
import { buildFeatures } from '../tasks/features';
import { taskOfCheckpoint, taskSpec } from '../tasks/index';
import { loadTokenizer, type StudioTokenizer } from '../tokenize/index';
import type { Prediction } from '../protocol/train';
import { evaluateSplit, maskedEvalOptions } from '../train/evaluate';
import { DEFAULT_TRAIN_CONFIG } from '../train/config';
import { maskedLmVocab, type MaskedLmVocab } from '../tokenize/mlm';

export interface Loaded {
  model: BertFamilyModel;
  tokenizer: StudioTokenizer;
  task: Task;
  labels: string[];
  /** Masked LM: the vocabulary, for fill-mask. */
  mlm: MaskedLmVocab | null;
}


export async function loadForPrediction(files: File[], task?: Task, labels?: string[]): Promise<Loaded> {
  const source = localFilesSource(files, 'checkpoint');
  const config = await readJson<HfConfig>(source, 'config.json');
  if (!config) throw new Error('config.json not found among the dropped files');
  const t = task ?? taskOfCheckpoint(config);
  const spec = taskSpec(t);
  await useWebGpu();
  const [tokenizer, loaded] = await Promise.all([loadTokenizer(source), loadModel(source, { head: spec.head, labels, problemType: spec.problemType })]);
  const ids = loaded.config.id2label ?? {};
  const names = Object.keys(ids).sort((a, b) => Number(a) - Number(b)).map((k) => ids[k]);
  const mlm = spec.head === 'mlm' ? maskedLmVocab(tokenizer) : null;
  return { model: loaded.model, tokenizer, task: t, labels: spec.hasLabelVocabulary ? names : [], mlm };
}

/** The mask token as text (what a fill-mask input must contain), or null for other tasks. */
export const maskTokenOf = (l: Loaded): string | null => (l.mlm ? l.mlm.tokens[l.mlm.maskTokenId] : null);

/** Examples carry placeholder gold labels (the first label) only so they encode; metrics are ignored. */
export async function predictExamples(l: Loaded, examples: Example[], maxLength: number): Promise<Prediction[]> {
  const labelToId = new Map(l.labels.map((n, i) => [n, i] as const));
  // A masked LM's typed texts stay one block each (truncated), as the fill-mask pipeline reads them.
  const features = await buildFeatures(l.tokenizer, l.task, examples, { maxLength, labelToId, stride: 128, lineByLine: true });
  let mlm = {};
  if (l.mlm) {
    const maskId = l.mlm.maskTokenId;
    if (!features.inputIds.includes(maskId)) throw new Error(`put the mask token ${maskTokenOf(l)} where the model should fill in a word`);
    mlm = { mlm: maskedEvalOptions(l.mlm, DEFAULT_TRAIN_CONFIG) };
  }
  const out = await evaluateSplit(l.model, l.task, l.labels, { features, examples }, { batchSize: 8, ...mlm });
  return out.predictions;
}

/**
 * Tunes the kernels for one model at the batch shapes a run will use, on the adapter in use: the entry
 * point the train worker, the bench and the CLIs call before the first step (kernels/autotune.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { adapterId } from './backend';
import { autotune, type TuneOptions, type TuneReport } from './kernels/autotune';
import { modelTrials } from './kernels/modelTrials';
import type { BertFamilyModel } from './model';
import { embeddingNames } from './names';

/** Tunes every op of a training step of `model` for each sequence length in `seqs` at `batch` rows. */
export async function autotuneModel(model: BertFamilyModel, batch: number, seqs: readonly number[], opts: TuneOptions = {}): Promise<TuneReport> {
  const cfg = model.encoderConfig;
  const names = embeddingNames(cfg);
  const table = (name: string) => {
    const t = model.params.get(name);
    if (!t) throw new Error(`autotune: the model has no ${name}`);
    return t as unknown as tf.Tensor2D;
  };
  const trials = [...new Set(seqs)].flatMap((seq) =>
    modelTrials({ cfg, batch, seq, params: [...model.params.values()], tables: { word: table(names.word), position: table(names.position) } }),
  );
  return autotune(await adapterId(), trials, opts);
}

/**
 * One evaluation pass: batched forward in inference mode → the task's decoder (src/tasks): per-example
 * predictions and the metrics of src/metrics, flattened to the numbers charts and early stopping use.
 * Logits are read asynchronously once per batch; every tensor of a batch is freed before the next.
 */
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/types';
import type { BertFamilyModel, LossOptions } from '../engine/model';
import type { EvalSplitData } from '../protocol/train';
import { specOf } from '../tasks/index';
import type { DecodedSplit, RawOutputs, TaskSpec } from '../tasks/types';
import type { MaskedLmVocab } from '../tokenize/mlm';
import { disposeBatch, FeatureBatches, toTensors, type HostBatch } from './batches';
import { batchMasking, IGNORE_LABEL } from './masking';
import { evaluateMaskedLm, type MlmBatch } from './mlmEval';

export type EvalOutput = DecodedSplit;

/** Masked LM: the vocabulary, how to mask, and the seed of the (fixed) evaluation masks. */
export interface MaskedEvalOptions {
  vocab: MaskedLmVocab;
  mlmProbability: number;
  wholeWordMask: boolean;
  seed: number;
}

/** A run's masked-LM evaluation options: its masking fields and its seed. */
export function maskedEvalOptions(vocab: MaskedLmVocab, c: { mlmProbability: number; wholeWordMask: boolean; seed: number }): MaskedEvalOptions {
  return { vocab, mlmProbability: c.mlmProbability, wholeWordMask: c.wholeWordMask, seed: c.seed };
}

/** Raw outputs of every row, read batch by batch. Span heads give start/end logits, the others logits. */
async function forwardAll(model: BertFamilyModel, spec: TaskSpec, split: EvalSplitData, batchSize: number, loss: LossOptions): Promise<RawOutputs> {
  const f = split.features;
  const source = new FeatureBatches(f, { batchSize, shuffle: false, seed: 0, labelKind: spec.labelKind });
  const out: RawOutputs = { logits: [], start: [], end: [], T: [], lossSum: 0, lossRows: 0 };
  const span = spec.labelKind === 'span';
  const hasLabels = span ? !!f.startPositions : !!f.labels;
  for (let i = 0; i < source.batchesPerEpoch; i++) {
    const host = source.batch(0, i);
    const batch = toTensors(host);
    const [a, b, l] = tf.tidy(() => {
      const o = model.forward(batch.inputs, { training: false });
      const lossT = hasLabels ? model.loss(o, batch.labels, loss) : tf.scalar(0);
      return span ? [o.startLogits!, o.endLogits!, lossT] : [o.logits!, tf.scalar(0), lossT];
    });
    disposeBatch(batch);
    const [da, db, dl] = await Promise.all([a.data() as Promise<Float32Array>, b.data() as Promise<Float32Array>, l.data()]);
    tf.dispose([a, b, l]);
    // HF averages batch losses weighted by batch size.
    out.lossSum += dl[0] * host.B;
    out.lossRows += host.B;
    const width = da.length / host.B;
    for (let r = 0; r < host.B; r++) {
      out.T.push(host.T);
      if (span) {
        out.start.push(da.slice(r * width, (r + 1) * width));
        out.end.push(db.slice(r * width, (r + 1) * width));
      } else out.logits.push(da.slice(r * width, (r + 1) * width));
    }
  }
  return out;
}

/**
 * Masked LM: logits stay on the GPU (mlmEval.ts). A split whose text holds the mask token is fill-mask input (the
 * playground): those positions are predicted as they are. Otherwise every row is masked as in training, with
 * masks that depend only on the seed and the row order, so every evaluation of a run scores the same positions.
 */
async function maskedAll(model: BertFamilyModel, split: EvalSplitData, batchSize: number, m: MaskedEvalOptions): Promise<RawOutputs> {
  const f = split.features;
  const maskId = m.vocab.maskTokenId;
  const fillMask = f.inputIds.some((id, i) => id === maskId && f.attentionMask[i] === 1);
  const source = new FeatureBatches(f, { batchSize, shuffle: false, seed: m.seed, labelKind: 'token', ...(fillMask ? {} : { mlm: batchMasking(m.vocab, m) }) });
  const toMlm = (host: HostBatch): MlmBatch => {
    const labels = host.labels.kind === 'token' ? host.labels.ids : Int32Array.from(host.inputIds, (id) => (id === maskId ? maskId : IGNORE_LABEL));
    return { inputs: toTensors({ ...host, labels: { kind: 'none' } }).inputs, labels };
  };
  // One batch's tensors at a time: a batch is freed when the next is asked for (or the loop ends).
  function* batches(): Generator<MlmBatch> {
    for (let i = 0; i < source.batchesPerEpoch; i++) {
      const b = toMlm(source.batch(0, i));
      try {
        yield b;
      } finally {
        disposeBatch({ inputs: b.inputs, labels: {} });
      }
    }
  }
  const masked = await evaluateMaskedLm(model, batches(), 5, maskId);
  return { logits: [], start: [], end: [], T: [], lossSum: 0, lossRows: 0, masked };
}

export async function evaluateSplit(
  model: BertFamilyModel,
  task: Task | TaskSpec,
  labels: readonly string[],
  split: EvalSplitData,
  opts: { batchSize: number; loss?: LossOptions; mlm?: MaskedEvalOptions },
): Promise<EvalOutput> {
  const spec = specOf(task);
  const f = split.features;
  if (f.count === 0) return { result: null, predictions: [] };
  if (spec.head === 'mlm') {
    if (!opts.mlm) throw new Error('masked-LM evaluation needs the tokenizer\'s vocabulary (TrainData.mlm)');
    return spec.decode(split, await maskedAll(model, split, opts.batchSize, opts.mlm), opts.mlm.vocab.tokens, {});
  }
  const raw = await forwardAll(model, spec, split, opts.batchSize, opts.loss ?? {});
  const lossMetric: Record<string, number> = raw.lossRows ? { loss: raw.lossSum / raw.lossRows } : {};
  return spec.decode(split, raw, labels, lossMetric);
}

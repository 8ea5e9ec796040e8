/**
 * What `train.py --same-order` replays: the studio's own training features (no tokenizer needed), the rows of
 * every batch in the studio's order with each batch's padded length, and the weights the run started from that
 * the base model does not have (the newly initialised head).
 */
import { writeSafetensors, type TensorToWrite } from '../../engine/safetensors';
import { bucketsFor, epochRowOrder, rowLengths, type LabelKind } from '../../train/batches';
import type { TrainConfig } from '../../train/config';
import { stepsPlan } from '../../train/plan';
import type { FeatureSet } from '../../tokenize/features';

export interface StudioBatch {
  /** Feature rows, in batch order. */
  rows: number[];
  /** Tokens each row is cut to: the bucket of the batch's longest row (FeatureBatches.batch). */
  length: number;
}

export interface StudioOrder {
  batch_size: number;
  gradient_accumulation_steps: number;
  /** Per epoch the batches the trainer takes: whole accumulation groups only, as its loop does. */
  epochs: StudioBatch[][];
}

/** The batches of every epoch the run takes, as FeatureBatches and Trainer.loop draw them. */
export function studioOrder(f: FeatureSet, config: TrainConfig): StudioOrder {
  const B = config.batchSize;
  const ga = config.gradientAccumulationSteps;
  const batchesPerEpoch = Math.ceil(f.count / B);
  const { epochs, updatesPerEpoch } = stepsPlan(config, batchesPerEpoch);
  const used = Math.min(batchesPerEpoch, updatesPerEpoch * ga);
  const lengths = rowLengths(f);
  const buckets = bucketsFor(f.seqLen);
  const out: StudioBatch[][] = [];
  for (let e = 0; e < epochs; e++) {
    const order = epochRowOrder(f.count, config.seed, e);
    const batches: StudioBatch[] = [];
    for (let i = 0; i < used; i++) {
      const rows = order.slice(i * B, (i + 1) * B);
      const longest = rows.reduce((m, r) => Math.max(m, lengths[r]), 1);
      batches.push({ rows, length: buckets.find((b) => b >= longest)! });
    }
    out.push(batches);
  }
  return { batch_size: B, gradient_accumulation_steps: ga, epochs: out };
}

/** The features as int32 tensors named like the model's inputs: input_ids [N, T], labels [N] / [N, C] / [N, T], … */
export function featureTensors(f: FeatureSet, kind: LabelKind): Uint8Array {
  const N = f.count;
  const T = f.seqLen;
  const tensors: TensorToWrite[] = [
    { name: 'input_ids', shape: [N, T], data: f.inputIds },
    { name: 'attention_mask', shape: [N, T], data: f.attentionMask },
  ];
  if (f.tokenTypeIds) tensors.push({ name: 'token_type_ids', shape: [N, T], data: f.tokenTypeIds });
  if (kind === 'span' && f.startPositions && f.endPositions) {
    tensors.push({ name: 'start_positions', shape: [N], data: f.startPositions }, { name: 'end_positions', shape: [N], data: f.endPositions });
  } else if (f.labels) {
    tensors.push({ name: 'labels', shape: kind === 'class' ? [N] : [N, f.labelWidth], data: f.labels });
  }
  return writeSafetensors(tensors, { format: 'pt' });
}

/** Starting values by HF name, with their shapes (only those the base checkpoint lacks need be given). */
export function initialWeights(values: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  return writeSafetensors([...values].map(([name, v]) => ({ name, shape: v.shape, data: v.data })), { format: 'pt' });
}

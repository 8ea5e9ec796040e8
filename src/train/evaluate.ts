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
import { disposeBatch, FeatureBatches, toTensors } from './batches';

export type EvalOutput = DecodedSplit;

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

export async function evaluateSplit(
  model: BertFamilyModel,
  task: Task | TaskSpec,
  labels: readonly string[],
  split: EvalSplitData,
  opts: { batchSize: number; loss?: LossOptions },
): Promise<EvalOutput> {
  const spec = specOf(task);
  const f = split.features;
  if (f.count === 0) return { result: null, predictions: [] };
  const raw = await forwardAll(model, spec, split, opts.batchSize, opts.loss ?? {});
  const lossMetric: Record<string, number> = raw.lossRows ? { loss: raw.lossSum / raw.lossRows } : {};
  return spec.decode(split, raw, labels, lossMetric);
}

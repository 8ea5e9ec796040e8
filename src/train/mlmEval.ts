/**
 * Masked-LM evaluation on the GPU. A masked LM's logits are [B, T, V] (V = 30,522 for BERT-base): bringing them
 * to the CPU as evaluate.ts does for the other heads would move V·T floats a row. Here only the masked positions'
 * rows are gathered on the GPU, and only per-position scalars come back: the log-probability of the label, whether
 * the argmax is the label, and the top-k ids with their probabilities.
 *   loss = mean over masked positions of −log p(label)   (HF's CrossEntropy with -100 ignored)
 *   perplexity = exp(loss), accuracy = share of masked positions whose argmax is the label
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderInputs } from '../engine/encoder';
import type { BertFamilyModel } from '../engine/model';
import { IGNORE_LABEL } from './masking';

/** One batch: model inputs [B, T] and labels [B, T] (the original id at masked positions, -100 elsewhere). */
export interface MlmBatch {
  inputs: EncoderInputs;
  labels: Int32Array;
}

/**
 * One masked position: where, its label, the model's log-probability of the label (null at a fill-mask position,
 * which has no label), and the model's top-k tokens with their probabilities.
 */
export interface MaskedPrediction {
  row: number;
  position: number;
  label: number;
  labelLogProb: number | null;
  ids: number[];
  probs: number[];
}

export interface MlmEvalResult {
  loss: number;
  perplexity: number;
  accuracy: number;
  /** Share of labelled positions whose label is among the top k. */
  topKAccuracy: number;
  /** Labelled positions (fill-mask positions are not counted). */
  maskedTokens: number;
  predictions: MaskedPrediction[];
}

/**
 * Loss, perplexity, masked-token accuracy and the top-k of every masked position, over `batches` (rows numbered
 * across them). A label equal to `fillMaskLabel` (the mask token's id, which masking never uses as a label) marks
 * a position to predict without a gold token: playground fill-mask text.
 */
export async function evaluateMaskedLm(model: BertFamilyModel, batches: Iterable<MlmBatch>, topK = 5, fillMaskLabel = -1): Promise<MlmEvalResult> {
  let nllSum = 0;
  let correct = 0;
  let inTopK = 0;
  let masked = 0;
  let rowBase = 0;
  const predictions: MaskedPrediction[] = [];
  for (const batch of batches) {
    const [B, T] = batch.inputs.inputIds.shape;
    const at: number[] = [];
    for (let i = 0; i < B * T; i++) if (batch.labels[i] !== IGNORE_LABEL) at.push(i);
    if (at.length > 0) {
      const labels = at.map((i) => batch.labels[i]);
      const [logp, hit, topIds, topProbs] = tf.tidy(() => {
        const logits = model.forward(batch.inputs).logits!; // [B, T, V]
        const V = logits.shape[2]!;
        const rows = tf.gather(tf.reshape(logits, [B * T, V]), tf.tensor1d(at, 'int32')); // [M, V]
        const logProbs = tf.logSoftmax(rows);
        const y = tf.tensor1d(labels, 'int32');
        const picked = tf.sum(tf.mul(logProbs, tf.oneHot(y, V)), 1); // [M]: log p(label)
        const argmaxHit = tf.cast(tf.equal(tf.argMax(logProbs, 1), y), 'int32');
        // Top-k of the log-probabilities: the same order as the logits', and exp gives the probabilities.
        const { values, indices } = tf.topk(logProbs, Math.min(topK, V));
        return [picked, argmaxHit, indices, tf.exp(values)];
      });
      const [lp, h, ids, probs] = await Promise.all([logp.data(), hit.data(), topIds.data(), topProbs.data()]);
      tf.dispose([logp, hit, topIds, topProbs]);
      const k = ids.length / at.length;
      at.forEach((flat, j) => {
        const top = Array.from(ids.slice(j * k, (j + 1) * k));
        const labelled = labels[j] !== fillMaskLabel;
        if (labelled) {
          nllSum -= lp[j];
          correct += h[j];
          if (top.includes(labels[j])) inTopK++;
          masked++;
        }
        predictions.push({
          row: rowBase + Math.floor(flat / T),
          position: flat % T,
          label: labels[j],
          labelLogProb: labelled ? lp[j] : null,
          ids: top,
          probs: Array.from(probs.slice(j * k, (j + 1) * k)),
        });
      });
    }
    rowBase += B;
  }
  const loss = masked ? nllSum / masked : NaN;
  return { loss, perplexity: Math.exp(loss), accuracy: masked ? correct / masked : NaN, topKAccuracy: masked ? inTopK / masked : NaN, maskedTokens: masked, predictions };
}

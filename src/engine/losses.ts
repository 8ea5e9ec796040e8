/** The losses HF's heads compute, as means, with the Trainer's extras (class weights, label smoothing, pos_weight). */
import * as tf from '@tensorflow/tfjs';

export interface CrossEntropyOptions {
  /** Rows whose label equals this are ignored (HF: -100; QA: T). */
  ignoreIndex?: number;
  /** [C] per-class weights, torch semantics: weighted mean = Σ w[y]·nll / Σ w[y]. */
  classWeights?: tf.Tensor1D;
  /** Trainer's LabelSmoother: (1-ε)·nll + ε·mean over classes of -log p. */
  labelSmoothing?: number;
}

/** logits [N, C], labels int32 [N] → scalar mean over non-ignored rows. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, opts: CrossEntropyOptions = {}): tf.Scalar {
  const C = logits.shape[1];
  const ignore = opts.ignoreIndex ?? -100;
  const valid = tf.cast(tf.notEqual(labels, ignore), 'float32'); // [N]
  const safe = tf.where(tf.notEqual(labels, ignore), labels, tf.zerosLike(labels)) as tf.Tensor1D;
  const logp = tf.logSoftmax(logits);
  const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(safe, C)), -1)); // [N]
  let rowWeight: tf.Tensor = valid;
  if (opts.classWeights) rowWeight = tf.mul(valid, tf.gather(opts.classWeights, safe));
  const denom = tf.sum(rowWeight);
  let loss = tf.div(tf.sum(tf.mul(nll, rowWeight)), denom);
  const eps = opts.labelSmoothing ?? 0;
  if (eps > 0) {
    // The Trainer's smoothing term ignores class weights: mean over valid rows of mean over classes of -log p.
    const smooth = tf.div(tf.sum(tf.mul(tf.neg(tf.mean(logp, -1)), valid)), tf.sum(valid));
    loss = tf.add(tf.mul(1 - eps, loss), tf.mul(eps, smooth));
  }
  return loss as tf.Scalar;
}

/** BCEWithLogits averaged over B × C; `posWeight` [C] multiplies the positive term as torch does. */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor2D, targets: tf.Tensor2D, posWeight?: tf.Tensor1D): tf.Scalar {
  // Stable form: log(1+exp(-|x|)) + max(x, 0) - x·y, generalised for pos_weight:
  // (1-y)·x + (1 + (pw-1)·y) · (log(1+exp(-|x|)) + max(-x, 0))
  const softplusNeg = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))), tf.relu(tf.neg(logits))); // = -log σ(x)
  if (!posWeight) {
    return tf.mean(tf.add(tf.mul(tf.sub(1, targets), logits), softplusNeg)) as tf.Scalar;
  }
  const weight = tf.add(1, tf.mul(tf.sub(posWeight, 1), targets));
  return tf.mean(tf.add(tf.mul(tf.sub(1, targets), logits), tf.mul(weight, softplusNeg))) as tf.Scalar;
}

/** HF QA loss: positions clamped to [0, T], T ignored; softmax over all T positions (padding included). */
export function spanLoss(start: tf.Tensor2D, end: tf.Tensor2D, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D): tf.Scalar {
  const T = start.shape[1];
  const clamp = (p: tf.Tensor1D) => tf.clipByValue(p, 0, T) as tf.Tensor1D;
  const s = crossEntropy(start, clamp(startPositions), { ignoreIndex: T });
  const e = crossEntropy(end, clamp(endPositions), { ignoreIndex: T });
  return tf.div(tf.add(s, e), 2) as tf.Scalar;
}

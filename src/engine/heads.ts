/** Task heads with Hugging Face's exact structure. Shapes: B batch, T tokens, H hidden, C labels. */
import * as tf from '@tensorflow/tfjs';
import type { EncoderConfig, HeadKind } from './config';
import { activate, type DropoutContext, layerNorm, linear, linearWith, param, type Params } from './layers';
import { embeddingNames, headNames, mlmNames } from './names';

export interface HeadOutputs {
  /** seqcls [B, C]; tokcls [B, T, C]; mlm [B, T, V] */
  logits?: tf.Tensor;
  /** qa [B, T] */
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
}

/** h[:, 0] from [B*T, H] with slice (stridedSlice has no gradient in TF.js). → [B, H] */
function firstToken(h: tf.Tensor2D, B: number, T: number, H: number): tf.Tensor2D {
  return tf.reshape(tf.slice(tf.reshape(h, [B, T, H]), [0, 0, 0], [B, 1, H]), [B, H]);
}

/** The activation between the two dense layers of the classification head, per architecture. */
function poolerActivation(cfg: EncoderConfig, x: tf.Tensor): tf.Tensor {
  switch (cfg.modelType) {
    case 'distilbert':
      return tf.relu(x);
    case 'electra':
      return activate(x, 'gelu'); // ElectraClassificationHead hard-codes GELU in transformers 4.27
    default:
      return tf.tanh(x);
  }
}

/** The dropout before the QA projection: only DistilBERT has one (qa_dropout). */
export interface HeadDropouts {
  classifier: number;
  qa: number;
}

export function applyHead(
  cfg: EncoderConfig,
  head: HeadKind,
  params: Params,
  h: tf.Tensor2D,
  shape: { B: number; T: number },
  drop: DropoutContext,
  rates: HeadDropouts,
): HeadOutputs {
  const { B, T } = shape;
  const H = cfg.hiddenSize;
  if (head === 'mlm') return { logits: maskedLmLogits(cfg, params, h, shape) };
  const names = headNames(cfg, head);
  if (names.kind === 'qa') {
    const logits = tf.reshape(linear(drop.apply(h, rates.qa), params, names.out), [B, T, 2]);
    const [start, end] = tf.split(logits, 2, 2);
    return { startLogits: tf.reshape(start, [B, T]), endLogits: tf.reshape(end, [B, T]) };
  }
  if (names.kind === 'tokcls') {
    const logits = linear(drop.apply(h, rates.classifier), params, names.out);
    return { logits: tf.reshape(logits, [B, T, logits.shape[1]]) };
  }
  const cls = firstToken(h, B, T, H);
  if (cfg.modelType === 'bert') {
    // BertForSequenceClassification: tanh(pooler.dense(h0)) → dropout → classifier
    const pooled = tf.tanh(linear(cls, params, names.dense)) as tf.Tensor2D;
    return { logits: linear(drop.apply(pooled, rates.classifier), params, names.out) };
  }
  if (cfg.modelType === 'distilbert') {
    // pre_classifier → ReLU → dropout → classifier
    const pooled = poolerActivation(cfg, linear(cls, params, names.dense)) as tf.Tensor2D;
    return { logits: linear(drop.apply(pooled, rates.classifier), params, names.out) };
  }
  // Roberta/Electra ClassificationHead: dropout → dense → act → dropout → out_proj
  const dense = linear(drop.apply(cls, rates.classifier), params, names.dense);
  const act = poolerActivation(cfg, dense) as tf.Tensor2D;
  return { logits: linear(drop.apply(act, rates.classifier), params, names.out) };
}

/**
 * *ForMaskedLM, every position: dense → activation → LayerNorm → · Eᵀ + bias, with E the word-embedding matrix
 * itself (tied: the same variable as the lookup, so autodiff sums both uses' gradients). h [B*T, H] → [B, T, V].
 */
function maskedLmLogits(cfg: EncoderConfig, params: Params, h: tf.Tensor2D, shape: { B: number; T: number }): tf.Tensor3D {
  const m = mlmNames(cfg);
  const x = layerNorm(activate(linear(h, params, m.dense), m.act) as tf.Tensor2D, params, m.norm, cfg.layerNormEps);
  const E = param(params, embeddingNames(cfg).word) as tf.Tensor2D;
  const logits = linearWith(x, E, param(params, m.bias));
  return tf.reshape(logits, [shape.B, shape.T, cfg.vocabSize]) as tf.Tensor3D;
}

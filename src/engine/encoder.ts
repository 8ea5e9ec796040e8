/**
 * The BERT-family encoder forward pass: embeddings, then post-LayerNorm transformer layers.
 * Shapes: B batch, T tokens, H hidden, E embedding size, N heads, D = H / N.
 */
import * as tf from '@tensorflow/tfjs';
import { usesRobertaPositions, type EncoderConfig } from './config';
import { activate, DropoutContext, layerNorm, linear, param, type Params } from './layers';
import { attentionContext, attentionScores, foldedAttention, fusedQkv } from './kernels/attentionProducts';
import { embeddingLookup } from './kernels/embedding';
import { maskedSoftmax } from './kernels/softmax';
import { embeddingNames, layerNames } from './names';
import { residualAdd } from './residual';

export interface EncoderInputs {
  /** int32 [B, T] */
  inputIds: tf.Tensor2D;
  /** int32 [B, T], 1 = real token */
  attentionMask: tf.Tensor2D;
  /** int32 [B, T]; zeros when absent */
  tokenTypeIds?: tf.Tensor2D;
}

export interface EncoderOutputs {
  /** [B*T, H]: kept 2-D because every consumer is a linear layer */
  last: tf.Tensor2D;
  /** L+1 tensors [B, T, H] when requested */
  hiddenStates?: tf.Tensor3D[];
  /** L tensors [B, N, T, T] when requested */
  attentions?: tf.Tensor4D[];
}

export interface EncoderOptions {
  dropout: DropoutContext;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
}

/** HF's additive mask. Any large negative gives the same softmax; -1e9 keeps every intermediate finite. */
const MASKED = -1e9;

/** RoBERTa: padding_idx + cumulative count of real tokens, pad positions get padding_idx. [B, T] int32 */
function robertaPositions(inputIds: tf.Tensor2D, padId: number): tf.Tensor2D {
  const real = tf.cast(tf.notEqual(inputIds, padId), 'float32');
  return tf.cast(tf.add(tf.mul(tf.cumsum(real, 1), real), padId), 'int32') as tf.Tensor2D;
}

function embeddings(cfg: EncoderConfig, params: Params, inputs: EncoderInputs, drop: DropoutContext): tf.Tensor2D {
  const [B, T] = inputs.inputIds.shape;
  const n = embeddingNames(cfg);
  const flatIds = tf.reshape(inputs.inputIds, [B * T]);
  const table = (name: string) => param(params, name) as tf.Tensor2D;
  // One scope: the lookups and their sums go once normed (the tape keeps what the gradient needs).
  return tf.tidy(() => {
    // nn.Embedding(padding_idx): the pad rows (names.ts) get no gradient from their lookup.
    let x = embeddingLookup(table(n.word), flatIds as tf.Tensor1D, n.wordPadding); // [B*T, E]
    // Positions: RoBERTa counts real tokens from padding_idx+1; the others use 0..T-1 in every row.
    const pos = usesRobertaPositions(cfg)
      ? tf.reshape(robertaPositions(inputs.inputIds, cfg.padTokenId), [B * T])
      : tf.tile(tf.range(0, T, 1, 'int32'), [B]);
    // residualAdd, not tf.add: TF.js's Add keeps both [B*T, E] inputs for its gradient, which needs neither.
    x = residualAdd(x, embeddingLookup(table(n.position), pos as tf.Tensor1D, n.positionPadding));
    if (cfg.typeVocabSize > 0) {
      const types = inputs.tokenTypeIds ? tf.reshape(inputs.tokenTypeIds, [B * T]) : tf.zeros([B * T], 'int32');
      x = residualAdd(x, embeddingLookup(table(n.tokenType), types as tf.Tensor1D));
    }
    x = layerNorm(x, params, n.norm, cfg.layerNormEps);
    x = drop.apply(x, cfg.hiddenDropout);
    if (n.project) x = linear(x, params, n.project);
    return x;
  });
}

/** Splits [B*T, H] into heads: [B*N, T, D]. */
function splitHeads(x: tf.Tensor2D, B: number, T: number, N: number, D: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [B, T, N, D]), [0, 2, 1, 3]), [B * N, T, D]);
}

interface Heads {
  /** [B*T, H], heads merged */
  merged: tf.Tensor2D;
  /** [B, N, T, T] */
  probs: tf.Tensor4D;
}

/** Q, K, V by three linears, heads by transposes, products by tf.matMul: the plain path (mode tfjs, other backends). */
function headsPlain(cfg: EncoderConfig, params: Params, names: ReturnType<typeof layerNames>, x: tf.Tensor2D, maskBias: tf.Tensor2D, B: number, T: number, drop: DropoutContext): Heads {
  const N = cfg.numHeads;
  const D = cfg.hiddenSize / N;
  const scale = 1 / Math.sqrt(D);
  let q = splitHeads(linear(x, params, names.query), B, T, N, D);
  const k = splitHeads(linear(x, params, names.key), B, T, N, D);
  const v = splitHeads(linear(x, params, names.value), B, T, N, D);
  // DistilBERT scales Q before the product, the others the scores (inside the softmax kernel).
  const distil = cfg.modelType === 'distilbert';
  if (distil) q = tf.mul(q, scale);
  const scores = tf.reshape(tf.matMul(q, k, false, true), [B, N, T, T]) as tf.Tensor4D;
  const probs = maskedSoftmax(scores, maskBias, distil ? 1 : scale);
  const dropped = drop.apply(probs, cfg.attentionDropout);
  const context = tf.matMul(tf.reshape(dropped, [B * N, T, T]), v); // [B*N, T, D]
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [B, N, T, D]), [0, 2, 1, 3]), [B * T, cfg.hiddenSize]) as tf.Tensor2D;
  return { merged, probs };
}

/**
 * The same with our matmul (kernels/attentionProducts.ts): Q, K, V in one dispatch into [B*T, 3H], heads read
 * in place by strides, the context written merged; no transposes. DistilBERT's scale on Q becomes the
 * scores' factor (the same product up to rounding).
 */
function headsFolded(cfg: EncoderConfig, params: Params, names: ReturnType<typeof layerNames>, x: tf.Tensor2D, maskBias: tf.Tensor2D, B: number, drop: DropoutContext): Heads {
  const N = cfg.numHeads;
  const scale = 1 / Math.sqrt(cfg.hiddenSize / N);
  const of = (part: string) => [names.query, names.key, names.value].map((n) => param(params, `${n}.${part}`)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const qkv = fusedQkv(x, of('weight'), of('bias'));
  const distil = cfg.modelType === 'distilbert';
  const probs = maskedSoftmax(attentionScores(qkv, B, N, distil ? scale : 1), maskBias, distil ? 1 : scale);
  const dropped = drop.apply(probs, cfg.attentionDropout);
  return { merged: attentionContext(dropped, qkv, N), probs };
}

function attention(
  cfg: EncoderConfig,
  params: Params,
  i: number,
  x: tf.Tensor2D,
  maskBias: tf.Tensor2D,
  shape: { B: number; T: number },
  drop: DropoutContext,
  keepProbs: boolean,
): { out: tf.Tensor2D; probs?: tf.Tensor4D } {
  const { B, T } = shape;
  const N = cfg.numHeads;
  const names = layerNames(cfg, i);
  // Its own scope: Q/K/V, scores, probabilities and context go as soon as the merged context exists (what the
  // gradient needs is kept by the tape), not at the end of the layer, so they never coexist with the FFN's.
  const kept = tf.tidy(() => {
    const heads = foldedAttention(B, T, N, cfg.hiddenSize / N)
      ? headsFolded(cfg, params, names, x, maskBias, B, drop)
      : headsPlain(cfg, params, names, x, maskBias, B, T, drop);
    return (keepProbs ? [heads.merged, heads.probs] : [heads.merged]) as tf.Tensor[];
  });
  const [merged, probs] = kept as [tf.Tensor2D, tf.Tensor4D?];
  const projected = drop.apply(linear(merged, params, names.attnOut), cfg.hiddenDropout);
  return { out: layerNorm(residualAdd(projected, x), params, names.attnNorm, cfg.layerNormEps), probs };
}

function feedForward(cfg: EncoderConfig, params: Params, i: number, x: tf.Tensor2D, drop: DropoutContext): tf.Tensor2D {
  const names = layerNames(cfg, i);
  // Its own scope: in mixed precision GELU keeps its input as f16, and the f32 [F, I] can go before the next linear.
  const inner = tf.tidy(() => activate(linear(x, params, names.ffnIn), cfg.activation)) as tf.Tensor2D;
  const out = drop.apply(linear(inner, params, names.ffnOut), cfg.hiddenDropout);
  return layerNorm(residualAdd(out, x), params, names.outNorm, cfg.layerNormEps);
}

export function encode(cfg: EncoderConfig, params: Params, inputs: EncoderInputs, opts: EncoderOptions): EncoderOutputs {
  const [B, T] = inputs.inputIds.shape;
  const H = cfg.hiddenSize;
  // [B, T]: 0 for real keys, MASKED for padding keys; padded query rows are still computed, as in HF.
  const maskBias = tf.mul(tf.sub(1, tf.cast(inputs.attentionMask, 'float32')), MASKED) as tf.Tensor2D;
  let x = embeddings(cfg, params, inputs, opts.dropout);
  const hiddenStates: tf.Tensor3D[] = [];
  const attentions: tf.Tensor4D[] = [];
  if (opts.outputHiddenStates) hiddenStates.push(tf.reshape(x, [B, T, H]));
  for (let i = 0; i < cfg.numLayers; i++) {
    const input = x;
    // One scope per layer: what the layer's ops saved for the gradient is kept by the tape (as clones), the
    // rest (f32 values of which mixed precision keeps f16 copies, probabilities not saved) goes now, not at
    // the end of the forward pass.
    const [next, probs] = tf.tidy(() => {
      const { out, probs } = attention(cfg, params, i, input, maskBias, { B, T }, opts.dropout, opts.outputAttentions === true);
      const y = feedForward(cfg, params, i, out, opts.dropout);
      return probs ? [y, probs] : [y];
    }) as [tf.Tensor2D, tf.Tensor4D?];
    if (probs) attentions.push(probs);
    // What the layer's gradient needs of its input is saved (an f32 clone, or in mixed precision an f16 copy):
    // the input itself can go now instead of at the end of the forward pass (hidden states hold their own view).
    input.dispose();
    x = next;
    if (opts.outputHiddenStates) hiddenStates.push(tf.reshape(x, [B, T, H]));
  }
  return {
    last: x,
    ...(opts.outputHiddenStates ? { hiddenStates } : {}),
    ...(opts.outputAttentions ? { attentions } : {}),
  };
}

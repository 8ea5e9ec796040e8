/**
 * The BERT-family encoder as ONNX nodes, mirroring engine/encoder.ts and HF's modeling code (transformers
 * 4.27): embeddings, then post-LayerNorm layers. Shapes: B batch, T tokens, H hidden, E embedding size,
 * N heads, D = H / N; hidden states are [B*T, H].
 */
import { usesRobertaPositions, type EncoderConfig } from '../../engine/config';
import { embeddingNames, layerNames } from '../../engine/names';
import { DataType } from './proto';
import type { GraphBuilder } from './graph';
import { activate, flatten, layerNorm, linear, toBatchTime } from './ops';

/** HF's extended attention mask: (1 - mask) · finfo(float32).min, added to the scores. */
const FLOAT32_MIN = -3.4028234663852886e38;

export interface EncoderGraph {
  /** [B*T, H] */
  hidden: string;
  /** int64 [2]: B and T, for reshapes back to [B, T, ...] */
  bt: string;
}

/** The graph inputs Optimum's exporter gives each architecture: no token types for RoBERTa and DistilBERT. */
export function hasTokenTypeInput(cfg: EncoderConfig): boolean {
  return cfg.typeVocabSize > 0 && !usesRobertaPositions(cfg);
}

/** RoBERTa: padding_idx + cumulative count of real tokens, padding_idx at pad positions. int64 [B, T] */
function robertaPositions(g: GraphBuilder, ids: string, padId: number): string {
  const pad = g.ints([padId], []);
  const real = g.op('Cast', [g.op('Not', [g.op('Equal', [ids, pad])])], { attrs: { to: DataType.INT64 } });
  const counted = g.op('Mul', [g.op('CumSum', [real, g.ints([1], [])]), real]);
  return g.op('Add', [counted, pad]);
}

function embeddings(g: GraphBuilder, cfg: EncoderConfig, ids: string, types: string | null, bt: string): string {
  g.scope = 'embeddings';
  const n = embeddingNames(cfg);
  let x = g.op('Gather', [g.weight(n.word), ids]); // [B, T, E]
  // HF's order of the sums: words + token types, then + positions.
  if (cfg.typeVocabSize > 0) {
    // RoBERTa's token_type_ids default to a zero buffer: row 0, broadcast over [B, T].
    const typeRows = g.op('Gather', [g.weight(n.tokenType), types ?? g.ints([0], [])]);
    x = g.op('Add', [x, typeRows]);
  }
  if (usesRobertaPositions(cfg)) {
    x = g.op('Add', [x, g.op('Gather', [g.weight(n.position), robertaPositions(g, ids, cfg.padTokenId)])]);
  } else {
    const T = g.op('Gather', [bt, g.ints([1], [])]);
    const positions = g.op('Range', [g.ints([0], []), T, g.ints([1], [])]); // [T], the same in every row
    x = g.op('Add', [x, g.op('Gather', [g.weight(n.position), positions])]);
  }
  x = layerNorm(g, flatten(g, x, cfg.embeddingSize), n.norm, cfg.layerNormEps);
  return n.project ? linear(g, x, n.project) : x;
}

/** [B*T, H] → [B, N, T, D], or [B, N, D, T] with `keysLast` (K ready for Q·Kᵀ). */
function splitHeads(g: GraphBuilder, cfg: EncoderConfig, x: string, bt: string, keysLast = false): string {
  const D = cfg.hiddenSize / cfg.numHeads;
  return g.op('Transpose', [toBatchTime(g, x, bt, [cfg.numHeads, D])], { attrs: { perm: keysLast ? [0, 2, 3, 1] : [0, 2, 1, 3] } });
}

function attention(g: GraphBuilder, cfg: EncoderConfig, i: number, x: string, maskBias: string, bt: string): string {
  g.scope = `layer.${i}/attention`;
  const names = layerNames(cfg, i);
  const sqrtD = g.floats([Math.sqrt(cfg.hiddenSize / cfg.numHeads)], []);
  let q = splitHeads(g, cfg, linear(g, x, names.query), bt);
  const k = splitHeads(g, cfg, linear(g, x, names.key), bt, true);
  const v = splitHeads(g, cfg, linear(g, x, names.value), bt);
  // DistilBERT divides Q by √D before the product, the others divide the scores.
  const distil = cfg.modelType === 'distilbert';
  if (distil) q = g.op('Div', [q, sqrtD]);
  let scores = g.op('MatMul', [q, k]); // [B, N, T, T]
  if (!distil) scores = g.op('Div', [scores, sqrtD]);
  const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { attrs: { axis: -1 } });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { attrs: { perm: [0, 2, 1, 3] } }); // [B, T, N, D]
  const projected = linear(g, flatten(g, context, cfg.hiddenSize), names.attnOut);
  return layerNorm(g, g.op('Add', [projected, x]), names.attnNorm, cfg.layerNormEps);
}

function feedForward(g: GraphBuilder, cfg: EncoderConfig, i: number, x: string): string {
  g.scope = `layer.${i}/ffn`;
  const names = layerNames(cfg, i);
  const inner = activate(g, linear(g, x, names.ffnIn), cfg.activation);
  return layerNorm(g, g.op('Add', [linear(g, inner, names.ffnOut), x]), names.outNorm, cfg.layerNormEps);
}

/** Declares the graph inputs (int64, dynamic batch_size × sequence_length) and builds the encoder on them. */
export function buildEncoder(g: GraphBuilder, cfg: EncoderConfig): EncoderGraph {
  const axes = ['batch_size', 'sequence_length'];
  const ids = g.input('input_ids', DataType.INT64, axes);
  const mask = g.input('attention_mask', DataType.INT64, axes);
  const types = hasTokenTypeInput(cfg) ? g.input('token_type_ids', DataType.INT64, axes) : null;
  g.scope = 'inputs';
  const bt = g.op('Shape', [ids]);
  // [B, 1, 1, T]: 0 for real keys, finfo.min for padding keys (padded query rows are still computed, as in HF).
  const keep = g.op('Cast', [mask], { attrs: { to: DataType.FLOAT } });
  const bias = g.op('Mul', [g.op('Sub', [g.floats([1], []), keep]), g.floats([FLOAT32_MIN], [])]);
  const maskBias = g.op('Unsqueeze', [bias, g.ints([1, 2])]);
  let x = embeddings(g, cfg, ids, types, bt);
  for (let i = 0; i < cfg.numLayers; i++) x = feedForward(g, cfg, i, attention(g, cfg, i, x, maskBias, bt));
  return { hidden: x, bt };
}

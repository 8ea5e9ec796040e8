/**
 * The autotuner's trials for one model at one batch shape: every fused op at the shapes a training step of
 * that model runs it with (B batch, T tokens, H hidden, E embedding size, I intermediate, N heads, V vocab).
 * Each trial runs the op forward and backward, as training does. Inputs are random but the shapes are real,
 * and the weights-sized inputs (global norm, embedding tables) are the model's own tensors, so tuning a
 * BERT-base run allocates no second copy of its weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderConfig } from '../config.ts';
import { embeddingLookup } from './embedding.ts';
import { layerNorm } from './layerNorm.ts';
import { sumToLastAxis } from './columnSum.ts';
import { maskedSoftmax } from './softmax.ts';
import { sumOfSquares } from './sumSquares.ts';
import { REDUCTION_VARIANTS } from './select.ts';
import type { TuneTrial } from './autotune.ts';
import { matmulTrials } from './matmulTrials.ts';

export interface TrialShape {
  cfg: EncoderConfig;
  batch: number;
  seq: number;
  /** The model's parameters (global-norm trial) and word / position embedding tables by role. */
  params: readonly tf.Tensor[];
  tables: { word: tf.Tensor2D; position: tf.Tensor2D };
}

const uniform = (shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32', 7);

/** Forward + backward of `f` at `x` under a fixed upstream gradient (what a training step does). */
function forwardBackward(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  return tf.grads((...a: tf.Tensor[]) => tf.sum(f(...a)))(xs);
}

function layerNormTrial(rows: number, cols: number, eps: number): TuneTrial {
  return {
    op: 'layerNorm',
    key: `${rows}x${cols}`,
    variants: REDUCTION_VARIANTS,
    inputs: () => [uniform([rows, cols]), uniform([cols]), uniform([cols])],
    run: (xs) => forwardBackward((x, g, b) => layerNorm(x as tf.Tensor2D, g, b, eps), xs),
  };
}

function softmaxTrial(B: number, N: number, T: number): TuneTrial {
  return {
    op: 'softmax',
    key: `${B * N * T}x${T}`,
    variants: REDUCTION_VARIANTS,
    inputs: () => [uniform([B, N, T, T]), tf.zeros([B, T])],
    run: ([scores, bias]) => forwardBackward((s) => maskedSoftmax(s as tf.Tensor4D, bias as tf.Tensor2D, 0.125), [scores]),
  };
}

function columnSumTrial(rows: number, cols: number): TuneTrial {
  return { op: 'columnSum', key: `${rows}x${cols}`, variants: REDUCTION_VARIANTS, inputs: () => [uniform([rows, cols])], run: ([x]) => sumToLastAxis(x) };
}

function sumSquaresTrial(params: readonly tf.Tensor[]): TuneTrial {
  const total = params.reduce((n, p) => n + p.size, 0);
  return { op: 'sumSquares', key: String(total), variants: REDUCTION_VARIANTS, run: () => sumOfSquares(params) };
}

function embeddingTrial(table: tf.Tensor2D, count: number): TuneTrial {
  const [vocab, dim] = table.shape;
  return {
    op: 'embeddingGrad',
    key: `${vocab}x${dim}x${count}`,
    variants: REDUCTION_VARIANTS,
    // Ids with repeats, as real text has: the gradient sums repeated rows.
    inputs: () => [tf.tidy(() => tf.cast(tf.floor(tf.mul(tf.randomUniform([count], 0, 1, 'float32', 3), Math.min(vocab, Math.max(1, count >> 1)))), 'int32'))],
    run: ([ids]) => tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t as tf.Tensor2D, ids as tf.Tensor1D)))(table),
  };
}

/** Every trial of a training step of `cfg` at [batch, seq]. */
export function modelTrials(s: TrialShape): TuneTrial[] {
  const { cfg, batch: B, seq: T } = s;
  const rows = B * T;
  const H = cfg.hiddenSize;
  const E = cfg.embeddingSize;
  const trials: TuneTrial[] = [
    embeddingTrial(s.tables.word, rows),
    embeddingTrial(s.tables.position, rows),
    layerNormTrial(rows, E, cfg.layerNormEps),
    layerNormTrial(rows, H, cfg.layerNormEps),
    softmaxTrial(B, cfg.numHeads, T),
    columnSumTrial(rows, H),
    columnSumTrial(rows, cfg.intermediateSize),
    sumSquaresTrial(s.params),
    ...matmulTrials(cfg, B, T),
  ];
  if (E !== H) trials.push(columnSumTrial(rows, E));
  return trials;
}

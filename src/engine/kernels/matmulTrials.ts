/**
 * The autotuner's matmul trials for a training step of one model: each linear layer's forward (x·Wᵀ) and
 * backward (dy·W, dyᵀ·x) products and the attention products (Q·Kᵀ and P·V per head), ours against TF.js's
 * (select.ts), under the keys matmul.ts and attentionProducts.ts ask with. Shapes: F = B·T rows, H hidden,
 * E embedding size, I intermediate, N heads, D = H / N.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderConfig } from '../config.ts';
import type { TuneTrial } from './autotune.ts';
import { matmulForward, matmulKey, type MatmulOptions } from './matmul.ts';
import { MATMUL_VARIANTS } from './select.ts';

const uniform = (shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32', 11);

/** One product a [.., M, K]·b [.., K, N] in the stored orientation `form` names. */
function product(form: 'AB' | 'ABt' | 'AtB', batch: number, M: number, K: number, N: number): TuneTrial {
  const lead = batch > 1 ? [batch] : [];
  const opts: MatmulOptions = { transposeA: form === 'AtB', transposeB: form === 'ABt' };
  return {
    op: `matmul.${form}`,
    key: matmulKey({ batch, M, K, N }),
    variants: MATMUL_VARIANTS,
    inputs: () => [uniform([...lead, ...(opts.transposeA ? [K, M] : [M, K])]), uniform([...lead, ...(opts.transposeB ? [N, K] : [K, N])])],
    run: ([a, b]) => matmulForward(a, b, opts),
  };
}

/** x [F, in]·W[out, in]ᵀ, dx = dy·W, dW = dyᵀ·x. */
function linearProducts(F: number, inF: number, outF: number): TuneTrial[] {
  return [product('ABt', 1, F, inF, outF), product('AB', 1, F, outF, inF), product('AtB', 1, outF, F, inF)];
}

export function matmulTrials(cfg: EncoderConfig, B: number, T: number): TuneTrial[] {
  const F = B * T;
  const H = cfg.hiddenSize;
  const I = cfg.intermediateSize;
  const N = cfg.numHeads;
  const D = H / N;
  const trials = [
    ...linearProducts(F, H, H),
    ...linearProducts(F, H, I),
    ...linearProducts(F, I, H),
    product('ABt', B * N, T, D, T), // scores = Q·Kᵀ
    product('AB', B * N, T, T, D), // context = P·V
  ];
  if (cfg.embeddingSize !== H) trials.push(...linearProducts(F, cfg.embeddingSize, H));
  return trials;
}

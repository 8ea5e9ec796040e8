/**
 * The autotuner's matmul trials for a training step of one model: each linear layer's forward (x·Wᵀ) and
 * backward (dy·W, dyᵀ·x) products and the attention products, ours against TF.js's (select.ts).
 */
import type { EncoderConfig } from '../config.ts';
import type { TuneTrial } from './autotune.ts';

export function matmulTrials(_cfg: EncoderConfig, _B: number, _T: number): TuneTrial[] {
  return [];
}

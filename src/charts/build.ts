/** History → uPlot's aligned columns for each live chart (pure; thinned to at most MAX_POINTS). */
import type { AlignedData } from 'uplot';
import type { History } from './history';
import { downsampleIndices, ema } from './series';

export const MAX_POINTS = 1500;
/** TensorBoard's default smoothing. */
export const SMOOTHING = 0.6;

const pick = <T,>(xs: readonly T[], idx: number[]): T[] => idx.map((i) => xs[i]);

export function trainLossData(h: History, smoothing = SMOOTHING): AlignedData {
  const smooth = ema(h.loss, smoothing);
  const idx = downsampleIndices(h.loss, MAX_POINTS);
  return [pick(h.step, idx), pick(h.loss, idx), pick(smooth, idx)] as AlignedData;
}

/** One step-indexed series (lr, grad norm, tokens/s). */
export function stepSeries(h: History, key: 'lr' | 'gradNorm' | 'tokensPerSecond'): AlignedData {
  const idx = downsampleIndices(h[key], MAX_POINTS);
  return [pick(h.step, idx), pick(h[key], idx)] as AlignedData;
}

/** Validation metrics by name at each evaluation (few points: no thinning). */
export function evalSeries(h: History, keys: readonly string[]): AlignedData {
  return [h.evalStep.slice(), ...keys.map((k) => (h.evalMetrics[k] ?? h.evalStep.map(() => null)).slice())] as AlignedData;
}

/** The metrics each task charts (those present in the history are drawn). */
export const TASK_METRICS: Record<string, string[]> = {
  classification: ['accuracy', 'f1_macro', 'f1_micro'],
  pair: ['accuracy', 'f1_macro', 'f1_micro'],
  multilabel: ['f1_micro', 'f1_macro', 'roc_auc_macro'],
  qa: ['exact_match', 'f1'],
  ner: ['f1', 'precision', 'recall'],
};

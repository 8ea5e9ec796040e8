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

/** One step-indexed series (lr, grad norm, tokens/s); inf/NaN (a skipped mixed-precision step's norm) is a gap. */
export function stepSeries(h: History, key: 'lr' | 'gradNorm' | 'tokensPerSecond'): AlignedData {
  const ys = h[key].map((v) => (Number.isFinite(v) ? v : null));
  const idx = downsampleIndices(ys, MAX_POINTS);
  return [pick(h.step, idx), pick(ys, idx)] as AlignedData;
}

/** Whether the run trained in mixed precision (its history has loss scales or skipped steps). */
export function hasLossScale(h: History): boolean {
  return (h.skippedStep?.length ?? 0) > 0 || (h.lossScale ?? []).some((v) => v !== null);
}

/**
 * Mixed precision: the loss scale at the logged steps (a line) and the skipped steps at the scale that overflowed
 * (points), on one x axis: the union of both step lists, null where a series has no value.
 */
export function lossScaleData(h: History): AlignedData {
  const scale = h.lossScale ?? h.step.map(() => null);
  const idx = downsampleIndices(scale, MAX_POINTS);
  const rows = new Map<number, [number | null, number | null]>();
  for (const i of idx) rows.set(h.step[i], [scale[i] ?? null, null]);
  (h.skippedStep ?? []).forEach((s, i) => rows.set(s, [rows.get(s)?.[0] ?? null, h.skippedScale![i]]));
  const xs = [...rows.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => rows.get(x)![0]), xs.map((x) => rows.get(x)![1])] as AlignedData;
}

/** Validation metrics by name at each evaluation (few points: no thinning). */
export function evalSeries(h: History, keys: readonly string[]): AlignedData {
  return [h.evalStep.slice(), ...keys.map((k) => (h.evalMetrics[k] ?? h.evalStep.map(() => null)).slice())] as AlignedData;
}

/**
 * A run's history as columns (one array per series). The columns are append-only: an event appends to them in
 * place (O(1), where copying them would make a long run quadratic) and returns a new History object over the
 * same columns. The object's identity is what React and the charts observe; a snapshot's columns may have
 * grown since it was replaced, so read the current one.
 */
import type { TrainEvent } from '../protocol/train';

export interface History {
  step: number[];
  epoch: number[];
  loss: number[];
  lr: number[];
  gradNorm: number[];
  tokensPerSecond: number[];
  elapsedMs: number[];
  /** Mixed precision: the loss scale of each logged step (null in float32 runs). Absent in histories saved before it. */
  lossScale?: (number | null)[];
  /** Mixed precision: steps skipped on an inf/NaN gradient, and the scale that overflowed (their own columns). */
  skippedStep?: number[];
  skippedScale?: number[];
  evalStep: number[];
  /** Validation metrics by name (loss, accuracy, f1_macro, …), aligned with evalStep; null where absent. */
  evalMetrics: Record<string, (number | null)[]>;
}

export function emptyHistory(): History {
  return { step: [], epoch: [], loss: [], lr: [], gradNorm: [], tokensPerSecond: [], elapsedMs: [], lossScale: [], skippedStep: [], skippedScale: [], evalStep: [], evalMetrics: {} };
}

/**
 * `offset` shifts the worker's step numbers after a resume (and its elapsed time by `elapsedOffset`). A skipped
 * mixed-precision step is a marker, not a point of the loss series (the next logged mean includes its loss).
 */
export function appendStep(h: History, e: Extract<TrainEvent, { type: 'step' }>, offset = 0, elapsedOffset = 0): History {
  if (e.skipped) {
    (h.skippedStep ??= []).push(e.step + offset);
    (h.skippedScale ??= []).push(e.lossScale ?? NaN);
    return { ...h };
  }
  (h.lossScale ??= new Array<number | null>(h.step.length).fill(null)).push(e.lossScale ?? null);
  h.step.push(e.step + offset);
  h.epoch.push(e.epoch);
  h.loss.push(e.loss);
  h.lr.push(e.lr);
  h.gradNorm.push(e.gradNorm);
  h.tokensPerSecond.push(e.tokensPerSecond);
  h.elapsedMs.push(e.elapsedMs + elapsedOffset);
  return { ...h };
}

export function appendEval(h: History, step: number, metrics: Record<string, number>): History {
  const n = h.evalStep.length;
  h.evalStep.push(step);
  for (const [k, v] of Object.entries(metrics)) {
    h.evalMetrics[k] ??= new Array<number | null>(n).fill(null);
    h.evalMetrics[k].push(Number.isFinite(v) ? v : null);
  }
  for (const col of Object.values(h.evalMetrics)) if (col.length === n) col.push(null);
  return { ...h };
}

export interface Progress {
  step: number;
  totalSteps: number;
  /** Estimated seconds left, from the mean time per step over the recent steps; null before two steps. */
  etaSeconds: number | null;
  tokensPerSecond: number | null;
}

export function progressOf(h: History, totalSteps: number): Progress {
  const n = h.step.length;
  const step = n ? h.step[n - 1] : 0;
  if (n < 2) return { step, totalSteps, etaSeconds: null, tokensPerSecond: n ? h.tokensPerSecond[n - 1] : null };
  const from = Math.max(0, n - 20);
  const msPerStep = (h.elapsedMs[n - 1] - h.elapsedMs[from]) / Math.max(1, h.step[n - 1] - h.step[from]);
  const etaSeconds = msPerStep > 0 ? (Math.max(0, totalSteps - step) * msPerStep) / 1000 : null;
  return { step, totalSteps, etaSeconds, tokensPerSecond: h.tokensPerSecond[n - 1] };
}

/** History up to `step` (the rest is redone after a resume). */
export function truncateHistory(h: History, step: number): History {
  const keep = h.step.findIndex((s) => s > step);
  const evalKeep = h.evalStep.findIndex((s) => s > step);
  const n = keep < 0 ? h.step.length : keep;
  const m = evalKeep < 0 ? h.evalStep.length : evalKeep;
  const skipped = (h.skippedStep ?? []).filter((s) => s <= step).length;
  return {
    step: h.step.slice(0, n), epoch: h.epoch.slice(0, n), loss: h.loss.slice(0, n), lr: h.lr.slice(0, n), gradNorm: h.gradNorm.slice(0, n),
    tokensPerSecond: h.tokensPerSecond.slice(0, n), elapsedMs: h.elapsedMs.slice(0, n), evalStep: h.evalStep.slice(0, m),
    lossScale: (h.lossScale ?? new Array<null>(h.step.length).fill(null)).slice(0, n),
    skippedStep: (h.skippedStep ?? []).slice(0, skipped), skippedScale: (h.skippedScale ?? []).slice(0, skipped),
    evalMetrics: Object.fromEntries(Object.entries(h.evalMetrics).map(([k, v]) => [k, v.slice(0, m)])),
  };
}

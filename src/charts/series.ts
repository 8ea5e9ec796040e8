/** Pure series helpers for the live charts: smoothing and downsampling, both O(n). */

/**
 * Exponential moving average with TensorBoard's debiasing: the first points are not pulled toward 0.
 * `weight` in [0, 1): 0 = raw, 0.9 = strong smoothing. Non-finite values are passed through as null.
 */
export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight < 0 || weight >= 1) throw new Error(`ema: weight must be in [0, 1), got ${weight}`);
  const out: (number | null)[] = new Array(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - weight ** n);
  }
  return out;
}

/**
 * At most `maxPoints` points: the x range is cut into buckets and each keeps its minimum and maximum
 * (in x order), so spikes survive and the line keeps its envelope. Shorter inputs come back unchanged.
 */
export function downsample(xs: readonly number[], ys: readonly (number | null)[], maxPoints: number): { x: number[]; y: (number | null)[] } {
  const idx = downsampleIndices(ys, maxPoints);
  return { x: idx.map((i) => xs[i]), y: idx.map((i) => ys[i]) };
}

/**
 * The indices `downsample` keeps, so series that share an x axis (raw and smoothed loss) are thinned alike.
 * Buckets with no finite value keep their first index (a gap).
 */
export function downsampleIndices(ys: readonly (number | null)[], maxPoints: number): number[] {
  const n = ys.length;
  if (n <= maxPoints || maxPoints < 4) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor(maxPoints / 2);
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = ys[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (lo < 0 || v < ys[lo]!) lo = i;
      if (hi < 0 || v > ys[hi]!) hi = i;
    }
    if (lo < 0) {
      out.push(from);
      continue;
    }
    out.push(Math.min(lo, hi));
    if (hi !== lo) out.push(Math.max(lo, hi));
  }
  return out;
}

/** Seconds → "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

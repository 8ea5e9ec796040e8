/**
 * Member weights: checked and normalised to sum 1, and searched on validation rows. The search maximises the
 * task's default metric: a grid over the simplex for up to 4 members (step 0.1: 11, 66 or 286 points), else
 * coordinate ascent from equal weights (the grid grows as C(10+n-1, n-1), too many points past 4). Ties go to
 * the weights closest to equal, so a flat metric keeps the plain average instead of an arbitrary corner.
 */

/** Weights as given, scaled to sum 1; throws on a negative, non-finite or all-zero list. */
export function normalizeWeights(weights: readonly number[]): number[] {
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new Error(`weights must be finite and >= 0, got ${weights.join(', ')}`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error('weights must not all be 0');
  return weights.map((w) => w / total);
}

export const equalWeights = (n: number): number[] => new Array<number>(n).fill(1 / n);

export interface WeightSearch {
  method: 'grid' | 'coordinate ascent';
  /** Grid spacing of each weight. */
  step: number;
  weights: number[];
  score: number;
  /** The score with equal weights, to show what the search bought. */
  equalScore: number;
  /** How many weight vectors were scored. */
  evaluated: number;
}

/** Squared distance from equal weights: the tie-breaker. */
function unevenness(w: readonly number[]): number {
  const e = 1 / w.length;
  return w.reduce((a, x) => a + (x - e) ** 2, 0);
}

/** Every vector of `n` non-negative multiples of 1/k that sum to 1, in lexicographic order of the counts. */
function* simplexGrid(n: number, k: number): Generator<number[]> {
  const counts = new Array<number>(n).fill(0);
  function* fill(i: number, left: number): Generator<number[]> {
    if (i === n - 1) {
      counts[i] = left;
      yield counts.map((c) => c / k);
      return;
    }
    for (let c = left; c >= 0; c--) {
      counts[i] = c;
      yield* fill(i + 1, left - c);
    }
  }
  yield* fill(0, k);
}

/** `score(weights)` must be deterministic; higher is better. */
export function searchWeights(n: number, score: (weights: number[]) => number, step = 0.1): WeightSearch {
  if (n < 1) throw new Error('searchWeights: no members');
  const k = Math.round(1 / step);
  const cache = new Map<string, number>();
  const scoreOf = (w: number[]) => {
    const key = w.map((x) => x.toFixed(9)).join(',');
    let s = cache.get(key);
    if (s === undefined) {
      s = score(w);
      cache.set(key, s);
    }
    return s;
  };
  const equal = equalWeights(n);
  const equalScore = scoreOf(equal);
  let best = { weights: equal, score: equalScore };
  const consider = (w: number[]) => {
    const s = scoreOf(w);
    // The margin keeps the first of mirror-image points whose distances differ only by rounding.
    if (s > best.score || (s === best.score && unevenness(w) < unevenness(best.weights) - 1e-12)) best = { weights: w, score: s };
  };
  if (n <= 4) {
    for (const w of simplexGrid(n, k)) consider(w);
    return { method: 'grid', step: 1 / k, ...best, equalScore, evaluated: cache.size };
  }
  // Coordinate ascent: move one weight along the grid, the others keep their proportions; stop when no move helps.
  for (let round = 0; round < 50; round++) {
    const before = best.score;
    for (let i = 0; i < n; i++) {
      const current = best.weights;
      const rest = 1 - current[i];
      for (let c = 0; c <= k; c++) {
        const v = c / k;
        const w = current.map((x, j) => (j === i ? v : rest > 0 ? (x * (1 - v)) / rest : (1 - v) / (n - 1)));
        const s = scoreOf(w);
        if (s > best.score) best = { weights: w, score: s };
      }
    }
    if (best.score <= before) break;
  }
  return { method: 'coordinate ascent', step: 1 / k, ...best, equalScore, evaluated: cache.size };
}

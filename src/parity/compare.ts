/** Error measures and the fixture README's tolerances. Everything in float64. */

/** Budgets of each check: max|a-b| ≤ rel·max|ref| + abs (gradients: abs = g·G, G the largest |ref| gradient). */
export interface Tolerances {
  name: string;
  output: { rel: number; abs: number };
  grads: { rel: number; g: number };
  /** Trajectory loss and grad norm, relative per step. */
  series: number;
  /** Final weights, relative to each tensor's max. */
  weights: number;
}

/** The fixture README's tolerances for a float32 engine. */
export const F32_TOLERANCES: Tolerances = { name: 'float32', output: { rel: 1e-5, abs: 1e-6 }, grads: { rel: 1e-4, g: 1e-5 }, series: 1e-4, weights: 1e-4 };

/**
 * Mixed precision (`--mixed-precision`): matmul inputs and saved activations are rounded to f16 (11 significant
 * bits, relative rounding 2^-11 ≈ 4.9e-4 per element), so outputs and gradients move by a few 1e-3 through a
 * few layers. These budgets sit a few times above what the fixtures measure and far below what a wrong
 * gradient gives (a missing term, a wrong scale or a wrong sign is off by ≥ 10% of its tensor's max).
 */
export const MIXED_TOLERANCES: Tolerances = { name: 'mixed precision', output: { rel: 1e-2, abs: 1e-3 }, grads: { rel: 3e-2, g: 3e-3 }, series: 1e-2, weights: 1e-2 };

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export interface QuantityCheck {
  quantity: string;
  /** Worst relative error: max|a-b| / max|ref| (gradients: over max(max|ref_t|, 1e-3·G), per tensor). */
  worst: number;
  /** Where the worst value was seen (a tensor name, a step). */
  where?: string;
  pass: boolean;
  detail?: string;
}

/** Outputs (logits, hidden states, attentions, loss): max|a-b| ≤ 1e-5·max|ref| + 1e-6 (float32). */
export function checkOutput(quantity: string, ours: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerances = F32_TOLERANCES): QuantityCheck {
  const diff = maxAbsDiff(ours, ref);
  const scale = maxAbs(ref);
  return { quantity, worst: diff / Math.max(scale, 1e-30), pass: diff <= tol.output.rel * scale + tol.output.abs };
}

/**
 * Per-tensor check shared by gradients and final weights: each tensor passes when max|a-b| ≤ budget(max|ref_t|);
 * `worst` is max|a-b| / max(max|ref_t|, floor), reported with the tensor's name.
 */
function checkTensors(
  quantity: string,
  ours: Map<string, ArrayLike<number>>,
  ref: Map<string, ArrayLike<number>>,
  rule: { budget: (scale: number) => number; floor: number; skip?: ReadonlySet<string>; requireAll: boolean },
): QuantityCheck {
  let worst = 0;
  let where = '';
  const failures: string[] = [];
  for (const [name, r] of ref) {
    if (rule.skip?.has(name)) continue;
    const o = ours.get(name);
    if (!o) {
      failures.push(`${name} missing`);
      continue;
    }
    const diff = maxAbsDiff(o, r);
    const scale = maxAbs(r);
    const rel = diff / Math.max(scale, rule.floor);
    if (rel > worst) [worst, where] = [rel, name];
    if (!(diff <= rule.budget(scale))) failures.push(`${name} (max|Δ| ${diff.toExponential(2)}, max|ref| ${scale.toExponential(2)})`);
  }
  if (rule.requireAll) for (const name of ours.keys()) if (!ref.has(name)) failures.push(`${name} has no reference`);
  return { quantity, worst, where, pass: failures.length === 0, ...(failures.length ? { detail: failures.join('; ') } : {}) };
}

/** Gradients: per tensor max|a-b| ≤ 1e-4·max|ref_t| + 1e-5·G (float32), G = largest |ref| over all gradients. */
export function checkGradients(ours: Map<string, ArrayLike<number>>, ref: Map<string, ArrayLike<number>>, tol: Tolerances = F32_TOLERANCES): QuantityCheck {
  let G = 0;
  for (const r of ref.values()) G = Math.max(G, maxAbs(r));
  return checkTensors('grads', ours, ref, { budget: (scale) => tol.grads.rel * scale + tol.grads.g * G, floor: 1e-3 * G, requireAll: true });
}

/** Per-step series (trajectory loss, grad norm): relative tol per step. */
export function checkSeries(quantity: string, ours: number[], ref: number[], rel: number): QuantityCheck {
  let worst = 0;
  let where = '';
  let detail = '';
  let pass = ours.length === ref.length;
  for (let i = 0; i < ref.length; i++) {
    const err = ref[i] === 0 ? Math.abs(ours[i]) : Math.abs(ours[i] - ref[i]) / Math.abs(ref[i]);
    if (!(err <= worst)) [worst, where] = [Number.isNaN(err) ? Infinity : err, `step ${i + 1}`];
    if (!(err <= rel) && pass) {
      pass = false;
      detail = `first off at step ${i + 1}: ${ours[i]} vs ${ref[i]}`;
    }
  }
  return { quantity, worst, where, pass, ...(detail ? { detail } : {}) };
}

/** Final weights: per tensor max|a-b| ≤ 1e-4·max|ref_t| (float32), skipping noise-driven tensors. */
export function checkWeights(
  ours: Map<string, ArrayLike<number>>,
  ref: Map<string, ArrayLike<number>>,
  skip: ReadonlySet<string>,
  tol: Tolerances = F32_TOLERANCES,
): QuantityCheck {
  return checkTensors('final_weights', ours, ref, { budget: (scale) => tol.weights * scale, floor: 1e-30, skip, requireAll: false });
}

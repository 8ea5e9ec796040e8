/**
 * Both variants of every fused reduction ('flat': barrier-free; 'workgroup': a workgroup per row, column
 * tile or position, see select.ts and workgroup.ts) against the plain TF.js ops, values and gradients, on
 * real WebGPU. Sizes are odd on purpose: H not a multiple of 4, T = 1, more than 65535 row workgroups
 * (tfjs folds the dispatch into 2-D), column sums over 1, 3 and > ROW_CHUNK row chunks, repeated ids in
 * every order. Each test also checks which programs ran, so a variant cannot silently fall back.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { ROW_CHUNK, columnSumKey, sumToLastAxis } from '../../../src/engine/kernels/columnSum.ts';
import { embeddingGradKey, embeddingLookup } from '../../../src/engine/kernels/embedding.ts';
import { layerNorm, layerNormKey, layerNormReference } from '../../../src/engine/kernels/layerNorm.ts';
import { setChoice, setKernelMode, type ReductionVariant } from '../../../src/engine/kernels/select.ts';
import { maskedSoftmax, maskedSoftmaxReference, softmaxKey } from '../../../src/engine/kernels/softmax.ts';
import { sumOfSquares, sumSquaresKey } from '../../../src/engine/kernels/sumSquares.ts';
import { GROUP } from '../../../src/engine/kernels/sumSquares.program.ts';
import { rng } from '../../../src/engine/random.ts';
import { webgpu } from '../setup.ts';
import { compare, random, relError } from './helpers.ts';

beforeAll(webgpu);
afterEach(() => setKernelMode('auto'));

/**
 * Runs f and returns its result with the keys of our programs it dispatched (tfjs's own are left out).
 * Kernels run synchronously, so for an async f (compare) this is everything up to its first await.
 */
function programsOf<T>(f: () => T): [T, Set<string>] {
  const backend = tf.backend() as WebGPUBackend;
  const original = backend.runWebGPUProgram;
  const keys = new Set<string>();
  backend.runWebGPUProgram = function (this: WebGPUBackend, program: WebGPUProgram, ...rest) {
    if (program.shaderKey.startsWith('studio_')) keys.add(program.shaderKey);
    return original.call(this, program, ...rest);
  } as typeof original;
  try {
    return [f(), keys];
  } finally {
    backend.runWebGPUProgram = original;
  }
}

/** The workgroup form of program `key` (its lanes per row may follow, e.g. studio_ln_stats_wg64). */
const isWorkgroupOf = (k: string, key: string) => k.startsWith(`${key}_wg`);

/** `keys` ran each of `expected` in `variant`'s form and none in the other's. */
function expectVariant(keys: Set<string>, variant: ReductionVariant, expected: string[]): void {
  const all = [...keys];
  for (const e of expected) expect(all.some((k) => (variant === 'workgroup' ? isWorkgroupOf(k, e) : k === e)), `${e} in ${all.join(' ')}`).toBe(true);
  const other = all.filter((k) => expected.some((e) => (variant === 'workgroup' ? k === e : isWorkgroupOf(k, e))));
  expect(other).toEqual([]);
}

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

/**
 * The plain-op value, upstream gradient and gradients of each case, computed once and shared by both
 * variants: on SwiftShader TF.js's shared-memory reductions over 70000 rows take tens of seconds.
 */
const references = new Map<string, { y: tf.Tensor; dy: tf.Tensor; grads: tf.Tensor[] }>();
afterAll(() => references.forEach((r) => tf.dispose([r.y, r.dy, ...r.grads])));

function reference(label: string, plain: Fn, wrt: tf.Tensor[], seed: number) {
  let ref = references.get(label);
  if (!ref) {
    const y = plain(...wrt);
    const dy = random(y.shape, seed);
    ref = { y, dy, grads: tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(plain(...xs), dy)))(wrt) };
    references.set(label, ref);
  }
  return ref;
}

/** Relative errors of ours against the case's plain-op reference (value, then each gradient), and the programs ours ran. */
async function compareToReference(label: string, ours: Fn, plain: Fn, wrt: tf.Tensor[], seed: number) {
  const ref = reference(label, plain, wrt, seed);
  const [[y, grads], keys] = programsOf(() => [ours(...wrt), tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(ours(...xs), ref.dy)))(wrt)] as const);
  const value = await relError(y, ref.y);
  const gradErrors: number[] = [];
  for (let i = 0; i < wrt.length; i++) gradErrors.push(await relError(grads[i], ref.grads[i]));
  tf.dispose([y, ...grads]);
  return { value, grads: gradErrors, keys };
}

const LN_PROGRAMS = ['studio_ln_stats', 'studio_ln_grad_rows', 'studio_ln_grad_gamma'];
const SOFTMAX_PROGRAMS = ['studio_softmax_stats', 'studio_softmax_grad_rows'];

describe.each(['flat', 'workgroup'] as const)('%s variant matches the plain ops', (variant) => {
  // Tolerances (relative to each tensor's largest value) are ~10× the worst measured on SwiftShader: 7e-7
  // for values and 1e-6 for gradients, in both variants.
  test.each([
    [67, 45], // H not a multiple of 4 (16 lanes a row)
    [33, 301], // 64 lanes, 4 or 5 features each
    [2 * ROW_CHUNK.workgroup + 77, 7], // dγ and dβ in three row chunks in the workgroup variant, then a second pass
    [2 * ROW_CHUNK.flat + 77, 7], // the same in the flat variant
    [70000, 9], // > 65535 row workgroups of 4 lanes: a 2-D dispatch; dγ over 137 chunks
    [37, 256], // H a multiple of 4: the workgroup variant reads vec4s (16 lanes of 4)
    [5, 12], // vec4, 3 a row
    [70000, 8], // vec4, > 65535 row workgroups
  ])('layerNorm %i × %i: values, dx, dγ, dβ', async (rows, cols) => {
    setKernelMode(variant);
    const x = tf.add(random([rows, cols], 1, 3), 5); // a large mean tests the centring
    const gamma = random([cols], 2);
    const beta = random([cols], 3);
    const r = await compareToReference(
      `layerNorm ${rows}x${cols}`,
      (a, b, c) => layerNorm(a as tf.Tensor2D, b, c, 1e-12),
      (a, b, c) => layerNormReference(a as tf.Tensor2D, b, c, 1e-12),
      [x, gamma, beta],
      4,
    );
    expectVariant(r.keys, variant, LN_PROGRAMS);
    expect([...r.keys].filter((k) => k.endsWith('v4')).length > 0, 'vec4 row programs').toBe(variant === 'workgroup' && cols % 4 === 0);
    expect(r.value).toBeLessThan(5e-6);
    for (const e of r.grads) expect(e).toBeLessThan(1e-5);
    tf.dispose([x, gamma, beta]);
  });

  test.each([
    [3, 2, 7, 0.5],
    [2, 3, 45, 1],
    [1, 2, 130, 0.5], // several keys a lane
    [2, 3, 1, 0.5], // T = 1: the probability is 1, the gradient 0
    [13200, 1, 5, 1], // 66000 rows of 2 lanes: > 65535 workgroups
    [2, 3, 8, 0.5], // T a multiple of 4: the workgroup variant reads vec4s
    [1, 2, 128, 0.125], // vec4, 8 lanes of 4
    [16500, 1, 4, 1], // vec4, 66000 rows of one lane: > 65535 workgroups
  ])('maskedSoftmax [%i, %i, %i, T]: values and gradient, padded keys get 0', async (B, N, T, scale) => {
    setKernelMode(variant);
    const scores = random([B, N, T, T], 5, 4);
    const r0 = rng(7);
    // Key 0 is always real (no row is all padding), about half the others are padding.
    const mask = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i % T === 0 || r0() < 0.5 ? 1 : 0)), [B, T]);
    const bias = tf.mul(tf.sub(1, mask), -1e9) as tf.Tensor2D;
    const r = await compareToReference(
      `softmax ${[B, N, T]}`,
      (s) => maskedSoftmax(s as tf.Tensor4D, bias, scale),
      (s) => maskedSoftmaxReference(s as tf.Tensor4D, bias, scale),
      [scores],
      6,
    );
    expectVariant(r.keys, variant, SOFTMAX_PROGRAMS);
    expect([...r.keys].filter((k) => k.endsWith('v4')).length > 0, 'vec4 row programs').toBe(variant === 'workgroup' && T % 4 === 0);
    expect(r.value).toBeLessThan(5e-6);
    expect(r.grads[0]).toBeLessThan(1e-5);
    const y = maskedSoftmax(scores as tf.Tensor4D, bias, scale);
    const probs = await y.data();
    const maskValues = await mask.data();
    let padded = 0;
    let leaked = 0;
    for (let i = 0; i < probs.length; i++) {
      if (maskValues[Math.floor(i / (N * T * T)) * T + (i % T)] !== 0) continue;
      padded++;
      if (probs[i] !== 0) leaked++;
    }
    expect(leaked).toBe(0);
    if (T > 1) expect(padded).toBeGreaterThan(0);
    tf.dispose([scores, mask, bias, y]);
  });

  test('sumToLastAxis: 1, 3 and more than ROW_CHUNK row chunks (three passes), several column tiles', async () => {
    setKernelMode(variant);
    const chunk = ROW_CHUNK[variant];
    const shapes = [[37, 1, 19], [3 * chunk - 5, 7], [700, 130], [chunk * (chunk + 2), 1]];
    for (const shape of shapes) {
      const x = random(shape, 20);
      const [ours, keys] = programsOf(() => sumToLastAxis(x));
      expectVariant(keys, variant, ['studio_colsum']);
      // One column: a plain full sum (TF.js's axis-0 sum transposes first, in tiles past the dispatch limit).
      const plain = shape.at(-1) === 1 ? tf.reshape(tf.sum(x), [1]) : tf.sum(tf.reshape(x, [-1, shape.at(-1)!]), 0);
      expect(await relError(ours, plain), String(shape)).toBeLessThan(1e-5);
      tf.dispose([x, ours, plain]);
    }
  });

  test('sumOfSquares: many tensors (3 groups of GROUP, the last short), several folds', async () => {
    setKernelMode(variant);
    const sizes = [[300, 257], [5], [1], [64, 3], [4097], [2], [3], [1025], [2, 2], [7], [9, 9], [257], [1], [33], [4], [12]];
    const xs = sizes.map((shape, i) => random(shape, 13 + i));
    const squares = vi.spyOn(tf.backend() as WebGPUBackend, 'runWebGPUProgram');
    const [ours, keys] = programsOf(() => sumOfSquares(xs));
    expect(squares.mock.calls.filter(([program]) => program.shaderKey.startsWith('studio_fold_squares'))).toHaveLength(Math.ceil(sizes.length / GROUP));
    squares.mockRestore();
    expectVariant(keys, variant, ['studio_fold_squares', 'studio_fold_sum']);
    // Not tf.addN: past 8 inputs its WebGPU pipeline is invalid and the sum reads garbage (sumSquares.ts).
    const plain = xs.map((x) => tf.sum(tf.square(x))).reduce((a, b) => tf.add(a, b));
    expect(await relError(ours, plain)).toBeLessThan(1e-5);
    expect(ours.shape).toEqual([]);
    expect(await sumOfSquares([]).data()).toEqual(new Float32Array([0]));
    tf.dispose([...xs, ours, plain]);
  });

  test('embeddingLookup: repeated ids in every order scatter-add into the table gradient', async () => {
    setKernelMode(variant);
    const table = random([11, 70], 11); // E > 64: lanes take several features
    const orders = permutations([2, 2, 0, 10, 2]);
    expect(orders.length).toBe(20);
    for (const order of [...orders, [3, 3, 0, 10, 3, 7, 0], [5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]) {
      const ids = tf.tensor1d(order, 'int32');
      const [pending, keys] = programsOf(() => compare((t) => embeddingLookup(t as tf.Tensor2D, ids), (t) => tf.gather(t, ids), [table], 12));
      expectVariant(keys, variant, ['studio_embedding_links', 'studio_embedding_grad']);
      const r = await pending;
      expect(r.value).toBe(0);
      expect(r.grads[0], String(order)).toBeLessThan(1e-6);
      const grad = (await tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t as tf.Tensor2D, ids)))(table).array()) as number[][];
      const counts = Array.from({ length: 11 }, (_, v) => order.filter((id) => id === v).length);
      expect(grad.map((row) => row[69])).toEqual(counts);
      tf.dispose(ids);
    }
    tf.dispose(table);
  });

  test('embeddingLookup: 600 skewed ids, the gradient is bit-identical from run to run', async () => {
    setKernelMode(variant);
    const r = rng(17);
    const table = random([50, 8], 18);
    const ids = tf.tensor1d(Int32Array.from({ length: 600 }, () => Math.floor(r() * r() * 50)), 'int32');
    const dy = random([600, 8], 19, 100);
    const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), dy)))(table);
    const [a, b] = [grad(), grad()];
    expect(await a.data()).toEqual(await b.data());
    expect(await relError(a, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), dy)))(table))).toBeLessThan(1e-5);
    tf.dispose([table, ids, dy, a, b]);
  });
});

describe('the ops ask for their choice under the documented keys', () => {
  test('a choice set for one op and shape switches that op only', async () => {
    const x = random([5, 9], 1);
    const gamma = random([9], 2);
    const beta = random([9], 3);
    const scores = random([2, 1, 3, 3], 4);
    const bias = tf.zeros([2, 3]) as tf.Tensor2D;
    const ids = tf.tensor1d([1, 0, 1], 'int32');
    const table = random([4, 6], 5);
    const everyOp = () => {
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(layerNorm(a as tf.Tensor2D, b, c, 1e-5)))([x, gamma, beta]);
      tf.grad((s: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(s as tf.Tensor4D, bias, 1), s)))(scores);
      tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t as tf.Tensor2D, ids)))(table);
      sumOfSquares([x, gamma]);
      sumToLastAxis(scores);
    };
    const run = () => programsOf(() => tf.tidy(everyOp))[1];
    const choices: [string, string][] = [
      ['layerNorm', layerNormKey(5, 9)],
      ['softmax', softmaxKey(6, 3)],
      ['embeddingGrad', embeddingGradKey(4, 6, 3)],
      ['sumSquares', sumSquaresKey(54)],
      ['columnSum', columnSumKey(6, 3)],
    ];
    expect([...run()].filter((k) => k.endsWith('_wg'))).toEqual([]); // auto on a software adapter: flat
    try {
      for (const [op, key] of choices) setChoice(op, key, 'workgroup');
      const keys = run();
      for (const k of [...LN_PROGRAMS, ...SOFTMAX_PROGRAMS, 'studio_embedding_links', 'studio_embedding_grad', 'studio_fold_squares', 'studio_fold_sum', 'studio_colsum']) {
        expect([...keys].some((key) => isWorkgroupOf(key, k)), k).toBe(true);
      }
      // dβ of the LayerNorm is a bias gradient: the columnSum choice for 5×9, still flat.
      expect(keys).toContain('studio_colsum');
    } finally {
      for (const [op, key] of choices) setChoice(op, key, undefined);
    }
    tf.dispose([x, gamma, beta, scores, bias, ids, table]);
  });
});

/** All distinct orderings of `xs`. */
function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  const out = new Map<string, number[]>();
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.set([x, ...rest].join(), [x, ...rest]);
  });
  return [...out.values()];
}

test('maskedSoftmaxReference (the tfjs mode) is right past 65535 rows, where TF.js 4.22 softmax alone is not', async () => {
  const [B, N, T] = [13200, 1, 5]; // 66000 rows
  const scores = random([B, N, T, T], 9, 4) as tf.Tensor4D;
  const bias = tf.zeros([B, T]) as tf.Tensor2D;
  const s = await scores.data();
  const expected = new Float64Array(s.length);
  for (let r = 0; r < s.length / T; r++) {
    let m = -Infinity;
    for (let j = 0; j < T; j++) m = Math.max(m, s[r * T + j]);
    let l = 0;
    for (let j = 0; j < T; j++) l += Math.exp(s[r * T + j] - m);
    for (let j = 0; j < T; j++) expected[r * T + j] = Math.exp(s[r * T + j] - m) / l;
  }
  const worst = async (t: tf.Tensor) => {
    const got = await t.data();
    let w = 0;
    for (let i = 0; i < got.length; i++) w = Math.max(w, Math.abs(got[i] - expected[i]));
    return w;
  };
  const ours = maskedSoftmaxReference(scores, bias, 1);
  expect(await worst(ours)).toBeLessThan(1e-6);
  // The bug the reference works around: the last element of a single 66000-row softmax is overwritten.
  const plain = tf.softmax(scores);
  expect(await worst(plain)).toBeGreaterThan(1e-3);
  tf.dispose([scores, bias, ours, plain]);
});

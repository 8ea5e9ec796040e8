/**
 * The f16 storage format (pack / unpack / round) bit for bit against the CPU reference and Math.f16round, and
 * the mixed-precision ops built on it (linearHalf, GELU) against plain ops, values and gradients, on real
 * WebGPU. Sizes are odd on purpose (a half-filled last word, not a multiple of the 64-invocation workgroup).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { gelu, geluReference } from '../../../src/engine/kernels/gelu.ts';
import { layerNorm } from '../../../src/engine/kernels/layerNorm.ts';
import { maskedSoftmax } from '../../../src/engine/kernels/softmax.ts';
import { halfBits, halfValue, packHalf, packHalfArray, packHalfShared, roundHalf, roundHalfArray, unpackHalf, unpackHalfArray } from '../../../src/engine/kernels/half.ts';
import { linearHalfOp } from '../../../src/engine/kernels/linearHalf.ts';
import { setMixedPrecision } from '../../../src/engine/kernels/precision.ts';
import { rng } from '../../../src/engine/random.ts';
import { webgpu } from '../setup.ts';
import { random, relError } from './helpers.ts';

beforeAll(webgpu);
afterEach(() => setMixedPrecision(false));

const f16round = (Math as unknown as { f16round?: (x: number) => number }).f16round;

/** Values that exercise every branch of the conversion: ties, subnormals, the overflow edge, signs, NaN. */
function specialValues(): number[] {
  const v = [0, -0, 1, -1, 65504, -65504, 65519.99, 65520, -65520, 65536, 1e10, -1e10, Infinity, -Infinity, NaN];
  v.push(2 ** -14, 2 ** -14 * (1 - 2 ** -11), 2 ** -24, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -26, -(2 ** -24), 3 * 2 ** -25, 5 * 2 ** -25);
  v.push(1e-45, -1e-40, 1.17549435e-38); // f32 subnormals and the smallest normal: all round to ±0
  // Exact ties between neighbouring f16 values (11-bit significands + half an ulp), both parities.
  for (const m of [1024, 1025, 1026, 2047]) for (const e of [-14, -3, 0, 7, 15]) v.push(((m + 0.5) / 1024) * 2 ** e, -((m + 0.5) / 1024) * 2 ** e);
  // Subnormal ties: (k + 0.5)·2^-24.
  for (const k of [0, 1, 2, 3, 1022, 1023]) v.push((k + 0.5) * 2 ** -24);
  const r = rng(5);
  for (let i = 0; i < 3000; i++) v.push((r() * 2 - 1) * 2 ** Math.floor(r() * 50 - 30));
  return v.map((x) => Math.fround(x));
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let mismatches = 0;
  for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) mismatches++;
  return mismatches;
}

/** t rounded to f16 on the CPU (never dataSync: on webgpu it may read zeros). */
const rounded = async (t: tf.Tensor) => tf.tensor(roundHalfArray(await t.data()), t.shape, 'float32');

describe('f16 storage: round to nearest even, subnormals, overflow to inf', () => {
  test('the CPU reference is Math.f16round', () => {
    expect(f16round, 'this Chromium has Math.f16round').toBeTypeOf('function');
    const v = specialValues();
    expect(sameBits(roundHalfArray(v), v.map((x) => f16round!(x)))).toBe(0);
    // Every one of the 63488 finite f16 bit patterns survives value → bits.
    for (let h = 0; h < 0x10000; h++) if (((h >> 10) & 0x1f) !== 31) expect(halfBits(halfValue(h))).toBe(h);
    expect([halfBits(65519.99), halfBits(65520), halfBits(2 ** -25), halfBits(3 * 2 ** -25)]).toEqual([0x7bff, 0x7c00, 0, 2]);
  });

  test.each([1, 2, 3, 65, 1001, 3 * 64 * 64 + 7])('pack → unpack on webgpu equals the reference bit for bit (%i values)', async (n) => {
    const all = specialValues();
    const values = Float32Array.from({ length: n }, (_, i) => all[(i * 7919) % all.length]);
    const x = tf.tensor1d(values);
    const packed = packHalf(x);
    expect(packed.dtype).toBe('int32');
    expect(packed.shape).toEqual([Math.ceil(n / 2)]);
    expect(sameBits(await packed.data(), packHalfArray(values))).toBe(0);
    const back = unpackHalf(packed, [n]);
    expect(sameBits(await back.data(), roundHalfArray(values))).toBe(0);
    expect(sameBits(unpackHalfArray(packHalfArray(values), n), roundHalfArray(values))).toBe(0);
    const r = roundHalf(x);
    expect(sameBits(await r.data(), roundHalfArray(values))).toBe(0);
    tf.dispose([x, packed, back, r]);
  });

  test('the storage tensor is half the bytes, and one buffer is packed once (views share it)', () => {
    const x = random([37, 20], 1);
    const before = tf.memory().numBytes;
    const p = packHalfShared(x);
    expect(tf.memory().numBytes - before).toBe(37 * 10 * 4);
    expect(packHalfShared(tf.reshape(x, [740]))).toBe(p);
    expect(() => unpackHalf(p, [37, 21])).toThrow(/not the f16 storage/);
    tf.dispose([x, p]);
  });
});

describe('mixed-precision ops match plain ops on f16-rounded inputs', () => {
  test.each([
    [67, 45, 33],
    [129, 256, 7],
  ])('linearHalf [%i × %i] · [%i × in]ᵀ: values and dx, dW, db (f16 inputs, f32 accumulation)', async (F, inF, outF) => {
    const x = random([F, inF], 2, 3) as tf.Tensor2D;
    const w = random([outF, inF], 3, 0.5) as tf.Tensor2D;
    const b = random([outF], 4);
    const dy = random([F, outF], 5, 2);
    const [xr, wr, dyr] = await Promise.all([rounded(x), rounded(w), rounded(dy)]);
    const plain = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.add(tf.matMul(a as tf.Tensor2D, c as tf.Tensor2D, false, true), d);
    const ours = tf.grads((a, c, d) => tf.sum(tf.mul(linearHalfOp(a as tf.Tensor2D, c as tf.Tensor2D, d), dy)))([x, w, b]);
    // dx and dW from f16 dy; db sums the float32 dy.
    const ref = [...tf.grads((a, c) => tf.sum(tf.mul(plain(a, c, b), dyr)))([xr, wr]), tf.sum(dy, 0)];
    const full = tf.grads((a, c, d) => tf.sum(tf.mul(plain(a, c, d), dy)))([x, w, b]);
    const y = linearHalfOp(x, w, b);
    // Same f16 inputs, float32 products and sums in a different order: float32 rounding only.
    expect(await relError(y, plain(xr, wr, b))).toBeLessThan(1e-5);
    for (let i = 0; i < 3; i++) expect(await relError(ours[i], ref[i]), `grad ${i}`).toBeLessThan(1e-5);
    // Against float32 inputs the f16 rounding shows (~2^-11 per input) but stays ~1e-3 relative.
    const toFull = await relError(y, plain(x, w, b));
    expect(toFull).toBeGreaterThan(1e-5);
    expect(toFull).toBeLessThan(3e-3);
    for (let i = 0; i < 3; i++) expect(await relError(ours[i], full[i]), `grad ${i} vs f32`).toBeLessThan(3e-3);
    tf.dispose([x, w, b, dy, xr, wr, dyr, y, ...ours, ...ref, ...full]);
  });

  test.each([false, true])('GELU (mixed precision %s): values and dx against the erf form', async (mixed) => {
    setMixedPrecision(mixed);
    const x = random([129, 67], 6, 4);
    const dy = random([129, 67], 7);
    const y = gelu(x);
    const yRef = geluReference(x);
    expect(await relError(y, yRef)).toBeLessThan(1e-5);
    const [dx] = tf.grads((a) => tf.sum(tf.mul(gelu(a), dy)))([x]);
    // Mixed precision differentiates at the saved f16 copy of x; float32 at x itself.
    const at = mixed ? await rounded(x) : x;
    const [dxRef] = tf.grads((a) => tf.sum(tf.mul(geluReference(a), dy)))([at]);
    expect(await relError(dx, dxRef)).toBeLessThan(1e-5);
    const [dxFull] = tf.grads((a) => tf.sum(tf.mul(geluReference(a), dy)))([x]);
    const toFull = await relError(dx, dxFull);
    if (mixed) expect(toFull).toBeGreaterThan(1e-5);
    expect(toFull).toBeLessThan(3e-3);
    tf.dispose([x, dy, y, yRef, dx, dxRef, dxFull, ...(mixed ? [at] : [])]);
  });

  test('GELU keeps one saved tensor for the backward pass (its input; autodiff of the plain ops keeps several)', () => {
    const x = random([64, 32], 8);
    const saved = (f: (t: tf.Tensor) => tf.Tensor) => {
      let during = 0;
      const before = tf.memory().numBytes;
      tf.grads((a) => {
        const y = tf.tidy(() => f(a)); // only what the tape saved outlives the tidy
        during = tf.memory().numBytes - before - y.size * 4;
        return tf.sum(y);
      })([x]).forEach((t) => t.dispose());
      return during / (x.size * 4);
    };
    expect(saved(gelu)).toBe(1);
    setMixedPrecision(true);
    expect(saved(gelu)).toBe(0.5);
    setMixedPrecision(false);
    expect(saved(geluReference)).toBeGreaterThanOrEqual(3);
    x.dispose();
  });

  /** Bytes the tape keeps for the backward pass of f(x), per byte of a float32 x. */
  function savedPerInputByte(f: (t: tf.Tensor) => tf.Tensor, x: tf.Tensor): number {
    let during = 0;
    const before = tf.memory().numBytes;
    tf.grads((a) => {
      const y = tf.tidy(() => f(a));
      during = tf.memory().numBytes - before - y.size * 4;
      return tf.sum(y);
    })([x]).forEach((t) => t.dispose());
    return during / (x.size * 4);
  }

  /** Value and gradient of f at x against dy, in float32 and in mixed precision. */
  async function bothPrecisions(f: (t: tf.Tensor) => tf.Tensor, x: tf.Tensor, dy: tf.Tensor) {
    const run = async (mixed: boolean) => {
      setMixedPrecision(mixed);
      const y = f(x);
      const [dx] = tf.grads((a) => tf.sum(tf.mul(f(a), dy)))([x]);
      return { y, dx, saved: savedPerInputByte(f, x) };
    };
    const full = await run(false);
    const mixed = await run(true);
    setMixedPrecision(false);
    return { full, mixed };
  }

  test('LayerNorm saves its input as f16 in mixed precision: same values, gradient within f16 rounding', async () => {
    const x = random([129, 67], 9, 3);
    const gamma = random([67], 10);
    const beta = random([67], 11);
    const dy = random([129, 67], 12);
    const { full, mixed } = await bothPrecisions((a) => layerNorm(a as tf.Tensor2D, gamma, beta, 1e-12), x, dy);
    expect(await mixed.y.data()).toEqual(await full.y.data()); // the forward reads the float32 x
    const err = await relError(mixed.dx, full.dx);
    expect(err).toBeGreaterThan(1e-6); // the backward read the f16 copy
    expect(err).toBeLessThan(3e-3);
    // x (4 bytes an element), the row statistics (2 floats a row) and a clone of γ in float32; x at 2 bytes in mixed.
    const stats = ((2 * 129 + 67) * 4) / (x.size * 4);
    expect(full.saved).toBeCloseTo(1 + stats, 6);
    expect(mixed.saved).toBeCloseTo((Math.ceil(x.size / 2) * 4) / (x.size * 4) + stats, 6); // f16 pairs in int32 words
    tf.dispose([x, gamma, beta, dy, full.y, full.dx, mixed.y, mixed.dx]);
  });

  test('the masked softmax saves its output as f16 in mixed precision: same values, gradient within f16 rounding', async () => {
    const scores = random([2, 3, 5, 33], 13, 2);
    const bias = tf.tensor2d(Array.from({ length: 2 * 33 }, (_, i) => (i % 7 === 6 ? -1e9 : 0)), [2, 33]);
    const dy = random([2, 3, 5, 33], 14);
    const { full, mixed } = await bothPrecisions((a) => maskedSoftmax(a as tf.Tensor4D, bias, 0.125), scores, dy);
    expect(await mixed.y.data()).toEqual(await full.y.data());
    const err = await relError(mixed.dx, full.dx);
    expect(err).toBeGreaterThan(1e-6);
    expect(err).toBeLessThan(3e-3);
    expect(full.saved).toBe(1);
    expect(mixed.saved).toBeCloseTo(0.5, 6);
    tf.dispose([scores, bias, dy, full.y, full.dx, mixed.y, mixed.dx]);
  });
});

/** What the AdamW kernel tests share: reading p, m, v back and comparing a step with its tolerance. */
import * as tf from '@tensorflow/tfjs';
import type { AdamWScalars, AdamWTensors } from '../../../src/engine/kernels/adamw.ts';
import { normal } from '../../../src/engine/random.ts';

// Tolerance. The fused program and the reference do the same f32 operations, in the same order, on
// the same f32-rounded scalars. What may differ: WGSL lets the compiler contract a·b + c into an fma,
// and only requires sqrt and division to within 2.5 ULP, so one step can differ by a few ULPs of the
// largest term it adds up (|p·decay| and |update| for p'; β1|m| and (1−β1)|g| for m'; v' itself).
// RTOL = 1e-6 ≈ 16 f32 ULPs (2^-24 ≈ 6e-8) of that scale; every step is compared from the same inputs,
// so errors do not compound. lr = 0 is held to bit-exactness (p·1 − 0·x is exact).
const RTOL = 1e-6;

/** p, m, v read back to the CPU. */
export type Values = { p: Float32Array; m: Float32Array; v: Float32Array };
export type Arrays = Values & { g: Float32Array };

export async function read(t: AdamWTensors): Promise<Values> {
  const [p, m, v] = await Promise.all([t.p.data(), t.m.data(), t.v.data()]);
  return { p: p as Float32Array, m: m as Float32Array, v: v as Float32Array };
}

/** Throws unless |fused − ref| ≤ RTOL · scale for every element of p', m', v' (see the tolerance note). */
export function compareStep(x: Arrays, s: AdamWScalars, fused: Values, ref: Values, label: string): void {
  const check = (name: string, i: number, a: number, b: number, scale: number) => {
    const err = Math.abs(a - b);
    if (err > RTOL * scale || Number.isNaN(a) !== Number.isNaN(b)) {
      throw new Error(`${label}: ${name}[${i}] fused ${a}, reference ${b}, scale ${scale}`);
    }
  };
  for (let i = 0; i < x.p.length; i++) {
    const decayed = x.p[i] * Math.fround(s.decay);
    check('p', i, fused.p[i], ref.p[i], Math.abs(decayed) + Math.abs(decayed - ref.p[i]));
    check('m', i, fused.m[i], ref.m[i], s.beta1 * Math.abs(x.m[i]) + s.oneMinusBeta1 * Math.abs(x.g[i]));
    check('v', i, fused.v[i], ref.v[i], ref.v[i]);
  }
}

/** Normal values with every 5th entry 0, so zero gradients (v' = 0, denom = ε) are covered too. */
export function gradient(n: number, std: number, random: () => number): Float32Array {
  return normal(n, std, random).map((x, i) => (i % 5 === 3 ? 0 : x));
}

/** p, m, v, g of n elements whose values depend on the index, so a wrong index or an unwritten element shows. */
export function indexedState(n: number): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const i = tf.range(0, n, 1, 'float32');
    const m = tf.mul(tf.cos(i), 0.01);
    return [tf.sin(i), m, tf.square(m), tf.cos(tf.mul(i, 0.3))];
  });
}

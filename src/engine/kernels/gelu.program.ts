/**
 * The WGSL of exact (erf) GELU, forward and gradient (see gelu.ts). WGSL has no erf: erf is Abramowitz &
 * Stegun 7.1.26 (|error| ≤ 1.5e-7) with TF.js's own constants, the very formula tf.erf runs on webgpu, so the
 * fused op and the plain-op reference agree to rounding. Element-wise, barrier-free.
 */
import * as tf from '@tensorflow/tfjs';
import { HALF_WGSL } from './half.program.ts';
import type { ProgramSpec } from './program.ts';

const u = tf.backend_util;

const GELU_WGSL = `
  fn gelu_erf(a : f32) -> f32 {
    let s = sign(a);
    let z = abs(a);
    let t = 1.0 / (1.0 + ${u.ERF_P} * z);
    return s * (1.0 - (((((${u.ERF_A5} * t + ${u.ERF_A4}) * t) + ${u.ERF_A3}) * t + ${u.ERF_A2}) * t + ${u.ERF_A1}) * t * exp(-z * z));
  }
  // Φ(x) = (1 + erf(x/√2))/2; y = x·Φ(x); dy/dx = Φ(x) + x·exp(−x²/2)/√(2π).
  fn gelu_cdf(x : f32) -> f32 { return 0.5 * (1.0 + gelu_erf(x * 0.7071067811865476)); }
  fn gelu_slope(x : f32) -> f32 { return gelu_cdf(x) + x * exp(-0.5 * x * x) * 0.3989422804014327; }
`;

export const geluSpec = (size: number): ProgramSpec => ({
  key: 'studio_gelu',
  inputs: ['X'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `${GELU_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { let x = X[index]; result[index] = x * gelu_cdf(x); }
    }`,
});

/** dx = dy · GELU'(x), x float32. */
export const geluGradSpec = (size: number): ProgramSpec => ({
  key: 'studio_gelu_grad',
  inputs: ['Dy', 'X'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `${GELU_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = Dy[index] * gelu_slope(X[index]); }
    }`,
});

/** dx = dy · GELU'(x), x read from its f16 storage P (half.ts): no unpacked copy is made. */
export const geluGradHalfSpec = (size: number): ProgramSpec => ({
  key: 'studio_gelu_grad_half',
  inputs: ['Dy', 'P'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `${GELU_WGSL}${HALF_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = Dy[index] * gelu_slope(half_to_f32(half_pick(P[index / 2], index))); }
    }`,
});

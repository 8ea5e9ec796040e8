/**
 * The WGSL of the f16 storage format (see half.ts): pack f32 → pairs of binary16 in one 32-bit word, unpack
 * back, and round f32 to the nearest f16 value in place. Barrier-free, one invocation per output word/element.
 *
 * Why not `enable f16;` (native f16 on adapters with shader-f16): TF.js prepends its own preamble to every
 * shader and never requests the feature, so a directive cannot be injected. Why not the pack2x16float /
 * unpack2x16float builtins: WGSL leaves the rounding of an inexact value to the implementation (either
 * neighbour) and makes an out-of-range value indeterminate (the CTS accepts anything), so a real GPU and
 * SwiftShader could round differently. The conversion is integer bit arithmetic instead: round to nearest,
 * ties to even, overflow to ±inf, subnormals kept, NaN stays NaN — the same bits on every adapter, and the
 * same function as the CPU reference (roundHalfArray).
 */
import type { ProgramSpec } from './program.ts';

/** `half_from_f32(v) -> u32` (binary16 bits in the low half) and `half_to_f32(bits) -> f32`, for any program. */
export const HALF_WGSL = `
  fn half_from_f32(v : f32) -> u32 {
    let x = bitcast<u32>(v);
    let sign = (x >> 16u) & 0x8000u;
    let ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) { return sign | 0x7e00u; }
    // 65520 = the midpoint between 65504 (largest f16) and 65536: it and anything above round to inf.
    if (ax >= 0x477ff000u) { return sign | 0x7c00u; }
    if (ax >= 0x38800000u) {
      // Normal: rebias the exponent (127 → 15), drop 13 mantissa bits rounding to nearest even; a carry
      // into the exponent is the correct next binade.
      let m = ax - 0x38000000u;
      return sign | ((m + 0xfffu + ((m >> 13u) & 1u)) >> 13u);
    }
    // Below 2^-25 everything rounds to ±0 (2^-25 itself is the tie between 0 and 2^-24, even = 0).
    if (ax < 0x33000000u) { return sign; }
    // Subnormal: the value in units of 2^-24 is the 24-bit significand shifted right by 126 − exponent.
    let shift = 126u - (ax >> 23u);
    let mant = (ax & 0x7fffffu) | 0x800000u;
    let q = mant >> shift;
    let rest = mant & ((1u << shift) - 1u);
    let halfway = 1u << (shift - 1u);
    let up = rest > halfway || (rest == halfway && (q & 1u) == 1u);
    return sign | select(q, q + 1u, up);
  }

  fn half_to_f32(h : u32) -> f32 {
    let sign = (h & 0x8000u) << 16u;
    let e = (h >> 10u) & 0x1fu;
    let m = h & 0x3ffu;
    if (e == 0u) {
      // ±0 or subnormal m·2^-24: a normal f32, the product is exact.
      let v = f32(m) * 5.9604644775390625e-8;
      return select(v, -v, sign != 0u);
    }
    if (e == 31u) { return bitcast<f32>(sign | 0x7f800000u | (m << 13u)); }
    return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
  }

  /** Element i of a packed buffer word w (even i: low half, odd i: high half). */
  fn half_pick(w : i32, i : i32) -> u32 {
    let u = bitcast<u32>(w);
    return select(u & 0xffffu, u >> 16u, (i & 1) == 1);
  }
`;

/** f32 [size] → int32 [⌈size/2⌉]: element 2k in the low 16 bits of word k, 2k+1 (or 0 past the end) high. */
export const packHalfSpec = (words: number): ProgramSpec => ({
  key: 'studio_half_pack',
  inputs: ['X'],
  uniforms: 'size : i32, words : i32,',
  outputSize: words,
  threads: words,
  main: `${HALF_WGSL}
    fn main(index : i32) {
      if (index < uniforms.words) {
        let lo = half_from_f32(X[index * 2]);
        var hi = 0u;
        if (index * 2 + 1 < uniforms.size) { hi = half_from_f32(X[index * 2 + 1]); }
        result[index] = bitcast<i32>(lo | (hi << 16u));
      }
    }`,
});

/** int32 [⌈size/2⌉] → f32 [size]. */
export const unpackHalfSpec = (size: number): ProgramSpec => ({
  key: 'studio_half_unpack',
  inputs: ['P'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `${HALF_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = half_to_f32(half_pick(P[index / 2], index)); }
    }`,
});

/** f32 [size] → f32 [size], every value rounded to the nearest f16 (what pack + unpack give, one pass). */
export const roundHalfSpec = (size: number): ProgramSpec => ({
  key: 'studio_half_round',
  inputs: ['X'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `${HALF_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = half_to_f32(half_from_f32(X[index])); }
    }`,
});

// Counter-based RNG shared by the WGSL dropout program and its CPU reference.
//
// Dropout must regenerate the same mask in the forward and the backward without storing it, so the
// random bits are a pure function of (seed, element index): no state, no CPU draw, no upload. The
// mixer is the PCG-RXS-M-XS hash of Jarzynski & Olano, "Hash Functions for GPU Rendering" (JCGT 2020),
// nested as pcg(pcg(index) ^ key(seed)):
// - hashing the index first means two seeds give unrelated masks, not a shifted copy of one another
//   (pcg(index + key) would make seed B's mask seed A's mask slid along the tensor);
// - key(seed) is one more pcg round, computed once per call on the CPU and passed as a uniform.
// All arithmetic is u32 and wraps mod 2^32 in both WGSL and in JS (Math.imul, >>> 0), which is what
// makes the GPU and the reference bit-identical.

/** WGSL source of `pcgHash(v: u32) -> u32`; include it verbatim in a program's user code. */
export const PCG_HASH_WGSL = /* wgsl */ `
fn pcgHash(v : u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}`;

/** The same hash as PCG_HASH_WGSL, on the CPU. Input and output are u32 (0 ≤ n < 2^32). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Per-call key the GPU mixes with each hashed index; a function of the seed alone. */
export function seedKey(seed: number): number {
  return pcgHash(toU32Seed(seed));
}

/** Random u32 for element `index` of a call seeded with `seed`: pcg(pcg(index) ^ key(seed)). */
export function elementHash(key: number, index: number): number {
  return pcgHash((pcgHash(index) ^ key) >>> 0);
}

/**
 * u32 threshold T with `hash >= T` ⇔ `hash / 2^32 >= rate`, i.e. keep with probability 1 - rate.
 * Comparing integers (rather than a float uniform in [0,1)) avoids any f32 rounding of `rate` or of
 * the u32 → f32 conversion differing between WGSL and JS. rate·2^32 is exact in f64.
 */
export function keepThreshold(rate: number): number {
  return Math.min(Math.ceil(rate * 2 ** 32), 0xffffffff);
}

/**
 * A fresh dropout seed for call `callIndex` (e.g. layer number) of training step `step`, derived from
 * the TrainConfig seed. Pure, so a run is reproducible from its config; every (base, step, call)
 * triple gets an unrelated seed, and the backward of a call reuses the forward's seed by construction.
 */
export function nextDropoutSeed(baseSeed: number, step: number, callIndex: number): number {
  const s = pcgHash((pcgHash(toU32Seed(baseSeed)) ^ toU32Seed(step)) >>> 0);
  return pcgHash((s ^ toU32Seed(callIndex)) >>> 0);
}

/** Seeds are integers taken mod 2^32 (negative ones wrap), so any JS integer works. */
export function toU32Seed(seed: number): number {
  if (!Number.isInteger(seed)) throw new Error(`dropout seed must be an integer, got ${seed}`);
  // `>>> 0` only keeps the low 32 bits of values below 2^53, which all integers here are.
  return seed >>> 0;
}

/**
 * The one program of attentionProducts.ts that is not a matmul: zeros for the blocks of a [B·T, 3H] gradient
 * buffer that a product's gradient does not write (dV's blocks for Q·Kᵀ, dQ's and dK's for P·V).
 */
import type { ProgramSpec } from './program.ts';

/** Zeros in columns [col0, col0 + width) of `rows` rows of stride ld: the untouched part of a region-written buffer. */
export const zeroColumnsSpec = (rows: number, width: number, outputSize: number): ProgramSpec => ({
  key: 'studio_zero_columns',
  inputs: [],
  uniforms: 'total : i32, width : i32, ld : i32, col0 : i32,',
  outputSize,
  threads: rows * width,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let row = index / uniforms.width;
        result[row * uniforms.ld + uniforms.col0 + index - row * uniforms.width] = 0.0;
      }
    }`,
});

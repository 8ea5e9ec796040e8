/**
 * The WGSL of the global-norm fold (see sumSquares.ts): partial sums of squares (or of values), strided so
 * that neighbouring invocations read neighbouring addresses.
 */
import type { ProgramSpec } from './program.ts';

export const foldSpec = (parts: number): ProgramSpec => ({
  key: 'studio_fold_sum',
  inputs: ['X'],
  uniforms: 'total : i32, parts : i32, square : i32,',
  outputSize: parts,
  threads: parts,
  main: `
    fn main(index : i32) {
      if (index < uniforms.parts) {
        var s = 0.0;
        for (var i = index; i < uniforms.total; i += uniforms.parts) {
          let v = X[i];
          s += select(v, v * v, uniforms.square != 0);
        }
        result[index] = s;
      }
    }`,
});

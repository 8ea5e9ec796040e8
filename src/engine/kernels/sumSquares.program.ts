/**
 * The WGSL of the global-norm fold (see sumSquares.ts): partial sums of squares (or of values), strided so
 * that neighbouring invocations read neighbouring addresses. 'flat': one invocation per partial;
 * 'workgroup': one workgroup per partial, its lanes' sums folded in workgroup memory (workgroup.ts).
 */
import type { ProgramSpec } from './program.ts';
import { sumStep, treeReduce } from './workgroup.ts';

/** Lanes of a 'workgroup' fold. */
export const FOLD_LANES = 256;

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

/** Partial g = Σ over lanes l of Σ_k f(X[(k·parts + g)·FOLD_LANES + l]): each step of the workgroup reads one coalesced block. */
export const foldWgSpec = (parts: number): ProgramSpec => ({
  key: 'studio_fold_sum_wg',
  inputs: ['X'],
  uniforms: 'total : i32, parts : i32, square : i32,',
  outputSize: parts,
  threads: parts * FOLD_LANES,
  workgroupSize: FOLD_LANES,
  main: `
    var<workgroup> part : array<f32, ${FOLD_LANES}>;
    fn main(index : i32) {
      let g = index / ${FOLD_LANES};
      let lane = localIndex;
      var s = 0.0;
      if (g < uniforms.parts) {
        for (var i = g * ${FOLD_LANES} + i32(lane); i < uniforms.total; i += uniforms.parts * ${FOLD_LANES}) {
          let v = X[i];
          s += select(v, v * v, uniforms.square != 0);
        }
      }
      part[lane] = s;
      ${treeReduce(FOLD_LANES, sumStep('part'))}
      if (g < uniforms.parts && lane == 0u) { result[g] = part[0]; }
    }`,
});

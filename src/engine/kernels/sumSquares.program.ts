/**
 * The WGSL of the global-norm fold (see sumSquares.ts): partial sums of squares, then of partials, strided so
 * that neighbouring invocations read neighbouring addresses. 'flat': one invocation per partial;
 * 'workgroup': one workgroup per partial, its lanes' sums folded in workgroup memory (workgroup.ts).
 * The first level (squaresSpec) reads up to GROUP tensors per dispatch and writes their partials into one
 * shared buffer at an offset; the later levels (foldSpec) fold that buffer.
 */
import type { ProgramSpec } from './program.ts';
import { sumStep, treeReduce } from './workgroup.ts';

/** Lanes of a 'workgroup' fold. */
export const FOLD_LANES = 256;

/** WGSL: the lanes' sums `s` folded in workgroup memory `part`; lane 0 writes the total to result[`dest`] when `live`. */
const foldLanes = (live: string, dest: string) => `part[lane] = s;
      ${treeReduce(FOLD_LANES, sumStep('part'))}
      if (${live} && lane == 0u) { result[${dest}] = part[0]; }`;

/**
 * Tensors one squares dispatch reads: with its output, 8 storage buffers, WebGPU's guaranteed
 * maxStorageBuffersPerShaderStage. A shorter group binds its first tensor again in the unused slots
 * (empty ranges), so every group runs the same pipeline.
 */
export const GROUP = 7;

/** Per-slot uniforms of squaresSpec: slot j has n{j} elements and owns partials [end{j−1}, end{j}) of the group. */
const slotUniforms = Array.from({ length: GROUP }, (_, j) => `n${j} : i32, end${j} : i32,`).join(' ');

/** WGSL: `s` += Σ X{j}[i]² over the elements of partial `local` of slot j (of `parts` partials), `stride` apart. */
function slotBranches(partial: string, first: (local: string) => string, stride: (parts: string) => string): string {
  return Array.from({ length: GROUP }, (_, j) => {
    const start = j === 0 ? '0' : `uniforms.end${j - 1}`;
    const parts = `(uniforms.end${j} - ${start})`;
    return `${j === 0 ? '' : 'else '}if (${partial} < uniforms.end${j}) {
          for (var i = ${first(`(${partial} - ${start})`)}; i < uniforms.n${j}; i += ${stride(parts)}) { let v = X${j}[i]; s += v * v; }
        }`;
  }).join(' ');
}

/** First level, flat: partial q of the group (one invocation) → result[offset + q]. */
export const squaresSpec = (groupParts: number, outputSize: number): ProgramSpec => ({
  key: 'studio_fold_squares',
  inputs: Array.from({ length: GROUP }, (_, j) => `X${j}`),
  uniforms: `offset : i32, ${slotUniforms}`,
  outputSize,
  threads: groupParts,
  main: `
    fn main(index : i32) {
      if (index < uniforms.end${GROUP - 1}) {
        var s = 0.0;
        ${slotBranches('index', (local) => local, (parts) => parts)}
        result[uniforms.offset + index] = s;
      }
    }`,
});

/** First level, workgroup: partial q of the group is workgroup q, its lanes folded in workgroup memory. */
export const squaresWgSpec = (groupParts: number, outputSize: number): ProgramSpec => ({
  key: 'studio_fold_squares_wg',
  inputs: Array.from({ length: GROUP }, (_, j) => `X${j}`),
  uniforms: `offset : i32, ${slotUniforms}`,
  outputSize,
  threads: groupParts * FOLD_LANES,
  workgroupSize: FOLD_LANES,
  main: `
    var<workgroup> part : array<f32, ${FOLD_LANES}>;
    fn main(index : i32) {
      let g = index / ${FOLD_LANES};
      let lane = localIndex;
      var s = 0.0;
      ${slotBranches('g', (local) => `${local} * ${FOLD_LANES} + i32(lane)`, (parts) => `${parts} * ${FOLD_LANES}`)}
      ${foldLanes(`g < uniforms.end${GROUP - 1}`, 'uniforms.offset + g')}
    }`,
});

export const foldSpec = (parts: number): ProgramSpec => ({
  key: 'studio_fold_sum',
  inputs: ['X'],
  uniforms: 'total : i32, parts : i32,',
  outputSize: parts,
  threads: parts,
  main: `
    fn main(index : i32) {
      if (index < uniforms.parts) {
        var s = 0.0;
        for (var i = index; i < uniforms.total; i += uniforms.parts) {
          s += X[i];
        }
        result[index] = s;
      }
    }`,
});

/** Partial g = Σ over lanes l of Σ_k f(X[(k·parts + g)·FOLD_LANES + l]): each step of the workgroup reads one coalesced block. */
export const foldWgSpec = (parts: number): ProgramSpec => ({
  key: 'studio_fold_sum_wg',
  inputs: ['X'],
  uniforms: 'total : i32, parts : i32,',
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
          s += X[i];
        }
      }
      ${foldLanes('g < uniforms.parts', 'g')}
    }`,
});

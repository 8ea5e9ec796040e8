/**
 * Column sums of a row-major [rows, cols] buffer in row chunks: invocation (k, c) sums rows
 * [k·chunk, (k+1)·chunk) of column c, in order, into result[k·cols + c]. Neighbouring invocations read
 * neighbouring columns (coalesced), and a long column is split over many invocations instead of one.
 * Two variants (select.ts): 'flat', one invocation per (chunk, column), and 'workgroup', column tiles.
 */
import type { ProgramSpec } from './program.ts';
import { columnTileMain, columnTileThreads, TILE_LANES } from './workgroup.ts';

export const columnSumSpec = (chunks: number, cols: number): ProgramSpec => ({
  key: 'studio_colsum',
  inputs: ['X'],
  uniforms: 'rows : i32, cols : i32, chunk : i32,',
  outputSize: chunks * cols,
  threads: chunks * cols,
  main: `
    fn main(index : i32) {
      let k = index / uniforms.cols;
      let c = index - k * uniforms.cols;
      let r0 = k * uniforms.chunk;
      if (r0 < uniforms.rows) {
        let r1 = min(uniforms.rows, r0 + uniforms.chunk);
        var s = 0.0;
        for (var r = r0; r < r1; r++) {
          s += X[r * uniforms.cols + c];
        }
        result[index] = s;
      }
    }`,
});

/** The 'workgroup' variant: the same chunks, each summed by tiles of 64 columns × 4 row-lanes (workgroup.ts). */
export const columnSumWgSpec = (chunks: number, cols: number): ProgramSpec => ({
  key: 'studio_colsum_wg',
  inputs: ['X'],
  uniforms: 'rows : i32, cols : i32, chunk : i32,',
  outputSize: chunks * cols,
  threads: columnTileThreads(chunks, cols),
  workgroupSize: TILE_LANES,
  main: columnTileMain('X[i]'),
});

/**
 * The WGSL of the masked attention softmax (see softmax.ts for the maths): row max and sum, the element-wise
 * forward, and the two backward programs. All barrier-free over flat buffers (program.ts).
 */
import type { ProgramSpec } from './program.ts';

/** z for element (row, j); `rowsPerBatch` = N·T rows share one bias row. */
const Z = `
  fn z(row : i32, j : i32) -> f32 {
    let b = row / uniforms.rowsPerBatch;
    return S[row * uniforms.cols + j] * uniforms.scale + Bias[b * uniforms.cols + j];
  }`;

export const softmaxStatsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_softmax_stats',
  inputs: ['S', 'Bias'],
  uniforms: 'rows : i32, cols : i32, rowsPerBatch : i32, scale : f32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    ${Z}
    fn main(index : i32) {
      if (index < uniforms.rows) {
        var m = z(index, 0);
        for (var j = 1; j < uniforms.cols; j++) { m = max(m, z(index, j)); }
        var l = 0.0;
        for (var j = 0; j < uniforms.cols; j++) { l += exp(z(index, j) - m); }
        result[index * 2] = m;
        result[index * 2 + 1] = l;
      }
    }`,
});

export const softmaxApplySpec = (size: number): ProgramSpec => ({
  key: 'studio_softmax_apply',
  inputs: ['S', 'Bias', 'Stats'],
  uniforms: 'total : i32, cols : i32, rowsPerBatch : i32, scale : f32,',
  outputSize: size,
  threads: size,
  main: `
    ${Z}
    fn main(index : i32) {
      if (index < uniforms.total) {
        let row = index / uniforms.cols;
        let j = index - row * uniforms.cols;
        result[index] = exp(z(row, j) - Stats[row * 2]) / Stats[row * 2 + 1];
      }
    }`,
});

export const softmaxGradRowsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_softmax_grad_rows',
  inputs: ['Dy', 'Y'],
  uniforms: 'rows : i32, cols : i32,',
  outputSize: rows,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        var s = 0.0;
        for (var j = 0; j < uniforms.cols; j++) { s += Dy[base + j] * Y[base + j]; }
        result[index] = s;
      }
    }`,
});

export const softmaxGradApplySpec = (size: number): ProgramSpec => ({
  key: 'studio_softmax_grad_apply',
  inputs: ['Dy', 'Y', 'Sums'],
  uniforms: 'total : i32, cols : i32, scale : f32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let row = index / uniforms.cols;
        result[index] = uniforms.scale * Y[index] * (Dy[index] - Sums[row]);
      }
    }`,
});

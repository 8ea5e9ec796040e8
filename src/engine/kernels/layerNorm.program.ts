/**
 * The WGSL of LayerNorm (see layerNorm.ts for the maths): row statistics, the element-wise forward, and the
 * three backward programs. All barrier-free over flat buffers (program.ts).
 */
import type { ProgramSpec } from './program.ts';

export const layerNormStatsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_ln_stats',
  inputs: ['X'],
  uniforms: 'rows : i32, cols : i32, eps : f32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        let n = f32(uniforms.cols);
        var s = 0.0;
        for (var h = 0; h < uniforms.cols; h++) { s += X[base + h]; }
        let mean = s / n;
        var v = 0.0;
        for (var h = 0; h < uniforms.cols; h++) { let d = X[base + h] - mean; v += d * d; }
        result[index * 2] = mean;
        result[index * 2 + 1] = 1.0 / sqrt(v / n + uniforms.eps);
      }
    }`,
});

export const layerNormApplySpec = (size: number): ProgramSpec => ({
  key: 'studio_ln_apply',
  inputs: ['X', 'Stats', 'Gamma', 'Beta'],
  uniforms: 'total : i32, cols : i32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let r = index / uniforms.cols;
        let h = index - r * uniforms.cols;
        result[index] = (X[index] - Stats[r * 2]) * Stats[r * 2 + 1] * Gamma[h] + Beta[h];
      }
    }`,
});

/** Per row: mean_h(dy·γ) and mean_h(dy·γ·x̂). */
export const layerNormGradRowsSpec = (rows: number): ProgramSpec => ({
  key: 'studio_ln_grad_rows',
  inputs: ['Dy', 'X', 'Stats', 'Gamma'],
  uniforms: 'rows : i32, cols : i32,',
  outputSize: rows * 2,
  threads: rows,
  main: `
    fn main(index : i32) {
      if (index < uniforms.rows) {
        let base = index * uniforms.cols;
        let mean = Stats[index * 2];
        let rstd = Stats[index * 2 + 1];
        var sg = 0.0;
        var sgx = 0.0;
        for (var h = 0; h < uniforms.cols; h++) {
          let g = Dy[base + h] * Gamma[h];
          sg += g;
          sgx += g * (X[base + h] - mean) * rstd;
        }
        let n = f32(uniforms.cols);
        result[index * 2] = sg / n;
        result[index * 2 + 1] = sgx / n;
      }
    }`,
});

export const layerNormGradXSpec = (size: number): ProgramSpec => ({
  key: 'studio_ln_grad_x',
  inputs: ['Dy', 'X', 'Stats', 'Gamma', 'Sums'],
  uniforms: 'total : i32, cols : i32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let r = index / uniforms.cols;
        let h = index - r * uniforms.cols;
        let rstd = Stats[r * 2 + 1];
        let xhat = (X[index] - Stats[r * 2]) * rstd;
        result[index] = rstd * (Dy[index] * Gamma[h] - Sums[r * 2] - xhat * Sums[r * 2 + 1]);
      }
    }`,
});

/** dγ partial sums: invocation (k, c) adds dy·x̂ over rows [k·chunk, (k+1)·chunk) of column c, in order. */
export const layerNormGradGammaSpec = (chunks: number, cols: number): ProgramSpec => ({
  key: 'studio_ln_grad_gamma',
  inputs: ['Dy', 'X', 'Stats'],
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
          let i = r * uniforms.cols + c;
          s += Dy[i] * (X[i] - Stats[r * 2]) * Stats[r * 2 + 1];
        }
        result[index] = s;
      }
    }`,
});

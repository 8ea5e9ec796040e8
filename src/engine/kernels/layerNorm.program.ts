/**
 * The WGSL of LayerNorm (see layerNorm.ts for the maths): row statistics, the element-wise forward, and the
 * three backward programs, barrier-free over flat buffers (program.ts); then the 'workgroup' variants of
 * the three reductions (a workgroup per row or per column tile, workgroup.ts), which write the same
 * outputs, so the element-wise programs serve both.
 */
import type { ProgramSpec } from './program.ts';
import { columnTileMain, columnTileThreads, rowLanes, sumStep, TILE_LANES, treeReduce } from './workgroup.ts';

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

/**
 * Row statistics with a workgroup per row, in one fold: each lane takes the mean and Σ (x − mean)² of its
 * own elements in two passes (so no cancellation), and pairs of lanes merge (count, mean, M2) with Chan's
 * update, M2 = M2a + M2b + δ²·na·nb/n, δ = mean_b − mean_a.
 */
export const layerNormStatsWgSpec = (rows: number, cols: number): ProgramSpec => {
  // Rows of a multiple of 4 features are read as vec4s (v4): one 16-byte load per lane and step.
  const v4 = cols % 4 === 0;
  const lanes = rowLanes(v4 ? cols / 4 : cols);
  const load = (h: string) => (v4 ? `X[base / 4 + ${h}]` : `X[base + ${h}]`);
  const end = v4 ? 'uniforms.cols / 4' : 'uniforms.cols';
  return {
    key: `studio_ln_stats_wg${lanes}${v4 ? 'v4' : ''}`,
    inputs: ['X'],
    inputComponents: [v4 ? 4 : 1],
    uniforms: 'rows : i32, cols : i32, eps : f32,',
    outputSize: rows * 2,
    threads: rows * lanes,
    workgroupSize: lanes,
    main: `
    var<workgroup> pn : array<f32, ${lanes}>;
    var<workgroup> pmean : array<f32, ${lanes}>;
    var<workgroup> pm2 : array<f32, ${lanes}>;
    fn main(index : i32) {
      let row = index / ${lanes};
      let lane = localIndex;
      let live = row < uniforms.rows;
      let base = row * uniforms.cols;
      var n = 0.0;
      var s = 0.0;
      if (live) {
        for (var h = i32(lane); h < ${end}; h += ${lanes}) { ${v4 ? `let v = ${load('h')}; s += (v.x + v.y) + (v.z + v.w); n += 4.0;` : `s += ${load('h')}; n += 1.0;`} }
      }
      let mean = s / max(n, 1.0);
      var m2 = 0.0;
      if (live) {
        for (var h = i32(lane); h < ${end}; h += ${lanes}) { let d = ${load('h')} - mean; m2 += ${v4 ? 'dot(d, d)' : 'd * d'}; }
      }
      pn[lane] = n;
      pmean[lane] = mean;
      pm2[lane] = m2;
      ${treeReduce(
        lanes,
        (s) => `let nb = pn[lane + ${s}u];
        if (nb > 0.0) {
          let na = pn[lane];
          let nt = na + nb;
          let delta = pmean[lane + ${s}u] - pmean[lane];
          pmean[lane] += delta * (nb / nt);
          pm2[lane] += pm2[lane + ${s}u] + delta * delta * (na * nb / nt);
          pn[lane] = nt;
        }`,
      )}
      if (live && lane == 0u) {
        result[row * 2] = pmean[0];
        result[row * 2 + 1] = 1.0 / sqrt(pm2[0] / f32(uniforms.cols) + uniforms.eps);
      }
    }`,
  };
};

/** mean_h(dy·γ) and mean_h(dy·γ·x̂) with a workgroup per row. */
export const layerNormGradRowsWgSpec = (rows: number, cols: number): ProgramSpec => {
  const v4 = cols % 4 === 0; // as layerNormStatsWgSpec
  const lanes = rowLanes(v4 ? cols / 4 : cols);
  return {
    key: `studio_ln_grad_rows_wg${lanes}${v4 ? 'v4' : ''}`,
    inputs: ['Dy', 'X', 'Stats', 'Gamma'],
    inputComponents: v4 ? [4, 4, 1, 4] : [1, 1, 1, 1],
    uniforms: 'rows : i32, cols : i32,',
    outputSize: rows * 2,
    threads: rows * lanes,
    workgroupSize: lanes,
    main: `
    var<workgroup> sg : array<f32, ${lanes}>;
    var<workgroup> sgx : array<f32, ${lanes}>;
    fn main(index : i32) {
      let row = index / ${lanes};
      let lane = localIndex;
      let live = row < uniforms.rows;
      var a = 0.0;
      var b = 0.0;
      if (live) {
        let base = row * uniforms.cols;
        let mean = Stats[row * 2];
        let rstd = Stats[row * 2 + 1];
        ${
          v4
            ? `for (var h = i32(lane); h < uniforms.cols / 4; h += ${lanes}) {
          let g = Dy[base / 4 + h] * Gamma[h];
          a += (g.x + g.y) + (g.z + g.w);
          b += dot(g, (X[base / 4 + h] - mean) * rstd);
        }`
            : `for (var h = i32(lane); h < uniforms.cols; h += ${lanes}) {
          let g = Dy[base + h] * Gamma[h];
          a += g;
          b += g * (X[base + h] - mean) * rstd;
        }`
        }
      }
      sg[lane] = a;
      sgx[lane] = b;
      ${treeReduce(lanes, sumStep('sg', 'sgx'))}
      if (live && lane == 0u) {
        let n = f32(uniforms.cols);
        result[row * 2] = sg[0] / n;
        result[row * 2 + 1] = sgx[0] / n;
      }
    }`,
  };
};

/** dγ partial sums per row chunk, by column tiles (workgroup.ts). */
export const layerNormGradGammaWgSpec = (chunks: number, cols: number): ProgramSpec => ({
  key: 'studio_ln_grad_gamma_wg',
  inputs: ['Dy', 'X', 'Stats'],
  uniforms: 'rows : i32, cols : i32, chunk : i32,',
  outputSize: chunks * cols,
  threads: columnTileThreads(chunks, cols),
  workgroupSize: TILE_LANES,
  main: columnTileMain('Dy[i] * (X[i] - Stats[r * 2]) * Stats[r * 2 + 1]'),
});

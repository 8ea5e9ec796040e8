/**
 * The WGSL of the masked attention softmax (see softmax.ts for the maths): row max and sum, the element-wise
 * forward, and the two backward programs, barrier-free over flat buffers (program.ts); then the 'workgroup'
 * variants of the two row reductions (a workgroup per row, workgroup.ts), which write the same outputs.
 */
import type { ProgramSpec } from './program.ts';
import { rowLanes, sumStep, treeReduce } from './workgroup.ts';

/** z for element (row, j); `rowsPerBatch` = N·T rows share one bias row. */
const Z = `
  fn z(row : i32, j : i32) -> f32 {
    let b = row / uniforms.rowsPerBatch;
    return S[row * uniforms.cols + j] * uniforms.scale + Bias[b * uniforms.cols + j];
  }`;

/** The same as vec4s of keys 4j … 4j+3 (a row of a multiple of 4 keys, both inputs bound as vec4). */
const Z4 = `
  fn z4(row : i32, j : i32) -> vec4<f32> {
    let b = row / uniforms.rowsPerBatch;
    return S[row * uniforms.cols / 4 + j] * uniforms.scale + Bias[b * uniforms.cols / 4 + j];
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

/**
 * Row max and Σ exp(z − max) with a workgroup per row, in one fold: each lane keeps a running (max, sum),
 * rescaling its sum when the max grows, and pairs of lanes merge the same way. Every lane starts from
 * (z of key 0, 0), a real value of the row, so an idle lane merges away and every exp argument is an
 * ordinary difference of two z (no ±FLT_MAX sentinel, whose exp SwiftShader gets wrong).
 */
export const softmaxStatsWgSpec = (rows: number, cols: number): ProgramSpec => {
  // Rows of a multiple of 4 keys are read as vec4s (v4), scores and bias alike (the bias row has the same length).
  const v4 = cols % 4 === 0;
  const lanes = rowLanes(v4 ? cols / 4 : cols);
  return {
    key: `studio_softmax_stats_wg${lanes}${v4 ? 'v4' : ''}`,
    inputs: ['S', 'Bias'],
    inputComponents: v4 ? [4, 4] : [1, 1],
    uniforms: 'rows : i32, cols : i32, rowsPerBatch : i32, scale : f32,',
    outputSize: rows * 2,
    threads: rows * lanes,
    workgroupSize: lanes,
    main: `
    ${v4 ? Z4 : Z}
    var<workgroup> pm : array<f32, ${lanes}>;
    var<workgroup> pl : array<f32, ${lanes}>;
    fn main(index : i32) {
      let row = index / ${lanes};
      let lane = localIndex;
      var m = 0.0;
      var l = 0.0;
      if (row < uniforms.rows) {
        ${
          v4
            ? `m = z4(row, 0).x;
        for (var j = i32(lane); j < uniforms.cols / 4; j += ${lanes}) {
          let v = z4(row, j);
          let m2 = max(m, max(max(v.x, v.y), max(v.z, v.w)));
          let e = exp(v - vec4<f32>(m2));
          l = l * exp(m - m2) + ((e.x + e.y) + (e.z + e.w));
          m = m2;
        }`
            : `m = z(row, 0);
        for (var j = i32(lane); j < uniforms.cols; j += ${lanes}) {
          let v = z(row, j);
          let m2 = max(m, v);
          l = l * exp(m - m2) + exp(v - m2);
          m = m2;
        }`
        }
      }
      pm[lane] = m;
      pl[lane] = l;
      ${treeReduce(
        lanes,
        (s) => `let ma = pm[lane]; let mb = pm[lane + ${s}u]; let mx = max(ma, mb);
        pl[lane] = pl[lane] * exp(ma - mx) + pl[lane + ${s}u] * exp(mb - mx); pm[lane] = mx;`,
      )}
      if (row < uniforms.rows && lane == 0u) {
        result[row * 2] = pm[0];
        result[row * 2 + 1] = pl[0];
      }
    }`,
  };
};

/** Σ_j dy·y with a workgroup per row. */
export const softmaxGradRowsWgSpec = (rows: number, cols: number): ProgramSpec => {
  const v4 = cols % 4 === 0; // as softmaxStatsWgSpec
  const lanes = rowLanes(v4 ? cols / 4 : cols);
  return {
    key: `studio_softmax_grad_rows_wg${lanes}${v4 ? 'v4' : ''}`,
    inputs: ['Dy', 'Y'],
    inputComponents: v4 ? [4, 4] : [1, 1],
    uniforms: 'rows : i32, cols : i32,',
    outputSize: rows,
    threads: rows * lanes,
    workgroupSize: lanes,
    main: `
    var<workgroup> part : array<f32, ${lanes}>;
    fn main(index : i32) {
      let row = index / ${lanes};
      let lane = localIndex;
      var s = 0.0;
      if (row < uniforms.rows) {
        let base = row * uniforms.cols;
        ${
          v4
            ? `for (var j = i32(lane); j < uniforms.cols / 4; j += ${lanes}) { s += dot(Dy[base / 4 + j], Y[base / 4 + j]); }`
            : `for (var j = i32(lane); j < uniforms.cols; j += ${lanes}) { s += Dy[base + j] * Y[base + j]; }`
        }
      }
      part[lane] = s;
      ${treeReduce(lanes, sumStep('part'))}
      if (row < uniforms.rows && lane == 0u) { result[row] = part[0]; }
    }`,
  };
};

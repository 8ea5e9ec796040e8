/**
 * The WGSL of the embedding gradient (see embedding.ts): zero fill, links between repeated ids, and the
 * ordered per-row sums, barrier- and atomic-free over flat buffers (program.ts); then the 'workgroup'
 * variants of the links and the sums (a workgroup per position, workgroup.ts), same outputs, no atomics.
 */
import type { ProgramSpec } from './program.ts';
import { ROW_LANES, rowLanes, treeReduce } from './workgroup.ts';

export const zerosSpec = (size: number): ProgramSpec => ({
  key: 'studio_zeros',
  inputs: [],
  uniforms: 'total : i32,',
  outputSize: size,
  threads: size,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) { result[index] = 0.0; }
    }`,
});

/** result[2n] = 1 if n is the first position holding ids[n] (else 0); result[2n+1] = next such position or -1. */
export const linksSpec = (count: number): ProgramSpec => ({
  key: 'studio_embedding_links',
  inputs: ['Ids'],
  uniforms: 'count : i32,',
  outputSize: count * 2,
  threads: count,
  main: `
    fn main(index : i32) {
      if (index < uniforms.count) {
        let id = Ids[index];
        var first = 1.0;
        for (var j = 0; j < index; j++) {
          if (Ids[j] == id) { first = 0.0; break; }
        }
        var next = -1;
        for (var j = index + 1; j < uniforms.count; j++) {
          if (Ids[j] == id) { next = j; break; }
        }
        result[index * 2] = first;
        result[index * 2 + 1] = f32(next);
      }
    }`,
});

/** For first occurrences: table row ids[n], feature e = Σ dy over the linked positions, in order. */
export const gatherGradSpec = (vocab: number, dim: number, count: number): ProgramSpec => ({
  key: 'studio_embedding_grad',
  inputs: ['Dy', 'Ids', 'Links'],
  uniforms: 'total : i32, dim : i32, vocab : i32,',
  outputSize: vocab * dim,
  threads: count * dim,
  main: `
    fn main(index : i32) {
      if (index < uniforms.total) {
        let n = index / uniforms.dim;
        let e = index - n * uniforms.dim;
        let id = Ids[n];
        if (Links[n * 2] == 1.0 && id >= 0 && id < uniforms.vocab) {
          var s = 0.0;
          var j = n;
          loop {
            s += Dy[j * uniforms.dim + e];
            j = i32(Links[j * 2 + 1]);
            if (j < 0) { break; }
          }
          result[id * uniforms.dim + e] = s;
        }
      }
    }`,
});

/**
 * The links with a workgroup per position n: lanes scan the ids in strides (coalesced), each keeping the
 * first earlier and the first later position holding ids[n], and a min-fold in workgroup memory combines
 * them. n is a first occurrence when no earlier position was found.
 */
export const linksWgSpec = (count: number): ProgramSpec => ({
  key: 'studio_embedding_links_wg',
  inputs: ['Ids'],
  uniforms: 'count : i32,',
  outputSize: count * 2,
  threads: count * ROW_LANES,
  workgroupSize: ROW_LANES,
  main: `
    var<workgroup> before : array<i32, ${ROW_LANES}>;
    var<workgroup> after : array<i32, ${ROW_LANES}>;
    const NONE = 2147483647;
    fn main(index : i32) {
      let n = index / ${ROW_LANES};
      let lane = localIndex;
      var b = NONE;
      var a = NONE;
      if (n < uniforms.count) {
        let id = Ids[n];
        for (var j = i32(lane); j < n; j += ${ROW_LANES}) {
          if (Ids[j] == id) { b = j; break; }
        }
        for (var j = n + 1 + i32(lane); j < uniforms.count; j += ${ROW_LANES}) {
          if (Ids[j] == id) { a = j; break; }
        }
      }
      before[lane] = b;
      after[lane] = a;
      ${treeReduce(ROW_LANES, (s) => `before[lane] = min(before[lane], before[lane + ${s}u]); after[lane] = min(after[lane], after[lane + ${s}u]);`)}
      if (n < uniforms.count && lane == 0u) {
        result[n * 2] = select(0.0, 1.0, before[0] == NONE);
        result[n * 2 + 1] = select(f32(after[0]), -1.0, after[0] == NONE);
      }
    }`,
});

/**
 * For first occurrences: a workgroup per position n, its lanes over the features (coalesced), each
 * following the links and summing dy in position order; the other workgroups return at once.
 */
export const gatherGradWgSpec = (vocab: number, dim: number, count: number): ProgramSpec => {
  const lanes = rowLanes(dim);
  return {
    key: `studio_embedding_grad_wg${lanes}`,
    inputs: ['Dy', 'Ids', 'Links'],
    uniforms: 'count : i32, dim : i32, vocab : i32,',
    outputSize: vocab * dim,
    threads: count * lanes,
    workgroupSize: lanes,
    main: `
    fn main(index : i32) {
      let n = index / ${lanes};
      if (n >= uniforms.count) { return; }
      let id = Ids[n];
      if (Links[n * 2] != 1.0 || id < 0 || id >= uniforms.vocab) { return; }
      for (var e = i32(localIndex); e < uniforms.dim; e += ${lanes}) {
        var s = 0.0;
        var j = n;
        loop {
          s += Dy[j * uniforms.dim + e];
          j = i32(Links[j * 2 + 1]);
          if (j < 0) { break; }
        }
        result[id * uniforms.dim + e] = s;
      }
    }`,
  };
};

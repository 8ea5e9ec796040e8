/**
 * The WGSL of the embedding gradient (see embedding.ts): zero fill, links between repeated ids, and the
 * ordered per-row sums. Barrier- and atomic-free over flat buffers (program.ts).
 */
import type { ProgramSpec } from './program.ts';

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

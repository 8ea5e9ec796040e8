/**
 * Embedding lookup table[ids] with a deterministic gradient written straight into the [V, E] layout.
 *
 * TF.js's gather gradient (UnsortedSegmentSum on webgpu) transposes dy to [E, N], scatters into [E, V]
 * with atomic float adds and transposes back: two shared-memory 2-D transposes of the whole table per
 * lookup (they dominated a small model's step on a software adapter, see program.ts), and a summation
 * order that changes from run to run, so the same seed did not give the same losses. Here, barrier- and
 * atomic-free, summing repeated ids in position order (as torch does on the CPU):
 *   1. links: for each position n, whether it is the first occurrence of its id and the next position
 *      with the same id (N invocations, O(N) each);
 *   2. a zero fill of [V, E];
 *   3. for each first occurrence n and feature e, follow the links summing dy and write the table row
 *      ids[n] (one writer per row, so no atomics).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, ints, registerWebGpuKernel, run, runKernel, type ProgramSpec } from './program.ts';

const GRAD = 'StudioEmbeddingGrad';

const zerosSpec = (size: number): ProgramSpec => ({
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
const linksSpec = (count: number): ProgramSpec => ({
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
const gatherGradSpec = (vocab: number, dim: number, count: number): ProgramSpec => ({
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

function gradKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { dy, ids } = inputs as Record<string, tf.TensorInfo>;
  const vocab = attrs.vocab as number;
  const dim = dy.shape[dy.shape.length - 1];
  const count = tf.util.sizeFromShape(ids.shape);
  const links = run(backend, linksSpec(count), [ids], ints(count), [count, 2]);
  const zeros = run(backend, zerosSpec(vocab * dim), [], ints(vocab * dim), [vocab, dim]);
  const grad = run(backend, gatherGradSpec(vocab, dim, count), [dy, ids, links], ints(count * dim, dim, vocab), [vocab, dim], zeros);
  backend.disposeData(links.dataId);
  return grad;
}

/** table [V, E], ids int32 [N] → [N, E]; the gradient reaches the table only. */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (!useFused()) return tf.gather(table, ids) as tf.Tensor2D;
  registerWebGpuKernel(GRAD, gradKernel);
  const vocab = table.shape[0];
  const op = tf.customGrad((t, save) => {
    // Saved, not captured: the forward runs in its own tidy, which would dispose ids before backward.
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runKernel(GRAD, { dy, ids: saved[0] }, { vocab })[0],
    };
  });
  return op(table) as tf.Tensor2D;
}

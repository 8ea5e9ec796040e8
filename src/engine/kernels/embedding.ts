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
 * Variants (select.ts, op 'embeddingGrad', key embeddingGradKey): 'flat' runs the links as one invocation
 * per position scanning alone (O(N) serial each); 'workgroup' gives each position a workgroup that scans
 * in strides and min-folds in workgroup memory, and sums with a workgroup per position, lanes over E.
 * Both sum in position order, so the result is the same from run to run.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useFused, ints, registerWebGpuKernel, run, runKernel } from './program.ts';
import { zerosSpec, linksSpec, gatherGradSpec, linksWgSpec, gatherGradWgSpec } from './embedding.program.ts';
import { reductionVariant } from './select.ts';
import { zeroRowInPlace } from './zeroRow.ts';

const GRAD = 'StudioEmbeddingGrad';

/** vocab V table rows, dim E features, count N ids. */
export const embeddingGradKey = (vocab: number, dim: number, count: number) => `${vocab}x${dim}x${count}`;

function gradKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) {
  const { dy, ids } = inputs as Record<string, tf.TensorInfo>;
  const vocab = attrs.vocab as number;
  const dim = dy.shape[dy.shape.length - 1];
  const count = tf.util.sizeFromShape(ids.shape);
  const flat = reductionVariant('embeddingGrad', embeddingGradKey(vocab, dim, count)) === 'flat';
  const links = run(backend, (flat ? linksSpec : linksWgSpec)(count), [ids], ints(count), [count, 2]);
  const zeros = run(backend, zerosSpec(vocab * dim), [], ints(vocab * dim), [vocab, dim]);
  const grad = flat
    ? run(backend, gatherGradSpec(vocab, dim, count), [dy, ids, links], ints(count * dim, dim, vocab), [vocab, dim], zeros)
    : run(backend, gatherGradWgSpec(vocab, dim, count), [dy, ids, links], ints(count, dim, vocab), [vocab, dim], zeros);
  backend.disposeData(links.dataId);
  return grad;
}

/**
 * table [V, E], ids int32 [N] → [N, E]; the gradient reaches the table only. With `paddingIdx`, as
 * nn.Embedding(padding_idx): that row of this lookup's gradient is 0 (the row still takes part in the forward
 * pass). Zeroing it here, not in the parameter's summed gradient, matters when the table is also used
 * elsewhere: a masked-LM decoder tied to the word embeddings gives the padding row a gradient of its own.
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D, paddingIdx?: number): tf.Tensor2D {
  const vocab = table.shape[0];
  const padding = paddingIdx !== undefined && paddingIdx >= 0 && paddingIdx < vocab ? paddingIdx : undefined;
  const fused = useFused();
  if (!fused && padding === undefined) return tf.gather(table, ids) as tf.Tensor2D;
  if (fused) registerWebGpuKernel(GRAD, gradKernel);
  const op = tf.customGrad((t, save) => {
    // Saved, not captured: the forward runs in its own tidy, which would dispose ids before backward.
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // gather's own gradient in plain ops (the tfjs mode); ours on webgpu.
        const g = fused ? runKernel(GRAD, { dy, ids: saved[0] }, { vocab })[0] : tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, vocab);
        return padding === undefined ? g : withoutRow(g as tf.Tensor2D, padding);
      },
    };
  });
  return op(table) as tf.Tensor2D;
}

/** g with row `row` set to 0: in place where possible (zeroRow.ts), else by a 0/1 row mask. */
function withoutRow(g: tf.Tensor2D, row: number): tf.Tensor2D {
  if (zeroRowInPlace(g, row)) return g;
  return tf.tidy(() => {
    const keep = tf.sub(1, tf.oneHot(tf.tensor1d([row], 'int32'), g.shape[0]).reshape([g.shape[0], 1]));
    const masked = tf.mul(g, keep) as tf.Tensor2D;
    g.dispose();
    return masked;
  });
}

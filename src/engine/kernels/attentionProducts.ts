/**
 * Self-attention's matmuls on our kernel (matmul.ts) with the heads folded into the indexing: no
 * [B, T, N, D] transposes forward or backward. Shapes: B batch, T tokens, N heads, D = H / N, F = B·T.
 *
 *   fusedQkv(x, [wq, wk, wv], [bq, bk, bv])  x [F, Hin], w [H, Hin], b [H]  → qkv [F, 3H], one dispatch
 *   attentionScores(qkv, B, N, alpha)        alpha · Q·Kᵀ per (batch row, head) → [B, N, T, T]
 *   attentionContext(probs, qkv, N)          probs [B, N, T, T] · V per head → [F, H], heads merged
 *
 * qkv holds Q, K, V as column blocks [0, H), [H, 2H), [2H, 3H); head n of block j is columns j·H + n·D + d,
 * so (batch row b, head n) is outer stride T·3H, inner stride D, row stride 3H, read in place by strides.
 * The gradient of scores (dQ, dK) and of context (dV) each fill their blocks of one [F, 3H] buffer and zero
 * the rest; the tape adds the two, and fusedQkv's gradient reads the sum with the same strides.
 *
 * Mixed precision (precision.ts), as linearHalf.ts and torch.autocast's f16 bmm: every product reads
 * f16-rounded operands (x and the three weights, Q/K/V, the probabilities, and dy in the gradients) and
 * accumulates in float32; what is saved for the backward pass is packed f16 (half.ts): x, qkv (one copy
 * shared by scores and context) and the probabilities. Bias gradients sum the float32 dy, as linearHalf.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { sumToLastAxis } from './columnSum.ts';
import { dense, dispatchMatmul, runMatmul, type MatmulCall, type Strides } from './matmul.ts';
import { zeroColumnsSpec } from './attentionProducts.program.ts';
import { mixedPrecision } from './precision.ts';
import { ints, registerWebGpuKernel, run, runKernel, useFused } from './program.ts';
import { matmulVariant } from './select.ts';
import { packHalf, packHalfShared, roundHalf, unpackHalf } from './half.ts';

/** Whether attention runs here (our kernel picked for its two products) rather than transposes + tf.matMul. */
export function foldedAttention(B: number, T: number, N: number, D: number): boolean {
  return (
    useFused() &&
    matmulVariant('matmul.ABt', `${B * N}x${T}x${D}x${T}`) === 'ours' &&
    matmulVariant('matmul.AB', `${B * N}x${T}x${T}x${D}`) === 'ours'
  );
}

interface Dims {
  B: number;
  T: number;
  N: number;
  H: number;
  D: number;
}

const dimsOf = (qkv: tf.TensorInfo, B: number, N: number): Dims => {
  const [F, H3] = qkv.shape;
  const H = H3 / 3;
  return { B, T: F / B, N, H, D: H / N };
};

/** Block j (0 Q, 1 K, 2 V) of qkv, per (batch row, head). */
const block = (d: Dims, j: number): Strides => ({ off: j * d.H, outer: d.T * 3 * d.H, inner: d.D, ld: 3 * d.H });
/** [B, N, T, T] scores / probabilities. */
const square = (d: Dims): Strides => ({ off: 0, outer: d.N * d.T * d.T, inner: d.T * d.T, ld: d.T });
/** [F, H] with heads merged. */
const merged = (d: Dims): Strides => ({ off: 0, outer: d.T * d.H, inner: d.D, ld: d.H });

const perHead = (d: Dims, form: MatmulCall['form'], M: number, K: number, N: number, a: Strides, b: Strides, c: Strides, alpha = 1): MatmulCall => ({
  form,
  M,
  K,
  N,
  batch: d.B * d.N,
  batchInner: d.N,
  a,
  b,
  c,
  alpha,
  gelu: false,
  sumBatch: false,
});

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap };

/** Dispatches `calls` into one new [F, 3H] buffer after zeroing the blocks they leave alone. */
function intoQkvGrad(backend: WebGPUBackend, d: Dims, zeroBlocks: [number, number], calls: [MatmulCall, tf.TensorInfo, tf.TensorInfo][]): tf.TensorInfo {
  const F = d.B * d.T;
  const shape = [F, 3 * d.H];
  const out = backend.makeTensorInfo(shape, 'float32');
  const [from, to] = zeroBlocks;
  const width = (to - from) * d.H;
  run(backend, zeroColumnsSpec(F, width, F * 3 * d.H), [], ints(F * width, width, 3 * d.H, from * d.H), shape, out);
  for (const [call, a, b] of calls) dispatchMatmul(backend, call, { a, b: [b] }, out);
  return out;
}

const SCORES = 'StudioAttentionScores';
const SCORES_GRAD = 'StudioAttentionScoresGrad';
const CONTEXT = 'StudioAttentionContext';
const CONTEXT_GRAD_QKV = 'StudioAttentionContextGradQkv';
const QKV = 'StudioFusedQkv';
const QKV_GRAD_X = 'StudioFusedQkvGradX';

function register(): void {
  registerWebGpuKernel(SCORES, ({ inputs, backend, attrs }: KernelArgs) => {
    const qkv = inputs.qkv!;
    const d = dimsOf(qkv, attrs.B as number, attrs.N as number);
    const call = perHead(d, 'ABt', d.T, d.D, d.T, block(d, 0), block(d, 1), square(d), attrs.alpha as number);
    return dispatchMatmul(backend, call, { a: qkv, b: [qkv] }, [d.B, d.N, d.T, d.T]);
  });
  // dQ = alpha·dS·K, dK = alpha·dSᵀ·Q
  registerWebGpuKernel(SCORES_GRAD, ({ inputs, backend, attrs }: KernelArgs) => {
    const { dS, qkv } = inputs as Record<string, tf.TensorInfo>;
    const d = dimsOf(qkv, attrs.B as number, attrs.N as number);
    const alpha = attrs.alpha as number;
    return intoQkvGrad(backend, d, [2, 3], [
      [perHead(d, 'AB', d.T, d.T, d.D, square(d), block(d, 1), block(d, 0), alpha), dS, qkv],
      [perHead(d, 'AtB', d.T, d.T, d.D, square(d), block(d, 0), block(d, 1), alpha), dS, qkv],
    ]);
  });
  registerWebGpuKernel(CONTEXT, ({ inputs, backend, attrs }: KernelArgs) => {
    const { p, qkv } = inputs as Record<string, tf.TensorInfo>;
    const d = dimsOf(qkv, p.shape[0], attrs.N as number);
    const call = perHead(d, 'AB', d.T, d.T, d.D, square(d), block(d, 2), merged(d));
    return dispatchMatmul(backend, call, { a: p, b: [qkv] }, [d.B * d.T, d.H]);
  });
  // dV = Pᵀ·dC
  registerWebGpuKernel(CONTEXT_GRAD_QKV, ({ inputs, backend, attrs }: KernelArgs) => {
    const { dC, p, qkv } = inputs as Record<string, tf.TensorInfo>;
    const d = dimsOf(qkv, p.shape[0], attrs.N as number);
    return intoQkvGrad(backend, d, [0, 2], [[perHead(d, 'AtB', d.T, d.T, d.D, square(d), merged(d), block(d, 2)), p, dC]]);
  });
  registerWebGpuKernel(QKV, ({ inputs, backend }: KernelArgs) => {
    const { x, wq, wk, wv, bq, bk, bv } = inputs as Record<string, tf.TensorInfo>;
    const [F, Hin] = x.shape;
    const H = wq.shape[0];
    const call: MatmulCall = {
      form: 'ABt',
      M: F,
      K: Hin,
      N: H,
      batch: 3,
      batchInner: 1,
      a: dense(Hin),
      b: dense(Hin),
      c: { off: 0, outer: H, inner: 0, ld: 3 * H },
      alpha: 1,
      gelu: false,
      sumBatch: false,
    };
    return dispatchMatmul(backend, call, { a: x, b: [wq, wk, wv], bias: [bq, bk, bv] }, [F, 3 * H]);
  });
  // dx = Σ_j dQKV_j · W_j
  registerWebGpuKernel(QKV_GRAD_X, ({ inputs, backend }: KernelArgs) => {
    const { dy, wq, wk, wv } = inputs as Record<string, tf.TensorInfo>;
    const [F, H3] = dy.shape;
    const [H, Hin] = wq.shape;
    const call: MatmulCall = {
      form: 'AB',
      M: F,
      K: H,
      N: Hin,
      batch: 3,
      batchInner: 1,
      a: { off: 0, outer: H, inner: 0, ld: H3 },
      b: dense(Hin),
      c: dense(Hin),
      alpha: 1,
      gelu: false,
      sumBatch: true,
    };
    return dispatchMatmul(backend, call, { a: dy, b: [wq, wk, wv] }, [F, Hin]);
  });
}

/**
 * In mixed precision, the packed f16 copy of a product input (shared by every op that reads the same
 * buffer: scores and context both read qkv) and its float32 view; undefined in float32.
 */
function halfStorage(x: tf.Tensor): { packed: tf.Tensor; read: (packed?: tf.Tensor) => tf.Tensor } | undefined {
  if (!mixedPrecision()) return undefined;
  const packed = packHalfShared(x);
  return { packed, read: (p = packed) => unpackHalf(p, x.shape) };
}

/** qkv [F, 3H] → alpha·Q·Kᵀ [B, N, T, T]; differentiable. */
export function attentionScores(qkv: tf.Tensor2D, B: number, N: number, alpha: number): tf.Tensor4D {
  register();
  const attrs = { B, N, alpha };
  const half = halfStorage(qkv);
  const op = tf.customGrad((q, save) => {
    (save as tf.GradSaveFunc)([half?.packed ?? (q as tf.Tensor)]);
    return {
      value: runKernel(SCORES, { qkv: half ? half.read() : (q as tf.Tensor) }, attrs)[0],
      gradFunc: (dS: tf.Tensor, [saved]: tf.Tensor[]) =>
        tf.tidy(() => runKernel(SCORES_GRAD, half ? { dS: roundHalf(dS), qkv: half.read(saved) } : { dS, qkv: saved }, attrs)[0]),
    };
  });
  return op(qkv) as tf.Tensor4D;
}

/** probs [B, N, T, T], qkv [F, 3H] → context [F, H] (heads merged); differentiable in both. */
export function attentionContext(probs: tf.Tensor4D, qkv: tf.Tensor2D, N: number): tf.Tensor2D {
  register();
  const [B, , T] = probs.shape;
  const H = qkv.shape[1] / 3;
  const D = H / N;
  const attrs = { N };
  const halfQkv = halfStorage(qkv);
  const halfP = mixedPrecision() ? { packed: packHalf(probs), read: (t?: tf.Tensor) => unpackHalf(t ?? halfP!.packed, probs.shape) } : undefined;
  const op = tf.customGrad((p, q, save) => {
    (save as tf.GradSaveFunc)([halfP?.packed ?? (p as tf.Tensor), halfQkv?.packed ?? (q as tf.Tensor)]);
    return {
      value: runKernel(CONTEXT, { p: halfP ? halfP.read() : (p as tf.Tensor), qkv: halfQkv ? halfQkv.read() : (q as tf.Tensor) }, attrs)[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const dC = halfQkv ? roundHalf(dy) : dy;
          const ps = halfP ? halfP.read(saved[0]) : saved[0];
          const qs = halfQkv ? halfQkv.read(saved[1]) : saved[1];
          // dP = dC·Vᵀ per head: dC read merged, V in place.
          const d: Dims = { B, T, N, H, D };
          const dP = runMatmul(perHead(d, 'ABt', T, D, T, merged(d), block(d, 2), square(d)), dC, qs, [B, N, T, T]);
          return [dP, runKernel(CONTEXT_GRAD_QKV, { dC, p: ps, qkv: qs }, attrs)[0]];
        }),
    };
  });
  return op(probs, qkv) as tf.Tensor2D;
}

/** x [F, Hin], weights [H, Hin] and biases [H] of Q, K, V → [F, 3H] in one dispatch; differentiable in all seven. */
export function fusedQkv(x: tf.Tensor2D, w: [tf.Tensor, tf.Tensor, tf.Tensor], b: [tf.Tensor, tf.Tensor, tf.Tensor]): tf.Tensor2D {
  register();
  const [F, Hin] = x.shape;
  const H = w[0].shape[0];
  const half = halfStorage(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xs, wq, wk, wv, bq, bk, bv] = args as tf.Tensor[];
    save([half?.packed ?? xs, wq, wk, wv]);
    const [wa, wb, wc] = half ? [wq, wk, wv].map(roundHalf) : [wq, wk, wv];
    return {
      value: runKernel(QKV, { x: half ? half.read() : xs, wq: wa, wk: wb, wv: wc, bq, bk, bv })[0],
      gradFunc: (dyIn: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const dy = half ? roundHalf(dyIn) : dyIn;
          const xt = half ? half.read(saved[0]) : saved[0];
          const [wqt, wkt, wvt] = half ? saved.slice(1).map(roundHalf) : saved.slice(1);
          const dx = runKernel(QKV_GRAD_X, { dy, wq: wqt, wk: wkt, wv: wvt })[0];
          // dW_j = dY_jᵀ·x, dY_j read in place from block j.
          const dW = [0, 1, 2].map((j) =>
            runMatmul(
              { form: 'AtB', M: H, K: F, N: Hin, batch: 1, batchInner: 1, a: { off: j * H, outer: 0, inner: 0, ld: 3 * H }, b: dense(Hin), c: dense(Hin), alpha: 1, gelu: false, sumBatch: false },
              dy,
              xt,
              [H, Hin],
            ),
          );
          return [dx, ...dW, ...tf.split(sumToLastAxis(dyIn), 3)];
        }),
    };
  });
  return op(x, ...w, ...b) as tf.Tensor2D;
}

/**
 * Differentiable matmul (matmul.ts) with its epilogue: y = gelu?(alpha·a·b + bias) + residual, gradients for
 * a, b, bias and residual, the backward products through our kernel too:
 *   AB   dA = dC·Bᵀ (ABt)      dB = Aᵀ·dC (AtB)
 *   ABt  dA = dC·B (AB)        dB = dCᵀ·A (AtB)
 *   AtB  dA = B·dCᵀ (ABt)      dB = A·dC (AB)
 * an operand shared over the batch getting the sum over batches (one dispatch, sumBatch).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { sumToLastAxis } from './columnSum.ts';
import { callOf, dense, geometry, matmulReference, runMatmul, usesOurMatmul, type Geometry, type MatmulCall, type MatmulForm, type MatmulOptions } from './matmul.ts';
import { geluGradSpec, geluSpec } from './matmul.program.ts';
import { ints, registerWebGpuKernel, run, runKernel } from './program.ts';

// Not gelu.ts's kernels: these are the matmul epilogue's GELU (same WGSL as the fused one) as a separate pass.
const GELU = 'StudioMatmulGelu';
const GELU_GRAD = 'StudioMatmulGeluGrad';

/** The epilogue's gelu(z) (+ residual) as one element-wise dispatch, for a z kept for the gradient (webgpu only). */
export function epilogueGelu(z: tf.Tensor, residual?: tf.Tensor): tf.Tensor {
  registerGelu();
  return runKernel(GELU, residual ? { z, residual } : { z })[0];
}

/** dy · gelu'(z) in one element-wise dispatch (webgpu only). */
export function epilogueGeluGrad(dy: tf.Tensor, z: tf.Tensor): tf.Tensor {
  registerGelu();
  return runKernel(GELU_GRAD, { dy, z })[0];
}

function registerGelu(): void {
  registerWebGpuKernel(GELU, ({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) => {
    const { z, residual } = inputs as Record<string, tf.TensorInfo | undefined>;
    const size = tf.util.sizeFromShape(z!.shape);
    return run(backend, geluSpec(size, !!residual), residual ? [z!, residual] : [z!], ints(size), z!.shape);
  });
  registerWebGpuKernel(GELU_GRAD, ({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) => {
    const { dy, z } = inputs as Record<string, tf.TensorInfo>;
    const size = tf.util.sizeFromShape(z.shape);
    return run(backend, geluGradSpec(size), [dy, z], ints(size), z.shape);
  });
}

type Role = 'A' | 'B' | 'dC';

/** Our kernel's gradient calls for a forward call, dA then dB, each with the roles of its two operands (summed over a shared batch). */
function gradCalls(g: Geometry, form: MatmulForm, alpha: number): [MatmulCall, Role, Role][] {
  const { M, K, N, batch } = g;
  const dC = dense(N, M * N);
  const aS = dense(form === 'AtB' ? M : K, g.aBatched ? M * K : 0);
  const bS = dense(form === 'ABt' ? K : N, g.bBatched ? K * N : 0);
  const base = { batch, batchInner: 1, alpha, gelu: false };
  const forA = { ...base, sumBatch: !g.aBatched };
  const forB = { ...base, sumBatch: !g.bBatched };
  switch (form) {
    case 'AB': // dA = dC·Bᵀ, dB = Aᵀ·dC
      return [
        [{ ...forA, form: 'ABt', M, K: N, N: K, a: dC, b: bS, c: dense(K, M * K) }, 'dC', 'B'],
        [{ ...forB, form: 'AtB', M: K, K: M, N, a: aS, b: dC, c: dense(N, K * N) }, 'A', 'dC'],
      ];
    case 'ABt': // dA = dC·B, dB = dCᵀ·A
      return [
        [{ ...forA, form: 'AB', M, K: N, N: K, a: dC, b: bS, c: dense(K, M * K) }, 'dC', 'B'],
        [{ ...forB, form: 'AtB', M: N, K: M, N: K, a: dC, b: aS, c: dense(K, N * K) }, 'dC', 'A'],
      ];
    case 'AtB': // dA (stored [K, M]) = B·dCᵀ, dB = A·dC
      return [
        [{ ...forA, form: 'ABt', M: K, K: N, N: M, a: bS, b: dC, c: dense(M, K * M) }, 'B', 'dC'],
        [{ ...forB, form: 'AB', M: K, K: M, N, a: aS, b: dC, c: dense(N, K * N) }, 'A', 'dC'],
      ];
  }
}

/**
 * Differentiable matmul with the epilogue: gradients for a, b, bias and residual, the backward products
 * through our kernel too. With GELU and a gradient to take, the forward keeps the pre-activation z (the
 * backward needs gelu'(z)): product + bias, then one element-wise GELU dispatch; without a tape the GELU
 * is in the product's epilogue.
 */
export function matmul(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): tf.Tensor {
  if (!usesOurMatmul(a, b, o)) return matmulReference(a, b, o);
  const g = geometry(a, b, o);
  const form = g.form!;
  const alpha = o.alpha ?? 1;
  const tapeOn = (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
  if (!tapeOn) return runMatmul(callOf(g, form, o), a, b, g.shape, { bias: o.bias, residual: o.residual });
  const withGelu = o.activation === 'gelu';
  const inputs = [a, b, ...(o.bias ? [o.bias] : []), ...(o.residual ? [o.residual] : [])];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [at, bt] = args as tf.Tensor[];
    const bias = o.bias ? (args[2] as tf.Tensor) : undefined;
    const residual = o.residual ? (args[args.length - 1] as tf.Tensor) : undefined;
    let value: tf.Tensor;
    if (withGelu) {
      const z = runMatmul({ ...callOf(g, form, o), gelu: false }, at, bt, g.shape, { bias });
      value = epilogueGelu(z, residual);
      save([at, bt, z]);
    } else {
      value = runMatmul(callOf(g, form, o), at, bt, g.shape, { bias, residual });
      save([at, bt]);
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dz = withGelu ? epilogueGeluGrad(dy, saved[2]) : dy;
        const of: Record<Role, tf.Tensor> = { A: saved[0], B: saved[1], dC: dz };
        const grads = gradCalls(g, form, alpha).map(([call, x, y], i) => runMatmul(call, of[x], of[y], saved[i].shape));
        if (bias) grads.push(sumToLastAxis(dz));
        if (residual) grads.push(dy);
        return grads;
      },
    };
  });
  return op(...inputs);
}

/**
 * Exact GELU, y = x·Φ(x) = x·(1 + erf(x/√2))/2 (HF's "gelu", not the tanh "gelu_new"), with its own gradient
 *   dx = dy·(Φ(x) + x·exp(−x²/2)/√(2π))
 * that saves only the input. TF.js's autodiff of the plain-op form keeps four [F, I] tensors alive until the
 * backward pass (x, x/√2, x/2 and 1 + erf), the largest activations of a BERT layer; this keeps one, and in
 * mixed precision keeps it as packed f16 (half.ts) and reads it back inside the gradient program.
 * On webgpu: one dispatch forward, one backward (gelu.program.ts). Elsewhere (and in the 'tfjs' kernel mode
 * without mixed precision): geluReference, the plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { geluGradHalfSpec, geluGradSpec, geluSpec } from './gelu.program.ts';
import { packHalf } from './half.ts';
import { mixedPrecision } from './precision.ts';
import { ints, registerWebGpuKernel, run, runKernel, useFused } from './program.ts';

const FORWARD = 'StudioGelu';
const BACKWARD = 'StudioGeluGrad';

function forwardKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const x = inputs.x!;
  const size = tf.util.sizeFromShape(x.shape);
  return run(backend, geluSpec(size), [x], ints(size), x.shape);
}

/** x is float32, or int32 when it is the f16 storage of x (mixed precision). */
function backwardKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend }) {
  const { dy, x } = inputs as Record<string, tf.TensorInfo>;
  const size = tf.util.sizeFromShape(dy.shape);
  const spec = x.dtype === 'int32' ? geluGradHalfSpec : geluGradSpec;
  return run(backend, spec(size), [dy, x], ints(size), dy.shape);
}

/** x any shape (the FFN's [F, I]). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const half = mixedPrecision();
  if (tf.getBackend() !== 'webgpu' || !(useFused() || half)) return geluReference(x);
  registerWebGpuKernel(FORWARD, forwardKernel);
  registerWebGpuKernel(BACKWARD, backwardKernel);
  const op = tf.customGrad((xIn, save) => {
    const xt = xIn as tf.Tensor;
    // The f32 input is the FFN's first linear output; only its f16 copy outlives the forward pass.
    (save as tf.GradSaveFunc)([half ? packHalf(xt) : xt]);
    return {
      value: runKernel(FORWARD, { x: xt })[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runKernel(BACKWARD, { dy, x: saved[0] })[0],
    };
  });
  return op(x);
}

const SQRT1_2 = Math.SQRT1_2;

/** The same op in plain TF.js ops (autodiff gives its gradient). */
export function geluReference(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
}

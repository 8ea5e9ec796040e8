/**
 * What one training step holds in GPU memory, split the way a memory budget is: weights, gradients, AdamW
 * state, and the activations (everything else the step allocates at its peak: saved-for-backward tensors,
 * forward intermediates, transient buffers). Measured on the second step of a random model (the first creates
 * the AdamW moments) inside tf.profile.
 *
 * Two peaks, because TF.js counts bytes per tensor, not per buffer: tf.profile's peakBytes counts a buffer
 * once for every tensor that shares it (a reshape, each saved clone: the input of Q, K and V is counted three
 * times), so it overstates what the GPU holds. `activationPeak` is what the WebGPU backend's buffer manager
 * has handed out (every live GPU buffer once, including our kernels' internal scratch buffers), sampled after
 * every kernel; `profileActivationPeak` is tf.profile's figure, for reference. WebGPU only.
 *
 * `activationPeak` subtracts every gradient's bytes, as the issue that asked for it defines it, but gradients
 * exist only from the backward pass on: where the peak is reached in the forward pass (the usual place: every
 * saved tensor is alive and no gradient yet), that undercounts. `forwardPeak` is the exact figure for the
 * forward pass: live bytes above the step's start, nothing subtracted, up to the end of the forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { mixedPrecision, setMixedPrecision } from '../engine/kernels/precision';
import { AdamW } from '../train/adamw';
import { GradScaler } from '../train/gradScaler';
import { weightDecayByName } from '../train/paramGroups';
import { scaledTrainStep, trainStep } from '../train/step';
import { randomBatch, randomModel, type BenchShape } from './stepBench';

export interface StepMemory {
  mixedPrecision: boolean;
  /** Parameters (float32). */
  weights: number;
  /** One float32 gradient per trainable parameter. */
  gradients: number;
  /** AdamW's m and v. */
  optimizerState: number;
  /** Peak live buffer bytes during the step minus weights, gradients, optimizer state and the batch. */
  activationPeak: number;
  /** Peak live buffer bytes above the step's start during the forward pass (no gradient exists yet). */
  forwardPeak: number;
  /** The same from tf.profile's peakBytes (per-tensor counting, see above). */
  profileActivationPeak: number;
  /** The kernel at which the buffer peak was reached, and its position in the step (0 = first kernel, 1 = last). */
  peakAt: { kernel: string; position: number };
}

interface EngineInternals {
  runKernelFunc: (...args: unknown[]) => unknown;
  gradients: (f: () => tf.Tensor, ...rest: unknown[]) => unknown;
}

/** Bytes of GPU buffers in use (not the pool's free ones), each buffer once. */
function liveBufferBytes(): number {
  return (tf.backend() as unknown as { bufferManager: { numBytesUsed: number } }).bufferManager.numBytesUsed;
}

/**
 * Samples liveBufferBytes after every kernel (and custom op) while `f` runs; `forwardPeak` is the largest
 * sample taken before the first gradient computation's forward function returned (engine.gradients).
 */
async function tracePeak<T>(f: () => Promise<T>, onKernel?: (kernel: string, bytes: number) => void): Promise<{ result: T; peak: number; forwardPeak: number; kernel: string; index: number; count: number }> {
  const engine = tf.engine() as unknown as EngineInternals;
  const original = engine.runKernelFunc;
  const gradients = engine.gradients;
  let peak = 0;
  let forwardPeak = 0;
  let inForward = true;
  let kernel = '';
  let index = 0;
  let count = 0;
  engine.runKernelFunc = function (this: unknown, ...args: unknown[]) {
    const out = original.apply(this, args);
    const bytes = liveBufferBytes();
    count++;
    onKernel?.((args[0] as { kernelName?: string }).kernelName ?? 'customGrad', bytes);
    if (inForward) forwardPeak = Math.max(forwardPeak, bytes);
    if (bytes > peak) {
      peak = bytes;
      kernel = (args[0] as { kernelName?: string }).kernelName ?? 'customGrad';
      index = count;
    }
    return out;
  };
  engine.gradients = function (this: unknown, fn: () => tf.Tensor, ...rest: unknown[]) {
    const forward = () => {
      const y = fn();
      inForward = false;
      return y;
    };
    return gradients.call(this, forward, ...rest);
  };
  try {
    const result = await f();
    return { result, peak, forwardPeak, kernel, index, count };
  } finally {
    engine.runKernelFunc = original;
    engine.gradients = gradients;
  }
}

const bytesOf = (ts: Iterable<tf.Tensor>) => [...ts].reduce((n, t) => n + t.size * 4, 0);

/** Weights / gradients / AdamW state / activation peak of one step of `shape`, float32 or mixed precision. */
export async function measureStepMemory(shape: BenchShape, mixed: boolean, onKernel?: (kernel: string, bytes: number) => void): Promise<StepMemory> {
  const before = mixedPrecision();
  setMixedPrecision(mixed);
  const model = randomModel(shape, 1);
  const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0.01));
  const scaler = new GradScaler();
  const batch = randomBatch(shape, 2);
  const opts = { lr: 1e-4, maxGradNorm: 1, seed: 1 };
  const step = async () => {
    const r = mixed ? await scaledTrainStep(model, optimizer, batch, opts, scaler) : trainStep(model, optimizer, batch, opts);
    await r.loss.data();
    tf.dispose([r.loss, r.gradNorm]);
    return r;
  };
  try {
    await step(); // creates the AdamW moments
    const weights = bytesOf(model.params.values());
    const optimizerState = [...optimizer.state().values()].reduce((n, s) => n + bytesOf([s.m, s.v]), 0);
    const gradients = weights;
    const baseBuffers = liveBufferBytes();
    const baseTensors = tf.memory().numBytes;
    let profilePeak = 0;
    const traced = await tracePeak(async () => {
      const info = await tf.profile(async () => {
        await step();
        return [] as tf.Tensor[];
      });
      profilePeak = info.peakBytes;
    }, onKernel);
    return {
      mixedPrecision: mixed,
      weights,
      gradients,
      optimizerState,
      activationPeak: traced.peak - baseBuffers - gradients,
      forwardPeak: traced.forwardPeak - baseBuffers,
      profileActivationPeak: profilePeak - baseTensors - gradients,
      peakAt: { kernel: traced.kernel, position: traced.index / Math.max(1, traced.count) },
    };
  } finally {
    tf.dispose([batch.inputs.inputIds, batch.inputs.attentionMask, batch.labels.labels!]);
    optimizer.dispose();
    model.dispose();
    setMixedPrecision(before);
  }
}

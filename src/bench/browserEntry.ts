/** What `npm run bench` calls inside the page (and scripts/device/ calls in Node through Dawn). */
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, useWebGpu } from '../engine/backend';
import { clearChoices, setKernelMode, type KernelMode } from '../engine/kernels/select';
import { autotuneModel } from '../engine/tuning';
import { measureStepMemory, type StepMemory } from './activationBytes';
import { BENCH_SHAPES, benchStep, profileStep, type BenchShape } from './stepBench';

export { describeAdapter };

function shapeOf(shapeName: string, overrides: Partial<BenchShape>): BenchShape {
  if (!BENCH_SHAPES[shapeName]) throw new Error(`unknown bench shape ${shapeName} (known: ${Object.keys(BENCH_SHAPES).join(', ')})`);
  return { ...BENCH_SHAPES[shapeName], ...overrides };
}

/**
 * One training-step benchmark. On 'webgpu', `kernels` picks the kernel family: 'tfjs' is the plain TF.js ops
 * (the bench's "plain" column), 'auto' measures every variant at this shape first (fresh, not from the cache)
 * and keeps the faster, 'flat' / 'workgroup' force one.
 */
export async function runStepBench(
  backend: 'webgpu' | 'cpu',
  kernels: KernelMode,
  shapeName: string,
  overrides: Partial<BenchShape>,
  warmup: number,
  steps: number,
) {
  const shape = shapeOf(shapeName, overrides);
  setKernelMode(kernels);
  clearChoices();
  if (backend === 'webgpu') await useWebGpu();
  else {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  const tune = backend === 'webgpu' && kernels === 'auto';
  return benchStep(shape, warmup, steps, tune ? { prepare: async (model) => void (await autotuneModel(model, shape.batch, [shape.seq], { fresh: true })) } : {});
}

/** Weights / gradients / AdamW state / activation peak of one step of `shapeName`, float32 or mixed precision. */
export async function runStepMemory(shapeName: string, overrides: Partial<BenchShape>, kernels: KernelMode, mixed: boolean): Promise<StepMemory> {
  const shape = shapeOf(shapeName, overrides);
  setKernelMode(kernels);
  clearChoices();
  await useWebGpu();
  return measureStepMemory(shape, mixed);
}

/** Kernel names and counts of one WebGPU step of `shapeName` in mode `kernels` (untuned defaults in auto). */
export async function runStepProfile(shapeName: string, overrides: Partial<BenchShape>, kernels: KernelMode = 'auto'): Promise<string> {
  await useWebGpu();
  setKernelMode(kernels);
  clearChoices();
  return profileStep(shapeOf(shapeName, overrides));
}
export { runMatmulBench, type MatmulBenchRow, type MatmulBenchOptions } from './matmulBench';

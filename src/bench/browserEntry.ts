/** What `npm run bench` calls inside the page. */
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, useWebGpu } from '../engine/backend';
import { setKernelMode } from '../engine/kernels/select';
import { BENCH_SHAPES, benchStep, profileStep, type BenchShape } from './stepBench';

export { describeAdapter };

/** backend 'webgpu-plain': WebGPU with our fused kernels switched off (TF.js's own ops only). */
export async function runStepBench(
  backend: 'webgpu' | 'webgpu-plain' | 'cpu',
  shapeName: string,
  overrides: Partial<BenchShape>,
  warmup: number,
  steps: number,
) {
  setKernelMode(backend === 'webgpu-plain' ? 'tfjs' : 'auto');
  if (backend !== 'cpu') await useWebGpu();
  else {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  const shape = { ...BENCH_SHAPES[shapeName], ...overrides };
  if (!BENCH_SHAPES[shapeName]) throw new Error(`unknown bench shape ${shapeName}`);
  return benchStep(shape, warmup, steps);
}

/** Kernel names and counts of one WebGPU step of `shapeName`. */
export async function runStepProfile(shapeName: string, overrides: Partial<BenchShape>): Promise<string> {
  await useWebGpu();
  setKernelMode('auto');
  if (!BENCH_SHAPES[shapeName]) throw new Error(`unknown bench shape ${shapeName}`);
  return profileStep({ ...BENCH_SHAPES[shapeName], ...overrides });
}

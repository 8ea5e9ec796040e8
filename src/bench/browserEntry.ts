/** What `npm run bench` calls inside the page. */
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, useWebGpu } from '../engine/backend';
import { BENCH_SHAPES, benchStep, type BenchShape } from './stepBench';

export { describeAdapter };

export async function runStepBench(
  backend: 'webgpu' | 'cpu',
  shapeName: string,
  overrides: Partial<BenchShape>,
  warmup: number,
  steps: number,
) {
  if (backend === 'webgpu') await useWebGpu();
  else {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  const shape = { ...BENCH_SHAPES[shapeName], ...overrides };
  if (!BENCH_SHAPES[shapeName]) throw new Error(`unknown bench shape ${shapeName}`);
  return benchStep(shape, warmup, steps);
}

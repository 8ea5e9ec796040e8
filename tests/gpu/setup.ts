import * as tf from '@tensorflow/tfjs';
import { useWebGpu } from '../../src/engine/backend';

/** Every GPU test runs on real WebGPU; this fails loudly instead of falling back to the CPU. */
export async function webgpu(): Promise<void> {
  await useWebGpu();
  if (tf.getBackend() !== 'webgpu') throw new Error(`expected webgpu backend, got ${tf.getBackend()}`);
}

export const FIXTURES = '/tests/fixtures/hf-reference';

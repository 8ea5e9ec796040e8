/** What the parity CLI calls inside the page: WebGPU on, then one case folder served at `baseUrl`. */
import * as tf from '@tensorflow/tfjs';
import { useWebGpu } from '../engine/backend';
import { clearChoices, setKernelMode, type KernelMode } from '../engine/kernels/select';
import { urlSource } from '../hub/source';
import { runParityCase, type CaseReport } from './runCase';

export async function runCaseOnWebGpu(
  baseUrl: string,
  name: string,
  kernels: KernelMode = 'auto',
  mixedPrecision = false,
): Promise<CaseReport & { backend: string; numTensors: number }> {
  setKernelMode(kernels);
  clearChoices();
  await useWebGpu();
  const report = await runParityCase(urlSource(baseUrl, name), name, { mixedPrecision });
  return { ...report, backend: tf.getBackend(), numTensors: tf.memory().numTensors };
}

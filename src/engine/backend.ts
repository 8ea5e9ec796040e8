/** Selects TF.js's WebGPU backend and describes the adapter; the one place the app asks for a GPU. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { trackReads } from './kernels/direct';
import { setSoftwareAdapter } from './kernels/select';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  shaderF16: boolean;
  /** A CPU implementation (SwiftShader, llvmpipe, WARP): the untuned kernel defaults differ (kernels/select.ts). */
  software: boolean;
  limits: Record<string, number>;
}

export const WEBGPU_HELP =
  'WebGPU is not available in this browser. Use Chrome or Edge 113+ on Windows, macOS or ChromeOS ' +
  '(Chrome 121+ on Android); on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan, ' +
  'or enable chrome://flags/#enable-unsafe-webgpu. Safari 26+ and Firefox 141+ (Windows) also ship WebGPU.';

const LIMIT_KEYS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function describeAdapter(): Promise<AdapterReport | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) limits[k] = Number(adapter.limits[k]);
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const description = info?.description ?? '';
  const fallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  return {
    vendor,
    architecture,
    description,
    shaderF16: adapter.features.has('shader-f16'),
    software: fallback || SOFTWARE.test(`${vendor} ${architecture} ${description}`),
    limits,
  };
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

let inUse: Promise<AdapterReport | null> | null = null;

/** The adapter TF.js trains on, asked for once per worker (every run start and parity case used to ask again). */
function adapterInUse(): Promise<AdapterReport | null> {
  inUse ??= describeAdapter();
  return inUse;
}

/** The limits of the adapter in use (maxBufferSize, …), null without one. */
export async function adapterLimits(): Promise<Record<string, number> | null> {
  return (await adapterInUse())?.limits ?? null;
}

/** A stable name of the adapter in use, the key of the autotuner's cache: `vendor|architecture|description`. */
export async function adapterId(): Promise<string> {
  const a = await adapterInUse();
  return a ? `${a.vendor}|${a.architecture}|${a.description}` : 'unknown';
}

/** Switches TF.js to WebGPU or throws with instructions; never silently falls back to the CPU. */
export async function useWebGpu(): Promise<void> {
  if (!(globalThis.navigator as Navigator | undefined)?.gpu) throw new Error(WEBGPU_HELP);
  const ok = await tf.setBackend('webgpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(WEBGPU_HELP);
  const backend = tf.backend() as WebGPUBackend;
  trackReads(backend); // before any read: in-place updates must know of reads in flight
  watchDevice(backend.device);
  const adapter = await adapterInUse();
  setSoftwareAdapter(adapter?.software ?? true);
}

const lostDevices = new WeakSet<GPUDevice>();
function watchDevice(device: GPUDevice): void {
  void device.lost.then(() => lostDevices.add(device));
}

/** Whether the GPUDevice TF.js is using now has been lost (driver reset, GPU process crash, `destroy()`). */
export function webGpuDeviceLost(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  return lostDevices.has((tf.backend() as WebGPUBackend).device);
}

/**
 * After a device loss: drops TF.js's WebGPU backend (every tensor on it is gone) and registers a fresh one on a
 * new adapter and device, with the descriptor tfjs-backend-webgpu's own factory uses (base.ts), then selects it.
 */
export async function resetWebGpu(): Promise<void> {
  try {
    tf.removeBackend('webgpu');
  } catch {
    /* disposing buffers of a lost device may throw; the backend is dropped either way */
  }
  tf.registerBackend('webgpu', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance' });
    if (!adapter) throw new Error('no WebGPU adapter after the device was lost');
    const features: GPUFeatureName[] = [];
    if (adapter.features.has('timestamp-query')) features.push('timestamp-query');
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: features,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    });
    return new WebGPUBackend(device, adapter.info);
  }, 3);
  await useWebGpu();
}

/**
 * WebGPU in Node, without a browser: Dawn's Node bindings (the `webgpu` package) put `navigator.gpu` and the
 * GPU* classes on globalThis, and TF.js's WebGPU backend runs on them unchanged. Dawn reaches the GPU through
 * Vulkan on Linux, so a machine needs the Vulkan loader (libvulkan.so.1) and a driver's ICD manifest; the
 * error below names both, because a missing one shows up only as "no adapter".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { create, globals } from 'webgpu';

export interface NodeAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  subgroupMinSize: number | null;
  subgroupMaxSize: number | null;
  features: string[];
  limits: Record<string, number>;
}

// The limits that bound our kernels' shapes (workgroup sizes, shared memory, buffer sizes).
const LIMIT_KEYS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** What we can see of the Vulkan setup, for the no-adapter message. */
function vulkanDiagnosis(): string {
  const libDirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LOADER_DIRS];
  const loader = libDirs.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
  const named = [process.env.VK_DRIVER_FILES, process.env.VK_ICD_FILENAMES].filter(Boolean).join(':');
  const icds = named
    ? named.split(':').map((p) => `${p}${existsSync(p) ? '' : ' (missing)'}`)
    : ICD_DIRS.filter((d) => existsSync(d)).map((d) => `${d}/`);
  return [
    `  Vulkan loader libvulkan.so.1: ${loader ?? `not found in LD_LIBRARY_PATH or ${LOADER_DIRS.join(', ')}`}`,
    `  driver manifests (${named ? 'VK_DRIVER_FILES / VK_ICD_FILENAMES' : 'default folders'}): ${icds.join(', ') || 'none'}`,
  ].join('\n');
}

export const NO_ADAPTER_HELP =
  'Dawn found no WebGPU adapter. On Linux it needs the Vulkan loader libvulkan.so.1 (Debian: libvulkan1; ' +
  'or point LD_LIBRARY_PATH at a folder holding it) and a Vulkan driver manifest, found in /usr/share/vulkan/icd.d ' +
  'or named by VK_DRIVER_FILES (VK_ICD_FILENAMES for older loaders): NVIDIA ships nvidia_icd.json (in containers ' +
  'often /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json); without a GPU, Chromium\'s SwiftShader works: ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium.';

/**
 * Installs Dawn's WebGPU on globalThis (GPU* classes, GPUBufferUsage, ..., `navigator.gpu`) and returns the
 * adapter TF.js will also get (it asks for high-performance). `dawnOptions` go to Dawn as `key=value` toggles.
 */
export async function setupNodeWebGpu(dawnOptions: string[] = []): Promise<GPUAdapter> {
  Object.assign(globalThis, globals);
  const gpu = create(dawnOptions);
  // Node 21+ has a navigator of its own (a getter on globalThis), Node 20 none: define, don't assign.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`${NO_ADAPTER_HELP}\n${vulkanDiagnosis()}`);
  return adapter;
}

export function describeNodeAdapter(adapter: GPUAdapter): NodeAdapterReport {
  // isFallbackAdapter and the subgroup sizes moved onto GPUAdapterInfo; Dawn has them there.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean; subgroupMinSize?: number; subgroupMaxSize?: number };
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) limits[k] = Number(adapter.limits[k]);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    subgroupMinSize: info.subgroupMinSize ?? null,
    subgroupMaxSize: info.subgroupMaxSize ?? null,
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

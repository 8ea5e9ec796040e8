/**
 * A dispatch outside TF.js's program system, for the one thing that system cannot express: a kernel that
 * writes several existing buffers in place. TF.js programs have one output and bind every input read-only,
 * so AdamW as a program is three dispatches (p', m', v') into three new buffers that then replace the old
 * ones: 3 dispatches per parameter and, for a moment, a second copy of the parameters and both moments (the
 * step's memory peak). Written in place it is one dispatch and no allocation.
 *
 * The dispatch goes into TF.js's own command encoder and open compute pass, so it is ordered with every
 * kernel before and after it exactly as a program would be, and counts toward TF.js's submit batching.
 * Tensors it writes must own their buffer alone (refCount 1: not a clone's, whose value would change too) and
 * have no read in flight (TF.js caches what a read returns on the tensor once it resolves, so a read issued
 * before the write but resolved after it would leave the old values as the tensor's); `writableInPlace` says
 * whether both hold. Their CPU copy, which TF.js keeps after a finished read, is dropped.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** The members of TF.js 4.22's WebGPUBackend this file uses (private in its typings). */
interface BackendInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { values: unknown; refCount: number; resource?: unknown } };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  makeUniforms(uniforms: { type: string; data: number[] }[]): GPUBufferBinding;
  refCount(dataId: object): number;
}

const internals = (backend: WebGPUBackend) => backend as unknown as BackendInternals;

/**
 * Reads in flight per buffer, counted by a wrapper around the backend's `read`, installed once per backend
 * (by useWebGpu, so from the first read on; writableInPlace installs it too where useWebGpu was not used).
 */
const readsInFlight = new WeakMap<object, number>();
const tracked = new WeakSet<object>();

export function trackReads(backend: WebGPUBackend): void {
  if (tracked.has(backend)) return;
  tracked.add(backend);
  const read = backend.read.bind(backend);
  backend.read = async (dataId: object) => {
    readsInFlight.set(dataId, (readsInFlight.get(dataId) ?? 0) + 1);
    try {
      return await read(dataId);
    } finally {
      readsInFlight.set(dataId, readsInFlight.get(dataId)! - 1);
    }
  };
}

/** One binding: a tensor's whole buffer, written (read_write) or only read. */
export interface DirectBinding {
  tensor: tf.TensorInfo;
  write: boolean;
}

export interface DirectDispatch {
  /** Cache key of the pipeline: the WGSL must be a function of it alone. */
  key: string;
  /** The whole WGSL module; bindings 0..n−1 are `bindings` in order, binding n the uniform struct. */
  wgsl: () => string;
  bindings: DirectBinding[];
  /** Values of the uniform struct, in declaration order (TF.js's uniform layout: 4-byte scalars packed). */
  uniforms: { type: 'int32' | 'uint32' | 'float32'; data: number[] }[];
  /**
   * Workgroups. Past the device's per-dimension limit the grid folds into y: the shader's linear workgroup
   * index is then wg.y · nwg.x + wg.x (workgroup_id, num_workgroups), and the last row may run past the end.
   */
  workgroups: number;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function pipeline(device: GPUDevice, spec: DirectDispatch): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  let p = cache.get(spec.key);
  if (!p) {
    const module = device.createShaderModule({ code: spec.wgsl(), label: spec.key });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: spec.key });
    cache.set(spec.key, p);
  }
  return p;
}

/** Whether `t` may be written in place: its buffer is shared with no other tensor (no clone, no view) and no read of it is in flight. */
export function writableInPlace(t: tf.TensorInfo): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = tf.backend() as WebGPUBackend;
  trackReads(backend);
  return internals(backend).refCount(t.dataId) === 1 && !readsInFlight.get(t.dataId);
}

/** Records `spec` into TF.js's current compute pass (after every kernel already issued, before every later one). */
export function dispatchDirect(spec: DirectDispatch): void {
  const b = internals(tf.backend() as WebGPUBackend);
  for (const { tensor, write } of spec.bindings) {
    if (write && !writableInPlace(tensor)) throw new Error(`${spec.key}: a written buffer is shared or being read`);
    b.uploadToGPU(tensor.dataId);
  }
  const entries: GPUBindGroupEntry[] = spec.bindings.map(({ tensor }, i) => {
    const data = b.tensorMap.get(tensor.dataId);
    b.commandQueueOwnedIds.add(tensor.dataId); // a dispose before the submit waits for it, as for programs
    return { binding: i, resource: { buffer: data.resource as GPUBuffer } };
  });
  entries.push({ binding: spec.bindings.length, resource: b.makeUniforms(spec.uniforms) });
  const p = pipeline(b.device, spec);
  const bindGroup = b.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });

  const maxX = b.device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(Math.max(1, spec.workgroups), maxX);
  const y = Math.ceil(Math.max(1, spec.workgroups) / x);
  b.ensureCommandEncoderReady();
  if (!b.computePassEncoder) b.computePassEncoder = b.commandEncoder!.beginComputePass();
  b.computePassEncoder.setPipeline(p);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(x, y, 1);
  b.dispatchCountInPass++;
  if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  // TF.js keeps a tensor's values on the CPU once read; they are stale now.
  for (const { tensor, write } of spec.bindings) if (write) b.tensorMap.get(tensor.dataId).values = null;
}

/**
 * The frame shared by our small WGSL programs: a 1-D grid of `threads` invocations over flat float32
 * buffers, no workgroup memory and no barriers.
 *
 * Why barrier-free: every TF.js reduction, softmax, 2-D transpose and matmul on WebGPU shares data through
 * workgroup memory with workgroupBarrier(). On a real GPU that is the fast path; on a software adapter
 * (SwiftShader, what CI and GPU-less machines run) each barrier costs a fibre switch per invocation, and
 * a 512×32 row sum takes ~30 ms against ~0.5 ms for an element-wise op. The rows a BERT step reduces are
 * short (H ≤ 1024 features, T ≤ 512 keys), so one invocation per row is also reasonable on a real GPU, and
 * it replaces many dispatches with one or two. Long columns (Σ over B·T rows) are split into row chunks
 * (columnSum.ts) so a real GPU still gets thousands of invocations.
 *
 * Every input is bound as a rank-1 view and every size is a uniform, because tfjs keys compiled pipelines
 * by the ranks and dtypes of the inputs: one pipeline per program, whatever the shapes.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export { useFused } from './select.ts';

export interface Uniform {
  type: 'int32' | 'uint32' | 'float32';
  data: number[];
}

export interface ProgramSpec {
  /** Pipeline cache key; the WGSL must be a function of it alone. */
  key: string;
  /** Names of the input buffers, bound in order as `array<f32>` (or `array<i32>` for int32 tensors). */
  inputs: string[];
  /** Extra uniform fields, e.g. 'rows : i32, cols : i32,'. Values are passed in the same order. */
  uniforms: string;
  /** Elements of the flat output. */
  outputSize: number;
  /** Invocations; `main(index)` runs for index in [0, threads) (guard with your own bound). */
  threads: number;
  /**
   * Invocations per workgroup (default 64). Workgroup-cooperative programs set it and make `threads` a
   * multiple of it: the workgroup is then `index / workgroupSize` (valid when tfjs folds a dispatch past
   * 65535 workgroups into 2-D), the lane `localIndex`; they declare their own `var<workgroup>` arrays and
   * must reach every workgroupBarrier() in uniform control flow (no early return on the index).
   */
  workgroupSize?: number;
  /** WGSL of `fn main(index : i32) { ... }`; `result` is the output buffer. */
  main: string;
  /**
   * Per input, 4 to bind it as `array<vec4<f32>>` (its length a multiple of 4; index it in vec4s), else 1.
   * The workgroup row programs read rows of a multiple of 4 features this way: one 16-byte load per lane.
   */
  inputComponents?: number[];
}

export class FlatProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms: string;
  workgroupSize: [number, number, number] = [64, 1, 1];
  variableComponents?: number[];
  private readonly code: string;

  constructor(spec: ProgramSpec) {
    this.outputShape = [spec.outputSize];
    this.shaderKey = spec.key;
    this.variableNames = spec.inputs;
    this.uniforms = spec.uniforms;
    this.code = spec.main;
    if (spec.workgroupSize) this.workgroupSize = [spec.workgroupSize, 1, 1];
    if (spec.inputComponents) this.variableComponents = spec.inputComponents;
    // tfjs folds this into 2-D/3-D past 65535 workgroups; `index` is then rebuilt by getGlobalIndex().
    this.dispatch = [Math.max(1, Math.ceil(spec.threads / this.workgroupSize[0])), 1, 1];
  }

  getUserCode(): string {
    return this.code;
  }
}

/** A rank-1 view of a tensor's buffer (no copy). */
export function flat(t: tf.TensorInfo): tf.TensorInfo {
  return { dataId: t.dataId, shape: [tf.util.sizeFromShape(t.shape)], dtype: t.dtype };
}

/** Runs `spec` over rank-1 views of `inputs`; the result is given `shape` (dense row-major, so free). */
export function run(
  backend: WebGPUBackend,
  spec: ProgramSpec,
  inputs: tf.TensorInfo[],
  uniforms: Uniform[],
  shape: number[],
  output?: tf.TensorInfo,
): tf.TensorInfo {
  const out = backend.runWebGPUProgram(new FlatProgram(spec), inputs.map(flat), 'float32', uniforms, output);
  return { dataId: out.dataId, shape, dtype: 'float32' };
}

/** One uniform per value, in declaration order (tfjs aligns each scalar field on its own). */
export const ints = (...values: number[]): Uniform[] => values.map((v) => ({ type: 'int32', data: [v] }));
export const floats = (...values: number[]): Uniform[] => values.map((v) => ({ type: 'float32', data: [v] }));

/** Registers a kernel for 'webgpu' once, under a name no other backend uses. */
export function registerWebGpuKernel(name: string, kernelFunc: (args: { inputs: tf.NamedTensorInfoMap; backend: WebGPUBackend; attrs: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (tf.getKernel(name, 'webgpu') == null) {
    tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

/** Runs a registered kernel through the engine (which creates, tracks and tidies its outputs). */
export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs);
  return Array.isArray(out) ? out : [out];
}

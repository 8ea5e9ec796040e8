import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { PCG_HASH_WGSL } from './hash.ts';

/**
 * y[i] = x[i] * (hash(seed, i) >= threshold ? scale : 0), over a flat float32 view of x (any rank).
 *
 * The caller always passes a rank-1 view, because tfjs appends the input/output ranks to shaderKey:
 * flattening gives one pipeline for every shape and rank. seed, threshold and scale are uniforms for
 * the same reason, so new seeds, rates and sizes never recompile.
 *
 * Multiplying by 0 (rather than `select(0, x * scale, keep)`) keeps torch's semantics: a NaN or Inf
 * in a dropped element still propagates, so dropout does not hide a diverging activation.
 */
export class DropoutProgram implements WebGPUProgram {
  outputShape: number[];
  // tfjs overwrites this with makeShaderKey(): 'dropout_pcg' + workgroup + ranks + dtypes.
  shaderKey = 'dropout_pcg';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['X'];
  // Declared after tfjs's own uniforms; the order must match the data passed in dropout.ts.
  uniforms = 'seedKey : u32, threshold : u32, scale : f32,';
  workgroupSize: [number, number, number] = [128, 1, 1];
  // Adds `uniforms.size` (an i32 element count), which guards the tail of the last workgroup.
  size = true;

  constructor(size: number) {
    this.outputShape = [size];
    this.dispatchLayout = { x: [0] };
    // tfjs re-folds this into 2-D/3-D when it exceeds maxComputeWorkgroupsPerDimension (65535, i.e.
    // > 8.4M elements); `index` below is then rebuilt from workgroup_id by tfjs's getGlobalIndex().
    this.dispatch = [Math.ceil(size / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    return `
      ${PCG_HASH_WGSL}

      fn main(index : i32) {
        if (index < uniforms.size) {
          let bits = pcgHash(pcgHash(u32(index)) ^ uniforms.seedKey);
          let keepScale = select(0.0, uniforms.scale, bits >= uniforms.threshold);
          result[index] = X[index] * keepScale;
        }
      }
    `;
  }
}

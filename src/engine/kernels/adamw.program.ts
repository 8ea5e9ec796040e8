import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * Which tensor one dispatch of AdamWProgram writes. A program has one output, so a step is three
 * dispatches of the same pipeline over the same inputs; each recomputes only what its output needs.
 */
export const ADAMW_PART = { param: 0, expAvg: 1, expAvgSq: 2 } as const;
export type AdamWPart = (typeof ADAMW_PART)[keyof typeof ADAMW_PART];

/**
 * One element of torch.optim.AdamW (amsgrad off) over flat float32 views of p, g, m, v (any rank), with g the
 * gradient times GradScale[0] (clip_grad_norm_'s factor, computed on the GPU, so clipping costs no dispatch
 * and no copy per parameter):
 *   m' = β1·m + (1−β1)·g
 *   v' = β2·v + (1−β2)·g²
 *   p' = p·decay − stepSize · m' / (sqrt(v')·invSqrtBc2 + eps)
 * with decay = 1 − lr·wd, stepSize = lr/(1−β1^k), invSqrtBc2 = 1/sqrt(1−β2^k), computed in float64 on
 * the CPU (see adamw.ts). The uniform `part` picks the output: p' (reads p, g, m, v), m' (reads g, m)
 * or v' (reads g, v). The arithmetic and its order are those of the plain-op reference, term for term.
 *
 * Every input is written as a rank-1 view and every scalar is a uniform because tfjs appends ranks,
 * dtypes and "input shape == output shape" flags to shaderKey: so all parameters, steps, learning
 * rates and the three parts share one compiled pipeline per element type. Sizes that are a multiple
 * of 4 (nearly every parameter of a BERT model) run `adamw_vec4`, each invocation doing 4 elements with
 * vec4 loads, as tfjs's own element-wise ops do: one element per invocation ran slower than the 14
 * separate vec4 ops it replaces on SwiftShader. Other sizes (say a 3-label classifier bias) run the
 * scalar `adamw`; a buffer of 4k+r floats cannot be bound as vec4s.
 */
export class AdamWProgram implements WebGPUProgram {
  outputShape: number[];
  // tfjs appends workgroup + ranks + dtypes + names + flags (makeShaderKey) but not outputComponent,
  // hence the vec4 variant's own name.
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  // torch's names for the optimizer state; tfjs also derives uniforms (paramShape, …) from them.
  variableNames = ['Param', 'Grad', 'ExpAvg', 'ExpAvgSq', 'GradScale'];
  // GradScale is one float (the clip factor, with mixed precision's unscaling folded in): a scalar binding.
  variableComponents: number[];
  // Declared after tfjs's own uniforms; the order must match programUniforms() in adamw.ts.
  uniforms =
    'part : i32, decay : f32, stepSize : f32, beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, ' +
    'oneMinusBeta2 : f32, eps : f32, invSqrtBc2 : f32,';
  workgroupSize: [number, number, number] = [128, 1, 1];
  // Adds `uniforms.size` (the count of f32 or vec4 elements), which guards the last workgroup's tail.
  size = true;
  // 4: tfjs declares result and every input as array<vec4<f32>> and divides `size` by 4.
  outputComponent: number;

  constructor(size: number) {
    this.outputShape = [size];
    this.outputComponent = size % 4 === 0 ? 4 : 1;
    this.shaderKey = this.outputComponent === 4 ? 'adamw_vec4_scaled' : 'adamw_scaled';
    this.variableComponents = [this.outputComponent, this.outputComponent, this.outputComponent, this.outputComponent, 1];
    this.dispatchLayout = { x: [0] };
    // tfjs re-folds this into 2-D/3-D past 65535 workgroups (> 8.4M scalar or 33.5M vec4 elements, e.g.
    // XLM-R's 250002×768 word embedding); `index` is then rebuilt from workgroup_id by getGlobalIndex().
    this.dispatch = [Math.ceil(size / this.outputComponent / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    const T = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    return `
      // clip_grad_norm_'s g·coef, rounded to f32 as its own multiply would be (no copy of the gradient).
      fn grad(index : i32) -> ${T} {
        return Grad[index] * GradScale[0];
      }

      fn expAvgNext(index : i32) -> ${T} {
        return ExpAvg[index] * uniforms.beta1 + grad(index) * uniforms.oneMinusBeta1;
      }

      fn expAvgSqNext(index : i32) -> ${T} {
        let g = grad(index);
        return ExpAvgSq[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
      }

      fn main(index : i32) {
        if (index < uniforms.size) {
          if (uniforms.part == ${ADAMW_PART.expAvg}) {
            result[index] = expAvgNext(index);
          } else if (uniforms.part == ${ADAMW_PART.expAvgSq}) {
            result[index] = expAvgSqNext(index);
          } else {
            let denom = sqrt(expAvgSqNext(index)) * uniforms.invSqrtBc2 + uniforms.eps;
            result[index] = Param[index] * uniforms.decay - uniforms.stepSize * (expAvgNext(index) / denom);
          }
        }
      }
    `;
  }
}

/** Invocations per workgroup of the in-place update. */
export const ADAMW_IN_PLACE_WORKGROUP = 128;

/**
 * The same element of AdamW written in place (engine/kernels/direct.ts): p, m and v are read_write bindings
 * updated by one invocation, so a step is one dispatch per parameter and allocates nothing. Identical
 * arithmetic, in the same order, as AdamWProgram and the plain-op reference. `vec4`: 4 elements per
 * invocation (sizes that are a multiple of 4).
 */
export function adamwInPlaceWgsl(vec4: boolean): string {
  const T = vec4 ? 'vec4<f32>' : 'f32';
  return `
    struct Uniforms {
      size : u32, decay : f32, stepSize : f32, beta1 : f32, oneMinusBeta1 : f32,
      beta2 : f32, oneMinusBeta2 : f32, eps : f32, invSqrtBc2 : f32,
    };
    @group(0) @binding(0) var<storage, read_write> Param : array<${T}>;
    @group(0) @binding(1) var<storage, read_write> ExpAvg : array<${T}>;
    @group(0) @binding(2) var<storage, read_write> ExpAvgSq : array<${T}>;
    @group(0) @binding(3) var<storage, read> Grad : array<${T}>;
    @group(0) @binding(4) var<storage, read> GradScale : array<f32>;
    @group(0) @binding(5) var<uniform> uniforms : Uniforms;

    @compute @workgroup_size(${ADAMW_IN_PLACE_WORKGROUP})
    fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
            @builtin(local_invocation_index) lane : u32) {
      let index = (wg.y * nwg.x + wg.x) * ${ADAMW_IN_PLACE_WORKGROUP}u + lane;
      if (index >= uniforms.size) { return; }
      let g = Grad[index] * GradScale[0];
      let m = ExpAvg[index] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
      let v = ExpAvgSq[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
      let denom = sqrt(v) * uniforms.invSqrtBc2 + uniforms.eps;
      Param[index] = Param[index] * uniforms.decay - uniforms.stepSize * (m / denom);
      ExpAvg[index] = m;
      ExpAvgSq[index] = v;
    }
  `;
}

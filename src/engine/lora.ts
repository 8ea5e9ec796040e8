/**
 * LoRA (Hu et al. 2021, as PEFT implements it) on the model's Linear weights: W_eff = W + (alpha/r)·B·A with
 * A [r, in] kaiming-uniform, B [out, r] zeros, so training starts from the base model exactly. The forward uses
 * the merged weight (the model swaps it in for W), base weights stay frozen, and export writes W_eff.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from './names';
import { rng } from './random';

export interface LoraOptions {
  rank: number;
  alpha: number;
  /** Last part of the module name: `query` matches `bert.encoder.layer.0.attention.self.query`. */
  targetModules: readonly string[];
  seed: number;
}

interface Factor {
  /** [r, in] */
  a: tf.Variable;
  /** [out, r] */
  b: tf.Variable;
}

/** Linear weights (HF name `<module>.weight`, 2-D) whose module's last name part is a target. */
export function loraTargetWeights(specs: readonly ParamSpec[], modules: readonly string[]): string[] {
  const wanted = new Set(modules);
  return specs
    .filter((s) => s.shape.length === 2 && s.init === 'normal' && s.name.endsWith('.weight'))
    .filter((s) => wanted.has(s.name.slice(0, -'.weight'.length).split('.').pop()!))
    .map((s) => s.name);
}

let nextAdapterId = 0;

export class LoraAdapter {
  /** Base weight name → factors. */
  private readonly factors = new Map<string, Factor>();
  /** Trainable variables by name: `<module>.lora_A.weight`, `<module>.lora_B.weight` (PEFT's names). */
  readonly variables = new Map<string, tf.Variable>();
  readonly scale: number;

  private readonly uid = nextAdapterId++;

  constructor(specs: readonly ParamSpec[], opts: LoraOptions) {
    const targets = loraTargetWeights(specs, opts.targetModules);
    if (targets.length === 0) {
      const linears = [...new Set(specs.filter((s) => s.shape.length === 2 && s.init === 'normal').map((s) => s.name.split('.').slice(-2, -1)[0]))];
      throw new Error(`LoRA: no Linear module matches ${JSON.stringify(opts.targetModules)}; this model has ${linears.join(', ')}`);
    }
    this.scale = opts.alpha / opts.rank;
    const random = rng(opts.seed ^ 0x10ea);
    const bySpec = new Map(specs.map((s) => [s.name, s]));
    for (const name of targets) {
      const [out, inp] = bySpec.get(name)!.shape;
      // PEFT: kaiming_uniform_(A, a=√5) → U(-1/√in, 1/√in); B = 0.
      const bound = 1 / Math.sqrt(inp);
      const a = new Float32Array(opts.rank * inp).map(() => (2 * random() - 1) * bound);
      const module = name.slice(0, -'.weight'.length);
      // TF.js variable names are global: a per-adapter id keeps two LoRA models from colliding, and tidy
      // releases the initial tensors so each variable alone owns its buffer.
      const f: Factor = tf.tidy(() => ({
        a: tf.variable(tf.tensor2d(a, [opts.rank, inp]), true, `lora${this.uid}/${module}.lora_A.weight`),
        b: tf.variable(tf.zeros([out, opts.rank]), true, `lora${this.uid}/${module}.lora_B.weight`),
      }));
      this.factors.set(name, f);
      this.variables.set(`${module}.lora_A.weight`, f.a);
      this.variables.set(`${module}.lora_B.weight`, f.b);
    }
  }

  get targets(): string[] {
    return [...this.factors.keys()];
  }

  /** The parameter view the forward pass reads: targeted weights replaced by W + s·B·A (differentiable). */
  effectiveParams(params: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>(params);
    for (const [name, { a, b }] of this.factors) {
      out.set(name, tf.add(params.get(name)!, tf.mul(tf.matMul(b, a), this.scale)));
    }
    return out;
  }

  /** Factor values, for checkpoints that keep adapters unmerged. */
  async read(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.variables) out.set(name, (await v.data()) as Float32Array);
    return out;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.factors.clear();
  }
}

/**
 * The encoder's building blocks as ONNX ops, mirroring engine/layers.ts. Activations stay 2-D, [F, H] with
 * F = B*T, like the engine, so every Linear is one Gemm that reads HF's [out, in] weight as it is stored
 * (transB = 1): no transposed copy of any weight, and the tied decoder reads the embedding matrix itself.
 */
import type { Activation } from '../../engine/config';
import type { GraphBuilder } from './graph';

/** x [F, in] · W[out, in]ᵀ + b → [F, out], W and b the HF Linear `name`. */
export function linear(g: GraphBuilder, x: string, name: string): string {
  return linearWith(g, x, g.weight(`${name}.weight`), g.weight(`${name}.bias`));
}

export function linearWith(g: GraphBuilder, x: string, weight: string, bias: string): string {
  return g.op('Gemm', [x, weight, bias], { attrs: { transB: 1 } });
}

/** torch.nn.LayerNorm over the last axis (biased variance): LayerNormalization, opset 17. */
export function layerNorm(g: GraphBuilder, x: string, name: string, eps: number): string {
  return g.op('LayerNormalization', [x, g.weight(`${name}.weight`), g.weight(`${name}.bias`)], {
    attrs: { axis: -1, epsilon: { float: eps } },
  });
}

/**
 * HF's activations: `gelu` is the exact erf form 0.5·x·(1 + erf(x/√2)) (transformers' GELUActivation),
 * `gelu_new` the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export function activate(g: GraphBuilder, x: string, kind: Activation): string {
  switch (kind) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'gelu': {
      const erf = g.op('Erf', [g.op('Div', [x, g.floats([Math.SQRT2], [])])]);
      return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.floats([1], [])])]), g.floats([0.5], [])]);
    }
    case 'gelu_new': {
      const cube = g.op('Mul', [g.floats([0.044715], []), g.op('Pow', [x, g.floats([3], [])])]);
      const inner = g.op('Mul', [g.floats([Math.sqrt(2 / Math.PI)], []), g.op('Add', [x, cube])]);
      const half = g.op('Mul', [g.floats([0.5], []), x]);
      return g.op('Mul', [half, g.op('Add', [g.floats([1], []), g.op('Tanh', [inner])])]);
    }
  }
}

/** Reshapes x to [B, T, ...rest], `bt` the int64 [2] tensor holding B and T (Shape of input_ids). */
export function toBatchTime(g: GraphBuilder, x: string, bt: string, rest: number[]): string {
  const shape = g.op('Concat', [bt, g.ints(rest)], { attrs: { axis: 0 } });
  return g.op('Reshape', [x, shape]);
}

/** Flattens [B, T, ...] to [B*T, last]. */
export function flatten(g: GraphBuilder, x: string, last: number): string {
  return g.op('Reshape', [x, g.ints([-1, last])]);
}

/**
 * The encoder's building blocks as ONNX ops, mirroring engine/layers.ts. Activations stay 2-D, [F, H] with
 * F = B*T, like the engine, so every Linear is one Gemm that reads HF's [out, in] weight as it is stored
 * (transB = 1): no transposed copy of any weight, and the tied decoder reads the embedding matrix itself.
 */
import type { Activation } from '../../engine/config';
import type { GraphBuilder } from './graph';
import { DataType } from './proto';

/** x [F, in] · W[out, in]ᵀ + b → [F, out], W and b the HF Linear `name`. */
export function linear(g: GraphBuilder, x: string, name: string): string {
  return linearWith(g, x, `${name}.weight`, `${name}.bias`);
}

/** Zero point of the 8-bit weights: symmetric int8 values stored as uint8 (see linearWith). */
export const WEIGHT_ZERO_POINT = 128;

/**
 * The same with the tensors named (the tied decoder: the word-embedding matrix and the head's bias). Quantized
 * (model_quantized.onnx): x goes through DynamicQuantizeLinear (uint8, per tensor), W is stored transposed as
 * uint8 with zero point 128 and one scale per output channel, and the int32 product is scaled back per column:
 * y = float(MatMulInteger(x_q, W_q)) · (s_x · s_W) + b. uint8 × uint8 is the pairing ORT's CPU kernels run
 * without the int16 saturation of uint8 × int8 on CPUs without VNNI.
 */
export function linearWith(g: GraphBuilder, x: string, weight: string, bias: string): string {
  if (!g.quantize) return g.op('Gemm', [x, g.weight(weight), g.weight(bias)], { attrs: { transB: 1 } });
  const w = g.quantizedWeight(weight);
  const [xq, xScale, xZero] = g.opMulti('DynamicQuantizeLinear', [x], 3);
  const product = g.op('MatMulInteger', [xq, w.q, xZero, g.bytes([WEIGHT_ZERO_POINT], [])]);
  const scaled = g.op('Mul', [g.op('Cast', [product], { attrs: { to: DataType.FLOAT } }), g.op('Mul', [xScale, w.scale])]);
  return g.op('Add', [scaled, g.weight(bias)]);
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

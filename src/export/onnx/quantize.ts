/**
 * 8-bit weights for model_quantized.onnx: each output channel (row of HF's [out, in] weight) gets its own scale
 * max|row| / 127, values round(w / scale) in [-127, 127] stored as uint8 with zero point 128, transposed to
 * [in, out] because MatMulInteger has no transB. Symmetric, so the zero point is one constant for all channels.
 */
import { WEIGHT_ZERO_POINT } from './ops';

export function quantizeTransposed(w: Float32Array, out: number, inp: number): { q: Uint8Array; scales: Float32Array } {
  if (w.length !== out * inp) throw new Error(`quantize: ${w.length} values for [${out}, ${inp}]`);
  const scales = new Float32Array(out);
  const q = new Uint8Array(out * inp);
  for (let o = 0; o < out; o++) {
    let max = 0;
    for (let i = 0; i < inp; i++) max = Math.max(max, Math.abs(w[o * inp + i]));
    // An all-zero row: any scale gives zeros; 1 keeps the product finite.
    const scale = max > 0 ? max / 127 : 1;
    scales[o] = scale;
    for (let i = 0; i < inp; i++) q[i * out + o] = Math.round(w[o * inp + i] / scale) + WEIGHT_ZERO_POINT;
  }
  return { q, scales };
}

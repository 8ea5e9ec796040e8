/**
 * Zeroes one row of a [rows, cols] float32 tensor in place: the gradient of an embedding's padding row, which
 * torch's nn.Embedding(padding_idx) never updates. Multiplying by a 0/1 row mask instead makes a second copy of
 * the whole table gradient (30522 × 768 floats for BERT-base's word embedding) while the first is still alive:
 * that copy was the largest allocation of a mixed-precision step. One direct dispatch of `cols` invocations
 * (direct.ts); where the tensor cannot be written in place (its buffer is shared, a read is in flight, kernel
 * mode 'tfjs', another backend) the caller keeps the mask product.
 */
import * as tf from '@tensorflow/tfjs';
import { dispatchDirect, writableInPlace } from './direct.ts';
import { useFused } from './select.ts';

const WORKGROUP = 64;

const wgsl = () => `
  struct Uniforms { row : u32, cols : u32, };
  @group(0) @binding(0) var<storage, read_write> X : array<f32>;
  @group(0) @binding(1) var<uniform> uniforms : Uniforms;

  @compute @workgroup_size(${WORKGROUP})
  fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    if (id.x < uniforms.cols) { X[uniforms.row * uniforms.cols + id.x] = 0.0; }
  }
`;

/** x[row, :] = 0 in place for x [rows, cols] float32; false (x untouched) where that is not possible. */
export function zeroRowInPlace(x: tf.Tensor2D, row: number): boolean {
  const [rows, cols] = x.shape;
  if (!(Number.isInteger(row) && row >= 0 && row < rows)) throw new Error(`zeroRowInPlace: row ${row} outside [0, ${rows})`);
  if (x.dtype !== 'float32' || !useFused() || !writableInPlace(x)) return false;
  dispatchDirect({
    key: 'studio_zero_row',
    wgsl,
    bindings: [{ tensor: x, write: true }],
    uniforms: [{ type: 'uint32', data: [row] }, { type: 'uint32', data: [cols] }],
    workgroups: Math.ceil(cols / WORKGROUP),
  });
  return true;
}

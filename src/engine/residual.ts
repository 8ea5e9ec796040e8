/**
 * a + b for a residual connection (both [F, H]), with a gradient that saves nothing. TF.js's Add saves both
 * inputs for its backward pass (only for their shapes, to undo broadcasting, which a residual never has), so
 * every layer's input and sublayer output stayed alive until the backward pass ended although the gradient is
 * just (dy, dy). In mixed precision that f32 layer input is otherwise only held as packed f16 (linearHalf.ts).
 */
import * as tf from '@tensorflow/tfjs';

export function residualAdd<T extends tf.Tensor>(a: T, b: T): T {
  if (!tf.util.arraysEqual(a.shape, b.shape)) throw new Error(`residualAdd: shapes ${a.shape} and ${b.shape} differ (no broadcasting)`);
  const op = tf.customGrad((x, y) => ({
    value: tf.add(x as tf.Tensor, y as tf.Tensor),
    // Two tensors (sharing dy's buffer), not dy twice: each input's gradient can then be disposed on its own.
    gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.clone(dy)],
  }));
  return op(a, b) as T;
}

/**
 * releaseDuringBackward (src/engine/backwardRelease.ts): the same gradients as TF.js's own backward pass, fewer
 * bytes alive while it runs, nothing left behind. The graph has what the bookkeeping must get right: fan-out
 * (a tensor read by several ops: gradients added), a custom gradient that returns its dy itself as an input's
 * gradient (one object in two slots), saved inputs and outputs, and a variable read twice.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { releaseDuringBackward } from '../../../src/engine/backwardRelease';
import { random } from '../kernels/helpers';
import { webgpu } from '../setup';

beforeAll(webgpu);

/** a + b whose gradient for a is dy itself (as matmulGrad's residual). */
const passThrough = tf.customGrad((a, b) => ({
  value: tf.add(a as tf.Tensor, b as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [dy, tf.mul(dy, 2)],
}));

/** Identity whose gradient records the bytes alive when the backward pass reaches the start of the graph. */
function probe(x: tf.Tensor, seen: number[]): tf.Tensor {
  return tf.customGrad((a) => ({
    value: tf.mul(a as tf.Tensor, 1),
    gradFunc: (dy: tf.Tensor) => {
      seen.push(tf.memory().numBytes);
      return tf.mul(dy, 1);
    },
  }))(x);
}

function lossAndGrads(w: tf.Variable, v: tf.Variable, x: tf.Tensor, release: boolean, seen: number[]) {
  return tf.variableGrads(() => {
    let h = probe(tf.mul(x, w), seen);
    for (let i = 0; i < 6; i++) {
      const a = tf.tanh(tf.mul(h, v)); // saves its output; h and v read twice below
      h = passThrough(tf.sigmoid(tf.add(a, h)), tf.mul(h, w)) as tf.Tensor;
    }
    const loss = tf.sum(tf.square(h)) as tf.Scalar;
    if (release) releaseDuringBackward();
    return loss;
  }, [w, v]);
}

test('same gradients as TF.js, fewer bytes alive during backward, no tensor left behind', async () => {
  const x = random([256, 256], 1);
  const w = tf.variable(random([256, 256], 2, 0.5), true, 'w');
  const v = tf.variable(random([256], 3), true, 'v');
  const seen: number[] = [];
  const run = async (release: boolean) => {
    const before = tf.memory().numTensors;
    const { value, grads } = lossAndGrads(w, v, x, release, seen);
    const out = { loss: (await value.data())[0], w: await grads.w.data(), v: await grads.v.data() };
    tf.dispose([value, grads.w, grads.v]);
    expect(tf.memory().numTensors).toBe(before);
    return out;
  };
  const plain = await run(false);
  const released = await run(true);
  expect(released.loss).toBe(plain.loss);
  expect(released.w).toEqual(plain.w);
  expect(released.v).toEqual(plain.v);
  // Seven [256, 256] float32 gradients and their ops' saved tensors no longer wait for the end.
  const [plainBytes, releasedBytes] = seen;
  expect(releasedBytes).toBeLessThan(plainBytes - 10 * 256 * 256 * 4);
  tf.dispose([x, w, v]);
});

test('inside tf.grads of tf.grads (gradient depth 2) it does nothing', async () => {
  const x = tf.scalar(3);
  const d2 = tf.grad((a: tf.Tensor) => tf.grad((b: tf.Tensor) => {
    releaseDuringBackward();
    return tf.mul(tf.mul(b, b), b);
  })(a))(x);
  expect((await d2.data())[0]).toBeCloseTo(18, 4); // d²(x³)/dx² = 6x
  tf.dispose([x, d2]);
});

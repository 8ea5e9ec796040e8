/** residualAdd (src/engine/residual.ts): a + b whose gradient (dy, dy) keeps no input alive for the backward pass. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { residualAdd } from '../../../src/engine/residual';
import { random } from '../kernels/helpers';
import { webgpu } from '../setup';

beforeAll(webgpu);

/** The tensors the last tape node saved for its gradient (TF.js 4.22 engine internals, read only). */
function savedByLastNode(): number {
  const tape = (tf.engine() as unknown as { state: { activeTape: { saved?: tf.Tensor[] }[] } }).state.activeTape;
  return tape[tape.length - 1].saved?.length ?? 0;
}

test('value a + b, gradients dy and dy, nothing saved (TF.js Add saves both inputs)', async () => {
  const [a, b, dy] = [random([5, 7], 1), random([5, 7], 2), random([5, 7], 3)];
  const saved: Record<string, number> = {};
  const gradsOf = (add: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, name: string) =>
    tf.grads((x: tf.Tensor, y: tf.Tensor) => {
      const s = add(tf.mul(x, 2), y);
      saved[name] = savedByLastNode();
      return tf.sum(tf.mul(s, dy));
    })([a, b]);
  const ours = gradsOf(residualAdd, 'ours');
  const plain = gradsOf(tf.add, 'plain');
  expect(saved).toEqual({ ours: 0, plain: 2 });
  for (let i = 0; i < 2; i++) expect(await ours[i].data()).toEqual(await plain[i].data());
  expect(await residualAdd(a, b).data()).toEqual(await tf.add(a, b).data());
  expect(() => residualAdd(a, random([7], 4))).toThrow(/differ/);
  tf.dispose([a, b, dy, ...ours, ...plain]);
});

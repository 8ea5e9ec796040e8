import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { setKernelMode } from '../../../src/engine/kernels/select.ts';
import { zeroRowInPlace } from '../../../src/engine/kernels/zeroRow.ts';
import { webgpu } from '../setup.ts';
import { random } from './helpers.ts';

// The padding row of an embedding gradient, zeroed in place (direct.ts) instead of by a mask product.

beforeAll(webgpu);
afterEach(() => setKernelMode('auto'));

test.each([[7, 5, 0], [7, 5, 6], [300, 67, 123]])('[%i, %i], row %i: that row is 0, every other bit unchanged, same buffer', async (rows, cols, row) => {
  const x = random([rows, cols], rows + row) as tf.Tensor2D;
  const before = (await x.data()).slice();
  const id = x.dataId;
  expect(zeroRowInPlace(x, row)).toBe(true);
  expect(x.dataId).toBe(id);
  const after = await x.data();
  const expected = before.map((v, i) => (Math.floor(i / cols) === row ? 0 : v));
  expect(after).toEqual(expected);
  x.dispose();
});

test('refuses a shared buffer and kernel mode tfjs; rejects a row outside the table', async () => {
  const x = random([4, 3], 1) as tf.Tensor2D;
  const before = await x.data();
  const clone = tf.clone(x);
  expect(zeroRowInPlace(x, 1)).toBe(false);
  clone.dispose();
  setKernelMode('tfjs');
  expect(zeroRowInPlace(x, 1)).toBe(false);
  expect(await x.data()).toEqual(before);
  expect(() => zeroRowInPlace(x, 4)).toThrow(/row 4/);
  x.dispose();
});

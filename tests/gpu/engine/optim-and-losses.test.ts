import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { binaryCrossEntropyWithLogits, crossEntropy, spanLoss } from '../../../src/engine/losses';
import { normal, rng } from '../../../src/engine/random';
import { AdamW, clipByGlobalNorm } from '../../../src/train/adamw';
import { webgpu } from '../setup';

beforeAll(webgpu);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
};

describe('AdamW', () => {
  test('three steps equal torch.optim.AdamW written out in float64, decay per group', async () => {
    const r = rng(7);
    const init = { w: normal(12, 1, r), b: normal(4, 1, r) };
    const grads = [0, 1, 2].map(() => ({ w: normal(12, 0.1, r), b: normal(4, 0.1, r) }));
    const lrs = [1e-3, 5e-4, 2e-3];
    const params = new Map([
      ['w', tf.variable(tf.tensor1d(init.w))],
      ['b', tf.variable(tf.tensor1d(init.b))],
    ]);
    const opt = new AdamW(params, new Map([['w', 0.1], ['b', 0]]));
    for (let s = 0; s < 3; s++) {
      const g = new Map([['w', tf.tensor1d(grads[s].w)], ['b', tf.tensor1d(grads[s].b)]]);
      opt.apply(g, lrs[s]);
      tf.dispose([...g.values()]);
    }
    // Reference, straight from the torch docs.
    for (const [name, wd] of [['w', 0.1], ['b', 0]] as const) {
      const p = Array.from(init[name]);
      const m = p.map(() => 0);
      const v = p.map(() => 0);
      for (let s = 0; s < 3; s++) {
        const k = s + 1;
        for (let i = 0; i < p.length; i++) {
          const g = grads[s][name][i];
          p[i] *= 1 - lrs[s] * wd;
          m[i] = 0.9 * m[i] + 0.1 * g;
          v[i] = 0.999 * v[i] + 0.001 * g * g;
          p[i] -= (lrs[s] / (1 - 0.9 ** k)) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** k) + 1e-8));
        }
      }
      close(await params.get(name)!.data(), p, 2e-6);
    }
    opt.dispose();
    params.forEach((p) => p.dispose());
  });

  test('clipping returns the pre-clip norm and scales every gradient by max/(norm+1e-6)', async () => {
    // 12 tensors: more than WebGPU's storage-buffer limit per shader, which breaks tf.addN.
    const r = rng(3);
    const raw = Array.from({ length: 12 }, () => normal(5, 1, r));
    const grads = new Map(raw.map((g, i) => [`g${i}`, tf.tensor1d(g)]));
    const norm = Math.sqrt(raw.flatMap((g) => Array.from(g)).reduce((s, x) => s + x * x, 0));
    const clipped = clipByGlobalNorm(grads, 1);
    expect((await clipped.norm.data())[0]).toBeCloseTo(norm, 4);
    const scale = 1 / (norm + 1e-6);
    for (let i = 0; i < raw.length; i++) close(await clipped.grads.get(`g${i}`)!.data(), Array.from(raw[i], (x) => x * scale), 1e-5);
    const loose = clipByGlobalNorm(grads, 1e9); // above the norm: unchanged
    close(await loose.grads.get('g0')!.data(), raw[0], 1e-7);
    tf.dispose([...grads.values(), ...clipped.grads.values(), clipped.norm, ...loose.grads.values(), loose.norm]);
  });
});

describe('losses', () => {
  const logits = [
    [2.0, -1.0, 0.5],
    [0.1, 0.2, 3.0],
    [-1.0, 1.5, 0.0],
    [0.3, 0.3, 0.3],
  ];
  const labels = [0, 2, 1, -100];
  const logSoftmax = (row: number[]) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    return row.map((x) => x - lse);
  };

  test('cross entropy: ignore_index, class weights (torch weighted mean), label smoothing (Trainer)', async () => {
    const weights = [1, 2, 0.5];
    const rows = labels.map((y, i) => ({ y, lp: logSoftmax(logits[i]) })).filter((r) => r.y !== -100);
    const plain = rows.reduce((s, r) => s - r.lp[r.y], 0) / rows.length;
    const weighted = rows.reduce((s, r) => s - weights[r.y] * r.lp[r.y], 0) / rows.reduce((s, r) => s + weights[r.y], 0);
    const smooth = rows.reduce((s, r) => s - r.lp.reduce((a, b) => a + b, 0) / 3, 0) / rows.length;
    const x = tf.tensor2d(logits);
    const y = tf.tensor1d(labels, 'int32');
    expect((await crossEntropy(x, y).data())[0]).toBeCloseTo(plain, 5);
    expect((await crossEntropy(x, y, { classWeights: tf.tensor1d(weights) }).data())[0]).toBeCloseTo(weighted, 5);
    expect((await crossEntropy(x, y, { labelSmoothing: 0.1 }).data())[0]).toBeCloseTo(0.9 * plain + 0.1 * smooth, 5);
  });

  test('BCE with logits and pos_weight equals torch.nn.BCEWithLogitsLoss', async () => {
    const x = [[3.0, -2.0], [-40.0, 40.0]];
    const t = [[1, 0], [1, 1]];
    const pw = [2.0, 0.5];
    const logSig = (z: number) => -Math.log1p(Math.exp(-z));
    let plain = 0;
    let weighted = 0;
    for (let i = 0; i < 2; i++)
      for (let c = 0; c < 2; c++) {
        const [z, y] = [x[i][c], t[i][c]];
        plain += -(y * logSig(z) + (1 - y) * logSig(-z));
        weighted += -(pw[c] * y * logSig(z) + (1 - y) * logSig(-z));
      }
    expect((await binaryCrossEntropyWithLogits(tf.tensor2d(x), tf.tensor2d(t)).data())[0]).toBeCloseTo(plain / 4, 5);
    expect((await binaryCrossEntropyWithLogits(tf.tensor2d(x), tf.tensor2d(t), tf.tensor1d(pw)).data())[0]).toBeCloseTo(weighted / 4, 5);
  });

  test('QA span loss clamps positions to T and ignores them', async () => {
    const start = tf.tensor2d([[1, 2, 3], [0, 0, 5]]);
    const end = tf.tensor2d([[3, 2, 1], [1, 1, 1]]);
    // Row 1's positions (7 → clamped to T=3) are ignored: only row 0 counts.
    const loss = spanLoss(start, end, tf.tensor1d([2, 7], 'int32'), tf.tensor1d([0, 7], 'int32'));
    const expected = (-logSoftmax([1, 2, 3])[2] - logSoftmax([3, 2, 1])[0]) / 2;
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
  });
});

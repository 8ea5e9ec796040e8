/**
 * Attention with the heads folded into our matmul's indexing (attentionProducts.ts) against the plain path
 * (three linears, [B, T, N, D] transposes, tf.matMul): scores, context, fused Q/K/V, values and gradients,
 * then whole encoders (BERT and DistilBERT, padded batch, T = 1) in mode tfjs against mode flat.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initialValue } from '../../../src/engine/checkpoint.ts';
import { parseEncoderConfig, type HfConfig } from '../../../src/engine/config.ts';
import { encode } from '../../../src/engine/encoder.ts';
import { attentionContext, attentionScores, foldedAttention, fusedQkv } from '../../../src/engine/kernels/attentionProducts.ts';
import { roundHalfArray } from '../../../src/engine/kernels/half.ts';
import { withMixedPrecision } from '../../../src/engine/kernels/precision.ts';
import { setChoice, clearChoices, setKernelMode } from '../../../src/engine/kernels/select.ts';
import { DropoutContext } from '../../../src/engine/layers.ts';
import { encoderSpecs } from '../../../src/engine/names.ts';
import { rng } from '../../../src/engine/random.ts';
import { webgpu } from '../setup.ts';
import { compare, kernelsOf, random, relError } from './helpers.ts';

beforeAll(async () => {
  await webgpu();
  setKernelMode('flat');
});
afterAll(() => setKernelMode('auto'));

/** Block j of qkv [F, 3H] split into heads: [B·N, T, D]. */
function headsOf(qkv: tf.Tensor, B: number, N: number, j: number): tf.Tensor3D {
  const [F, H3] = qkv.shape as [number, number];
  const H = H3 / 3;
  const T = F / B;
  const x = tf.slice(qkv, [0, j * H], [F, H]);
  return tf.reshape(tf.transpose(tf.reshape(x, [B, T, N, H / N]), [0, 2, 1, 3]), [B * N, T, H / N]);
}

function scoresReference(qkv: tf.Tensor, B: number, N: number, alpha: number): tf.Tensor {
  const T = qkv.shape[0] / B;
  return tf.reshape(tf.mul(tf.matMul(headsOf(qkv, B, N, 0), headsOf(qkv, B, N, 1), false, true), alpha), [B, N, T, T]);
}

function contextReference(probs: tf.Tensor, qkv: tf.Tensor, N: number): tf.Tensor {
  const [B, , T] = probs.shape;
  const H = qkv.shape[1]! / 3;
  const ctx = tf.matMul(tf.reshape(probs, [B * N, T, T]), headsOf(qkv, B, N, 2));
  return tf.reshape(tf.transpose(tf.reshape(ctx, [B, N, T, H / N]), [0, 2, 1, 3]), [B * T, H]);
}

/** [B, T, N, D]: D = 4 and 8 take the vec4 paths, D = 5 the scalar ones; T = 1 is a single token. */
const SHAPES = [
  [2, 7, 3, 5],
  [2, 9, 2, 8],
  [3, 1, 2, 4],
  [1, 17, 4, 4],
];

describe('attention products with folded heads', () => {
  test.each(SHAPES)('scores, context, and both chained (B %i, T %i, N %i, D %i)', async (B, T, N, D) => {
    const H = N * D;
    const qkv = random([B * T, 3 * H], B + T + N + D);
    const probs = tf.softmax(random([B, N, T, T], 2, 3));
    for (const alpha of [1, 0.25]) {
      const s = await compare((q) => attentionScores(q as tf.Tensor2D, B, N, alpha), (q) => scoresReference(q, B, N, alpha), [qkv], 3);
      expect(s.value).toBeLessThan(1e-6);
      expect(s.grads[0]).toBeLessThan(1e-5);
    }
    const c = await compare((p, q) => attentionContext(p as tf.Tensor4D, q as tf.Tensor2D, N), (p, q) => contextReference(p, q, N), [probs, qkv], 4);
    expect(c.value).toBeLessThan(1e-6);
    for (const e of c.grads) expect(e).toBeLessThan(1e-5);
    // qkv feeds both products: the tape adds the dQ/dK and dV buffers.
    const chained = await compare(
      (q) => attentionContext(tf.softmax(attentionScores(q as tf.Tensor2D, B, N, 0.5)) as tf.Tensor4D, q as tf.Tensor2D, N),
      (q) => contextReference(tf.softmax(scoresReference(q, B, N, 0.5)), q, N),
      [qkv],
      5,
    );
    expect(chained.value).toBeLessThan(1e-6);
    expect(chained.grads[0]).toBeLessThan(1e-5);
    tf.dispose([qkv, probs]);
  });

  test.each([
    [37, 19, 15],
    [20, 16, 16],
    [1, 8, 4],
  ])('fusedQkv: one dispatch, values and all seven gradients (F %i, in %i, H %i)', async (F, Hin, H) => {
    const x = random([F, Hin], 10);
    const ws = [11, 12, 13].map((s) => random([H, Hin], s));
    const bs = [14, 15, 16].map((s) => random([H], s));
    const r = await compare(
      (xx, wq, wk, wv, bq, bk, bv) => fusedQkv(xx as tf.Tensor2D, [wq, wk, wv], [bq, bk, bv]),
      (xx, wq, wk, wv, bq, bk, bv) => tf.concat([tf.add(tf.matMul(xx, wq, false, true), bq), tf.add(tf.matMul(xx, wk, false, true), bk), tf.add(tf.matMul(xx, wv, false, true), bv)], 1),
      [x, ...ws, ...bs],
      17,
    );
    expect(r.value).toBeLessThan(1e-6);
    for (const e of r.grads) expect(e).toBeLessThan(1e-5);
    const kernels = await kernelsOf(() => fusedQkv(x as tf.Tensor2D, ws as [tf.Tensor, tf.Tensor, tf.Tensor], bs as [tf.Tensor, tf.Tensor, tf.Tensor]));
    expect(kernels.filter((k) => k !== '')).toEqual(['StudioFusedQkv']);
    tf.dispose([x, ...ws, ...bs]);
  });
});

function randomEncoder(hf: HfConfig, seed: number) {
  const cfg = parseEncoderConfig(hf);
  const random = rng(seed);
  const specs = encoderSpecs(cfg);
  const values = specs.map((s) => tf.tensor(initialValue(s, 0.2, random), s.shape));
  return { cfg, names: specs.map((s) => s.name), values };
}

const BERT: HfConfig = { model_type: 'bert', vocab_size: 50, hidden_size: 12, num_hidden_layers: 2, num_attention_heads: 3, intermediate_size: 20, max_position_embeddings: 32, type_vocab_size: 2, hidden_act: 'gelu' };
const DISTIL: HfConfig = { model_type: 'distilbert', vocab_size: 50, dim: 15, n_layers: 2, n_heads: 3, hidden_dim: 20, max_position_embeddings: 32, activation: 'gelu' };

describe('whole encoders: folded attention (mode flat) against the plain path (mode tfjs)', () => {
  test.each([
    ['bert', BERT, 2, 7],
    ['distilbert', DISTIL, 2, 6],
    ['bert, T = 1', BERT, 3, 1],
  ] as const)('%s: last hidden state, attention probabilities and every parameter gradient', async (_, hf, B, T) => {
    const { cfg, names, values } = randomEncoder(hf, 21);
    const ids = tf.tensor2d(Int32Array.from({ length: B * T }, (_, i) => 2 + ((i * 7) % 45)), [B, T], 'int32');
    const mask = tf.tensor2d(Int32Array.from({ length: B * T }, (_, i) => (i % T < T - (i < T ? 0 : Math.min(2, T - 1)) ? 1 : 0)), [B, T], 'int32');
    const run = (mode: 'tfjs' | 'flat') => {
      setKernelMode(mode);
      const dy = random([B * T, cfg.hiddenSize], 22);
      const f = (...ps: tf.Tensor[]) => {
        const out = encode(cfg, new Map(names.map((n, i) => [n, ps[i]])), { inputIds: ids, attentionMask: mask }, { dropout: new DropoutContext(false, 0) });
        return tf.sum(tf.mul(out.last, dy));
      };
      const grads = tf.grads(f)(values);
      const out = encode(cfg, new Map(names.map((n, i) => [n, values[i]])), { inputIds: ids, attentionMask: mask }, { dropout: new DropoutContext(false, 0), outputAttentions: true });
      return { last: out.last, attentions: out.attentions!, grads };
    };
    const plain = run('tfjs');
    const folded = run('flat');
    expect(await relError(folded.last, plain.last)).toBeLessThan(1e-5);
    for (let l = 0; l < cfg.numLayers; l++) {
      expect(folded.attentions[l].shape).toEqual([B, cfg.numHeads, T, T]);
      expect(await relError(folded.attentions[l], plain.attentions[l])).toBeLessThan(1e-5);
    }
    // K's bias has a zero gradient (softmax ignores a per-row constant): both sides are rounding noise there,
    // so each gradient is held to 1e-4 of its own size or 1e-6 of the largest.
    const scales = await Promise.all(plain.grads.map(async (g) => tf.max(tf.abs(g)).data().then((d) => d[0])));
    const largest = Math.max(...scales);
    for (let i = 0; i < names.length; i++) {
      const diff = (await tf.max(tf.abs(tf.sub(folded.grads[i], plain.grads[i]))).data())[0];
      expect(diff, names[i]).toBeLessThan(1e-4 * scales[i] + 1e-6 * largest);
    }
    setKernelMode('flat');
  });
});

test('the folded path runs when our kernel is picked for both products (in mixed precision too), not in mode tfjs', () => {
  setKernelMode('flat');
  expect(foldedAttention(8, 128, 4, 64)).toBe(true);
  expect(withMixedPrecision(true, () => foldedAttention(8, 128, 4, 64))).toBe(true);
  setKernelMode('auto');
  setChoice('matmul.AB', '32x128x128x64', 'tfjs');
  expect(foldedAttention(8, 128, 4, 64)).toBe(false);
  clearChoices();
  setKernelMode('tfjs');
  expect(foldedAttention(8, 128, 4, 64)).toBe(false);
  setKernelMode('flat');
});

/** x with every value already an f16 value, so the f16 rounding of an input changes nothing. */
const halfExact = async (x: tf.Tensor) => tf.tensor(roundHalfArray(await x.data()), x.shape);

describe('mixed precision: f16-rounded operands, packed f16 saved', () => {
  // With f16-exact inputs the products equal float32's; the gradients differ only by the f16 rounding of dy
  // (relative 2⁻¹¹ per element), the bias gradients (float32 dy) not at all.
  test('fusedQkv (F 37, in 19, H 15): values, gradients, and x saved packed', async () => {
    const x = await halfExact(random([37, 19], 30));
    const ws = await Promise.all([31, 32, 33].map((s) => halfExact(random([15, 19], s))));
    const bs = [34, 35, 36].map((s) => random([15], s));
    const qkv = (...a: tf.Tensor[]) => fusedQkv(a[0] as tf.Tensor2D, [a[1], a[2], a[3]], [a[4], a[5], a[6]]);
    const r = await compare((...a) => withMixedPrecision(true, () => qkv(...a)), qkv, [x, ...ws, ...bs], 37);
    expect(r.value).toBeLessThan(1e-6);
    for (const e of r.grads.slice(0, 4)) {
      expect(e).toBeGreaterThan(0); // dy was rounded
      expect(e).toBeLessThan(2e-3);
    }
    for (const e of r.grads.slice(4)) expect(e).toBeLessThan(1e-6);
    // Inputs that are not f16 values are rounded: the same as rounding them first. (A fresh x: the packed
    // copy of one buffer is made once, and tf.grads above has made x's.)
    const xr = random([37, 19], 38);
    const kernels = await kernelsOf(() => withMixedPrecision(true, () => qkv(xr, ...ws, ...bs)));
    expect(kernels.filter((k) => k !== '')).toEqual(['StudioHalfPack', 'StudioHalfRound', 'StudioHalfUnpack', 'StudioFusedQkv']);
    const [a, b] = [withMixedPrecision(true, () => qkv(xr, ...ws, ...bs)), qkv(await halfExact(xr), ...ws, ...bs)];
    expect(await relError(a, b)).toBeLessThan(1e-6);
    tf.dispose([x, ...ws, ...bs, xr, a, b]);
  });

  test('scores and context chained (B 2, T 9, N 2, D 8): values and the qkv gradient', async () => {
    const [B, N] = [2, 2];
    const qkv = await halfExact(random([18, 48], 40));
    const chain = (q: tf.Tensor) => attentionContext(tf.softmax(attentionScores(q as tf.Tensor2D, B, N, 0.5)) as tf.Tensor4D, q as tf.Tensor2D, N);
    const mixed = (q: tf.Tensor) => withMixedPrecision(true, () => chain(q));
    // Values: P·V on the f16-rounded probabilities, exactly what float32 computes from rounded ones.
    const probs = await halfExact(tf.softmax(attentionScores(qkv as tf.Tensor2D, B, N, 0.5)));
    const [m, e] = [mixed(qkv), attentionContext(probs as tf.Tensor4D, qkv as tf.Tensor2D, N)];
    expect(await relError(m, e)).toBeLessThan(1e-6);
    // Against float32: the probabilities and dy rounded to f16 (relative 2⁻¹¹ each).
    const r = await compare(mixed, chain, [qkv], 41);
    expect(r.value).toBeGreaterThan(0);
    expect(r.value).toBeLessThan(2e-3);
    expect(r.grads[0]).toBeLessThan(5e-3);
    tf.dispose([qkv, probs, m, e]);
  });
});

describe('whole encoders in mixed precision: folded attention against the plain mixed path', () => {
  test.each([
    ['bert', BERT, 2, 7],
    ['distilbert', DISTIL, 2, 6],
  ] as const)('%s: last hidden state and every parameter gradient within f16 tolerances', async (_, hf, B, T) => {
    const { cfg, names, values } = randomEncoder(hf, 23);
    const ids = tf.tensor2d(Int32Array.from({ length: B * T }, (_, i) => 2 + ((i * 7) % 45)), [B, T], 'int32');
    const mask = tf.tensor2d(Int32Array.from({ length: B * T }, (_, i) => (i % T < T - (i < T ? 0 : 2) ? 1 : 0)), [B, T], 'int32');
    const dy = random([B * T, cfg.hiddenSize], 24);
    const run = (mode: 'tfjs' | 'flat') =>
      withMixedPrecision(true, () => {
        setKernelMode(mode);
        expect(foldedAttention(B, T, cfg.numHeads, cfg.hiddenSize / cfg.numHeads)).toBe(mode === 'flat');
        const encodeWith = (ps: tf.Tensor[]) => encode(cfg, new Map(names.map((n, i) => [n, ps[i]])), { inputIds: ids, attentionMask: mask }, { dropout: new DropoutContext(false, 0) }).last;
        const grads = tf.grads((...ps: tf.Tensor[]) => tf.sum(tf.mul(encodeWith(ps), dy)))(values);
        return { last: encodeWith(values), grads };
      });
    const plain = run('tfjs');
    const folded = run('flat');
    // MIXED_TOLERANCES' scale (src/parity/compare.ts): 1e-2 of the largest output, 3e-2 of each gradient's largest.
    expect(await relError(folded.last, plain.last)).toBeLessThan(1e-2);
    const scales = await Promise.all(plain.grads.map(async (g) => tf.max(tf.abs(g)).data().then((d) => d[0])));
    const largest = Math.max(...scales);
    for (let i = 0; i < names.length; i++) {
      const diff = (await tf.max(tf.abs(tf.sub(folded.grads[i], plain.grads[i]))).data())[0];
      expect(diff, names[i]).toBeLessThan(3e-2 * scales[i] + 3e-3 * largest);
    }
    setKernelMode('flat');
  });
});

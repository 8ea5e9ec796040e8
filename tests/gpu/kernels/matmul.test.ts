/**
 * Our matmul (matmul.program.ts) against tf.matMul and plain ops on real WebGPU: every form at odd and
 * multiple-of-4 sizes (scalar and vec4 loads, partial tiles), every register tile, batches with shared
 * operands, the epilogue (bias, alpha, GELU, residual), GELU's accuracy, gradients, and the selector.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { matmulForward, matmulReference, matmulTile, setMatmulTile } from '../../../src/engine/kernels/matmul.ts';
import { epilogueGelu, matmul } from '../../../src/engine/kernels/matmulGrad.ts';
import { linearOp } from '../../../src/engine/kernels/linear.ts';
import { clearChoices, setChoice, setKernelMode } from '../../../src/engine/kernels/select.ts';
import { webgpu } from '../setup.ts';
import { compare, kernelsOf, random, relError } from './helpers.ts';

beforeAll(async () => {
  await webgpu();
  setKernelMode('flat');
});

afterEach(() => {
  setKernelMode('flat'); // every matmul ours
  clearChoices();
});

const FORMS = ['AB', 'ABt', 'AtB'] as const;
const flags = (form: (typeof FORMS)[number]) => ({ transposeA: form === 'AtB', transposeB: form === 'ABt' });

/** Every size of {1, 3, 5, 17, 45, 64, 130} in every position; 64 and 1·4-multiples take the vec4 paths. */
const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 5, 3], [3, 17, 1], [5, 3, 45], [17, 64, 5], [45, 130, 17], [64, 1, 130], [130, 45, 64], [64, 64, 64], [1, 130, 1], [130, 3, 3], [64, 64, 1],
];

/** a, b of a form's stored shapes for the product [M, K] · [K, N] (with an optional leading batch). */
function operands(form: (typeof FORMS)[number], M: number, K: number, N: number, seed: number, batchA: number[] = [], batchB: number[] = []) {
  const { transposeA, transposeB } = flags(form);
  return [random([...batchA, ...(transposeA ? [K, M] : [M, K])], seed), random([...batchB, ...(transposeB ? [N, K] : [K, N])], seed + 1)];
}

describe('matmul forms against tf.matMul', () => {
  for (const form of FORMS) {
    test(`${form}: odd and multiple-of-4 sizes`, async () => {
      for (const [M, K, N] of SIZES) {
        const [a, b] = operands(form, M, K, N, M * 7 + K * 3 + N);
        const ours = matmulForward(a, b, flags(form));
        const plain = tf.matMul(a, b, flags(form).transposeA, flags(form).transposeB);
        expect(await relError(ours, plain), `${M}x${K}x${N}`).toBeLessThan(1e-6);
        tf.dispose([a, b, ours, plain]);
      }
    });
  }

  test('every register tile the bench tries (4×4, 8×4, 4×8, 8×8, 12×8, 8×16)', async () => {
    const before = matmulTile();
    try {
      for (const [tileM, tileN] of [[4, 4], [8, 4], [4, 8], [8, 8], [12, 8], [8, 16]]) {
        setMatmulTile({ tileM, tileN });
        for (const form of FORMS) {
          for (const [M, K, N] of [[17, 64, 45], [64, 5, 64], [3, 17, 130]]) {
            const [a, b] = operands(form, M, K, N, tileM + tileN + M);
            const ours = matmulForward(a, b, flags(form));
            const plain = tf.matMul(a, b, flags(form).transposeA, flags(form).transposeB);
            expect(await relError(ours, plain), `${tileM}x${tileN} ${form} ${M}x${K}x${N}`).toBeLessThan(1e-6);
            tf.dispose([a, b, ours, plain]);
          }
        }
      }
    } finally {
      setMatmulTile(before);
    }
  });

  test('batched: both operands, b shared (rank 2), a shared (rank 2)', async () => {
    for (const form of FORMS) {
      for (const [batchA, batchB] of [[[3], [3]], [[3], []], [[], [3]]]) {
        const [a, b] = operands(form, 17, 20, 9, 40, batchA, batchB);
        const ours = matmulForward(a, b, flags(form));
        const plain = matmulReference(a, b, flags(form));
        expect(ours.shape).toEqual([3, 17, 9]);
        expect(await relError(ours, plain), `${form} ${batchA} ${batchB}`).toBeLessThan(1e-6);
        tf.dispose([a, b, ours, plain]);
      }
    }
  });
});

describe('the epilogue', () => {
  test('bias, alpha, GELU and residual (fused, no tape) against plain ops', async () => {
    for (const form of FORMS) {
      for (const [M, K, N] of [[45, 17, 5], [64, 64, 64], [1, 3, 130]]) {
        const [a, b] = operands(form, M, K, N, 50 + M);
        const bias = random([N], 51);
        const residual = random([M, N], 52);
        for (const o of [{ bias }, { bias, activation: 'gelu' as const }, { residual }, { bias, activation: 'gelu' as const, residual, alpha: 0.125 }]) {
          const opts = { ...flags(form), ...o };
          const ours = matmul(a, b, opts); // no tape: one dispatch with the epilogue
          const plain = matmulReference(a, b, opts);
          expect(await relError(ours, plain), `${form} ${M}x${K}x${N} ${Object.keys(o)}`).toBeLessThan(2e-6);
          tf.dispose([ours, plain]);
        }
        tf.dispose([a, b, bias, residual]);
      }
    }
  });

  test('GELU is the exact erf form to float32 accuracy (tf.erf is 1.5e-7 absolute)', async () => {
    const xs = Float32Array.from({ length: 4001 }, (_, i) => -20 + i * 0.01);
    const ours = await epilogueGelu(tf.tensor1d(xs)).data();
    const tfjs = await matmulReference(tf.tensor2d(xs, [xs.length, 1]), tf.ones([1, 1]), { activation: 'gelu' }).data();
    let oursRel = 0;
    let oursAbs = 0;
    let tfjsAbs = 0;
    xs.forEach((x, i) => {
      const exact = geluExact(x);
      oursAbs = Math.max(oursAbs, Math.abs(ours[i] - exact));
      tfjsAbs = Math.max(tfjsAbs, Math.abs(tfjs[i] - exact));
      if (Math.abs(exact) > 1e-30) oursRel = Math.max(oursRel, Math.abs(ours[i] - exact) / Math.abs(exact));
    });
    expect(oursAbs).toBeLessThan(2.5e-6); // x up to 20: a few ulps of f32
    expect(oursAbs).toBeLessThanOrEqual(tfjsAbs);
    expect(oursRel).toBeLessThan(2e-5); // far left GELU is ~1e-80 · x: relative accuracy holds there too
  });
});

/** 0.5·x·(1 + erf(x/√2)) in float64: erf by its series near 0, erfc by its continued fraction beyond. */
function geluExact(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = z;
    for (let n = 60; n >= 1; n--) f = z + n / 2 / f;
    erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
  const phi = x < 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
  return x * phi;
}

describe('gradients through our kernel', () => {
  test('every form, with bias / GELU / residual, and operands shared over a batch', async () => {
    const cases = [
      { M: 17, K: 5, N: 45, batchA: [] as number[], batchB: [] as number[] },
      { M: 64, K: 64, N: 32, batchA: [], batchB: [] },
      { M: 9, K: 13, N: 7, batchA: [3], batchB: [3] },
      { M: 9, K: 13, N: 7, batchA: [3], batchB: [] },
      { M: 9, K: 12, N: 8, batchA: [], batchB: [2] },
    ];
    for (const form of FORMS) {
      for (const { M, K, N, batchA, batchB } of cases) {
        const [a, b] = operands(form, M, K, N, 60 + M + K, batchA, batchB);
        const outShape = batchA.length || batchB.length ? [...(batchA.length ? batchA : batchB), M, N] : [M, N];
        const bias = random([N], 61);
        const residual = random(outShape, 62);
        const label = `${form} ${M}x${K}x${N} batch ${batchA}/${batchB}`;
        const plain = await compare((x, y) => matmul(x, y, flags(form)), (x, y) => matmulReference(x, y, flags(form)), [a, b], 63);
        expect(plain.value, label).toBeLessThan(1e-6);
        for (const e of plain.grads) expect(e, label).toBeLessThan(1e-5);
        const full = await compare(
          (x, y, c, r) => matmul(x, y, { ...flags(form), bias: c, activation: 'gelu', residual: r, alpha: 0.5 }),
          (x, y, c, r) => matmulReference(x, y, { ...flags(form), bias: c, activation: 'gelu', residual: r, alpha: 0.5 }),
          [a, b, bias, residual],
          64,
        );
        expect(full.value, label).toBeLessThan(2e-6);
        for (const e of full.grads) expect(e, `${label} with epilogue`).toBeLessThan(1e-5);
        tf.dispose([a, b, bias, residual]);
      }
    }
  });

  test('linear: values and dx, dW, db, with and without GELU, through our kernel', async () => {
    for (const [F, inF, outF] of [[37, 19, 23], [64, 32, 48], [1, 5, 3]]) {
      const x = random([F, inF], 70);
      const w = random([outF, inF], 71);
      const b = random([outF], 72);
      for (const activation of [undefined, 'gelu' as const]) {
        const r = await compare(
          (p, q, c) => linearOp(p as tf.Tensor2D, q as tf.Tensor2D, c, activation),
          (p, q, c) => matmulReference(p, q, { transposeB: true, bias: c, activation }),
          [x, w, b],
          73,
        );
        expect(r.value).toBeLessThan(2e-6);
        for (const e of r.grads) expect(e, `${F}x${inF}x${outF} ${activation}`).toBeLessThan(1e-5);
      }
      tf.dispose([x, w, b]);
    }
  });
});

describe('the selector decides per op and shape', () => {
  test('mode flat runs ours; a tfjs choice for one shape, or mode tfjs, runs TF.js', async () => {
    const [a, b] = operands('ABt', 33, 16, 20, 80);
    setKernelMode('flat');
    expect(await kernelsOf(() => matmulForward(a, b, { transposeB: true }))).toContain('StudioMatmul');
    setKernelMode('auto');
    setChoice('matmul.ABt', '1x33x16x20', 'tfjs');
    const names = await kernelsOf(() => matmulForward(a, b, { transposeB: true }));
    expect(names).not.toContain('StudioMatmul');
    setChoice('matmul.ABt', '1x33x16x20', 'ours');
    expect(await kernelsOf(() => matmulForward(a, b, { transposeB: true }))).toContain('StudioMatmul');
    setKernelMode('tfjs');
    expect(await kernelsOf(() => matmulForward(a, b, { transposeB: true }))).not.toContain('StudioMatmul');
    tf.dispose([a, b]);
  });
});

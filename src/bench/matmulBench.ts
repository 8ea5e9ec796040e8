/**
 * Matmul microbenchmark, run inside the page on WebGPU: every product shape a BERT training step computes
 * (forward x·Wᵀ, backward dy·W and dyᵀ·x, attention's batched Q·Kᵀ, P·V and their gradients), timed with
 * our register-tiled kernel and with tf.matMul. The answer to "which is faster here, for this shape",
 * which is what the autotuner asks per adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { useWebGpu } from '../engine/backend';
import { matmulOurs, matmulTile, setMatmulTile } from '../engine/kernels/matmul';
import { rng } from '../engine/random';

export type MatmulBenchSet = 'mini' | 'base';
export type MatmulBenchOp = 'AB' | 'ABt' | 'AtB';

export interface MatmulBenchRow {
  /** The product's [M, K, N] (a is M×K, b is K×N in the op's orientation). */
  shape: [number, number, number];
  batch: number;
  op: MatmulBenchOp;
  ours_gflops: number;
  tfjs_gflops: number;
  set: MatmulBenchSet;
}

export interface MatmulBenchOptions {
  sets?: MatmulBenchSet[];
  /** Timed repetitions per kernel (after one warm-up); the median is reported. */
  reps?: number;
  /** Register tile for our kernel during the run (tileM × tileN, workgroup size). */
  tile?: { tileM?: number; tileN?: number; workgroupSize?: number };
  /** Only these ops. */
  ops?: MatmulBenchOp[];
  /** Skip TF.js (tfjs_gflops = 0): for comparing tiles quickly. */
  skipTfjs?: boolean;
}

interface ModelShape {
  hidden: number;
  heads: number;
  intermediate: number;
  batch: number;
  seq: number;
}

const MODELS: Record<MatmulBenchSet, ModelShape> = {
  mini: { hidden: 256, heads: 4, intermediate: 1024, batch: 8, seq: 128 },
  base: { hidden: 768, heads: 12, intermediate: 3072, batch: 8, seq: 128 },
};

/** The products of one training step (layer count only multiplies them; vocab is an embedding gather, no matmul). */
export function stepProducts(m: ModelShape): { op: MatmulBenchOp; shape: [number, number, number]; batch: number }[] {
  const F = m.batch * m.seq;
  const H = m.hidden;
  const I = m.intermediate;
  const T = m.seq;
  const D = H / m.heads;
  const BN = m.batch * m.heads;
  const out: { op: MatmulBenchOp; shape: [number, number, number]; batch: number }[] = [];
  for (const [inF, outF] of [[H, H], [H, I], [I, H]]) {
    out.push({ op: 'ABt', shape: [F, inF, outF], batch: 1 }); // y = x·Wᵀ
    out.push({ op: 'AB', shape: [F, outF, inF], batch: 1 }); // dx = dy·W
    out.push({ op: 'AtB', shape: [outF, F, inF], batch: 1 }); // dW = dyᵀ·x
  }
  out.push({ op: 'ABt', shape: [T, D, T], batch: BN }); // scores = Q·Kᵀ, dP = dC·Vᵀ
  out.push({ op: 'AB', shape: [T, T, D], batch: BN }); // context = P·V, dQ = dS·K
  out.push({ op: 'AtB', shape: [T, T, D], batch: BN }); // dK = dSᵀ·Q, dV = Pᵀ·dC
  return out;
}

function random(shape: number[], seed: number): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => r() * 2 - 1), shape);
}

/** Median milliseconds of `f` (warm-up once, then `reps` runs each waited for with data()). */
async function time(f: () => tf.Tensor, reps: number): Promise<number> {
  const warm = f();
  await warm.data();
  warm.dispose();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = f();
    await out.data();
    ms.push(performance.now() - t0);
    out.dispose();
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

export async function runMatmulBench(opts: MatmulBenchOptions = {}): Promise<MatmulBenchRow[]> {
  await useWebGpu();
  const sets = opts.sets ?? ['mini'];
  const reps = opts.reps ?? 3;
  const before = matmulTile();
  if (opts.tile) setMatmulTile(opts.tile);
  const rows: MatmulBenchRow[] = [];
  try {
    for (const set of sets) {
      for (const { op, shape, batch } of stepProducts(MODELS[set])) {
        if (opts.ops && !opts.ops.includes(op)) continue;
        const [M, K, N] = shape;
        const transposeA = op === 'AtB';
        const transposeB = op === 'ABt';
        const lead = batch > 1 ? [batch] : [];
        const a = random([...lead, ...(transposeA ? [K, M] : [M, K])], 1);
        const b = random([...lead, ...(transposeB ? [N, K] : [K, N])], 2);
        const flops = 2 * batch * M * K * N;
        const ours = await time(() => matmulOurs(a, b, { transposeA, transposeB }), reps);
        const plain = opts.skipTfjs ? Infinity : await time(() => tf.matMul(a, b, transposeA, transposeB), reps);
        rows.push({ shape, batch, op, set, ours_gflops: flops / ours / 1e6, tfjs_gflops: flops / plain / 1e6 });
        tf.dispose([a, b]);
      }
    }
  } finally {
    setMatmulTile(before);
  }
  return rows;
}

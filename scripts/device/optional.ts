/**
 * The matmul microbench (src/bench/matmulBench.ts) is other work in progress: the device bench runs it when
 * the file exists. The `as string` keeps TypeScript from requiring the file; tsx imports it at run time and
 * esbuild bundles it, or, when the file is absent, an empty module in its place (pack.ts).
 */

/** One product of matmulBench.ts: our kernel's and TF.js's throughput at a [M, K, N] shape. */
export interface MatmulRow {
  shape: [number, number, number];
  batch: number;
  op: string;
  set: string;
  ours_gflops: number;
  tfjs_gflops: number;
}

type MatmulBench = (sets: string[]) => Promise<MatmulRow[]>;

/** `runMatmulBench({ sets })`, or null when matmulBench.ts is not in this checkout. */
export async function loadMatmulBench(): Promise<MatmulBench | null> {
  let m: { runMatmulBench?: (opts: { sets: string[] }) => Promise<MatmulRow[]> };
  try {
    m = await import('../../src/bench/matmulBench.ts' as string);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    // Only the file itself being absent means "not here"; a broken import inside it is an error.
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message?.includes('matmulBench.ts')) return null;
    throw e;
  }
  const f = m.runMatmulBench;
  return typeof f === 'function' ? (sets) => f({ sets }) : null;
}

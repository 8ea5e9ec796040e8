/**
 * The bench runs of `npm run device:bench`, loaded only after Dawn has put `navigator.gpu` on globalThis:
 * TF.js's WebGPU backend registers itself at import time, and only where it sees a GPU.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { useWebGpu } from '../../src/engine/backend.ts';
import { describeTuning, type TuneReport } from '../../src/engine/kernels/autotune.ts';
import { clearChoices, parseKernelMode, setKernelMode, type KernelChoice, type KernelMode } from '../../src/engine/kernels/select.ts';
import type { BertFamilyModel } from '../../src/engine/model.ts';
import { autotuneModel } from '../../src/engine/tuning.ts';
import { BENCH_SHAPES, benchStep, type BenchShape, type StepBenchResult } from '../../src/bench/stepBench.ts';
import { loadMatmulBench, type MatmulRow } from './optional.ts';

export interface DeviceBenchOptions {
  shapes: string[];
  kernels: KernelMode[];
  warmup: number;
  steps: number;
  overrides: Partial<BenchShape>;
  matmul: boolean;
  /** Model sets of the matmul microbench (matmulBench.ts: mini, base). */
  matmulSets: string[];
  tune: boolean;
  log: (line: string) => void;
}

export interface ModeRow extends StepBenchResult {
  mode: KernelMode;
  /** tfjs median / this median, when the tfjs mode ran for the same shape: >1 means faster than plain TF.js. */
  speedupVsTfjs: number | null;
}

export interface DeviceBenchResult {
  backend: string;
  rows: ModeRow[];
  /** The autotuner's measurements per shape, for the 'auto' rows (each variant's median ms, the pick). */
  tuning: { shape: string; report: TuneReport }[];
  matmul: MatmulRow[] | null;
  /**
   * WebGPU errors nobody caught (validation, out of memory). A command buffer that fails validation is
   * dropped with all its dispatches, so any entry here means some timings measured work that never ran.
   */
  gpuErrors: string[];
  notes: string[];
}

const MAX_KEPT_ERRORS = 20;

/** Collects the device's uncaptured errors (Dawn also prints them); counts all, keeps the first few. */
function watchGpuErrors(): { errors: string[]; count: () => number } {
  const errors: string[] = [];
  let n = 0;
  const device = (tf.backend() as WebGPUBackend).device;
  device.addEventListener('uncapturederror', (e) => {
    n++;
    if (errors.length < MAX_KEPT_ERRORS) errors.push((e as GPUUncapturedErrorEvent).error.message);
  });
  return { errors, count: () => n };
}

export function parseModes(value: string): KernelMode[] {
  return value.split(',').filter(Boolean).map((m) => parseKernelMode(m));
}

export function shapeOf(name: string, overrides: Partial<BenchShape>): BenchShape {
  const s = BENCH_SHAPES[name];
  if (!s) throw new Error(`unknown bench shape "${name}": one of ${Object.keys(BENCH_SHAPES).join(', ')}`);
  return { ...s, ...overrides };
}

/**
 * Each shape once per kernel mode. In 'auto' the autotuner measures every variant at the shape first (fresh,
 * not from a cache: this adapter is what the run is for), as `npm run bench` does in the page.
 */
export async function runDeviceBench(o: DeviceBenchOptions): Promise<DeviceBenchResult> {
  await useWebGpu();
  const watch = watchGpuErrors();
  const notes: string[] = [];
  const rows: ModeRow[] = [];
  const tuning: DeviceBenchResult['tuning'] = [];
  for (const name of o.shapes) {
    const shape = shapeOf(name, o.overrides);
    const forShape: ModeRow[] = [];
    for (const mode of o.kernels) {
      setKernelMode(mode);
      clearChoices();
      const tune = mode === 'auto' && o.tune;
      o.log(`bench ${name} kernels=${mode}${tune ? ' (autotune first)' : ''}: ${o.warmup} warm-up + ${o.steps} steps...`);
      const prepare = async (model: BertFamilyModel) => {
        try {
          tuning.push({ shape: name, report: await autotuneModel(model, shape.batch, [shape.seq], { fresh: true, persist: false }) });
        } catch (e) {
          // One run on a borrowed GPU should still give the step timings: say so, and run what was chosen so far.
          notes.push(`autotune ${name} failed (${(e as Error).message}): auto ran with the choices made before the failure`);
        }
      };
      const r = await benchStep(shape, o.warmup, o.steps, tune ? { prepare } : {});
      forShape.push({ ...r, mode, speedupVsTfjs: null });
    }
    const plain = forShape.find((r) => r.mode === 'tfjs');
    for (const r of forShape) r.speedupVsTfjs = plain ? plain.medianMs / r.medianMs : null;
    rows.push(...forShape);
  }
  let matmul: MatmulRow[] | null = null;
  if (o.matmul) {
    const bench = await loadMatmulBench();
    if (!bench) notes.push('no matmul microbench in this build (src/bench/matmulBench.ts runMatmulBench)');
    else {
      o.log(`matmul microbench (${o.matmulSets.join(',')})...`);
      setKernelMode('auto');
      matmul = await bench(o.matmulSets);
    }
  }
  clearChoices();
  // Errors surface asynchronously: let the queue finish before counting.
  await (tf.backend() as WebGPUBackend).device.queue.onSubmittedWorkDone();
  if (watch.count() > 0) notes.push(`${watch.count()} uncaptured WebGPU errors: the work of each invalid command buffer was dropped`);
  return { backend: tf.getBackend(), rows, tuning, matmul, gpuErrors: watch.errors, notes };
}

const mb = (b: number | null) => (b === null ? '—' : `${(b / 2 ** 20).toFixed(1)}`);

/** The markdown table the CLI prints: one row per shape and kernel mode. */
export function formatRows(rows: ModeRow[]): string[] {
  const lines = [
    '| shape | kernels | params | B×T | median ms | min ms | × vs tfjs | dispatches/step | GPU MiB in use | pool MiB | tensor growth |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const s = r.shape;
    lines.push(
      `| ${s.name} | ${r.mode} | ${(r.parameters / 1e6).toFixed(2)}M | ${s.batch}×${s.seq} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ` +
        `${r.speedupVsTfjs === null ? '—' : r.speedupVsTfjs.toFixed(2)} | ${r.dispatchesPerStep ?? '—'} | ${mb(r.bytesInUse)} | ${mb(r.bytesAllocated)} | ${r.tensorGrowth} |`,
    );
  }
  return lines;
}

/** The variant each op ran in the 'auto' rows, with the autotuner's timings where it measured them. */
export function formatChoices(result: DeviceBenchResult): string[] {
  const lines: string[] = [];
  for (const r of result.rows.filter((x) => x.mode === 'auto')) {
    const report = result.tuning.find((t) => t.shape === r.shape.name)?.report;
    const how = report
      ? `tuned in ${(r.tuneMs / 1000).toFixed(1)} s`
      : r.tuneMs > 0
        ? `tuning failed after ${(r.tuneMs / 1000).toFixed(1)} s: the choices made before`
        : 'untuned: adapter defaults';
    lines.push(`kernel choices, ${r.shape.name} (auto, ${how}):`);
    if (report) lines.push(`  timing: ${report.timing}`, ...describeTuning(report).map((l) => `  ${l}`));
    else lines.push(...formatKernels(r.kernels));
  }
  return lines;
}

function formatKernels(kernels: KernelChoice[]): string[] {
  if (kernels.length === 0) return ['  (none recorded)'];
  return kernels.map((c) => `  ${c.op} ${c.key}: ${c.variant}`);
}

export function formatMatmul(rows: MatmulRow[]): string[] {
  return [
    '| set | op | batch×[M,K,N] | ours GFLOP/s | tfjs GFLOP/s | ours/tfjs |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.set} | ${r.op} | ${r.batch}×[${r.shape.join(',')}] | ${r.ours_gflops.toFixed(1)} | ${r.tfjs_gflops.toFixed(1)} | ` +
        `${r.tfjs_gflops > 0 ? (r.ours_gflops / r.tfjs_gflops).toFixed(2) : '—'} |`,
    ),
  ];
}

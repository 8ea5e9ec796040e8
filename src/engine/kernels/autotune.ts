/**
 * The autotuner: runs every variant of an op on the real shapes of a run, a few dispatches each, keeps the
 * fastest (select.ts `setChoice`), and remembers the choice per adapter and shape in IndexedDB so the next
 * run on the same GPU starts tuned. A kernel that wins on SwiftShader can lose on a real GPU and the reverse,
 * so nothing here is assumed: the adapter in use decides.
 *
 * Timing: GPU timestamp queries through tf.time() where the device has 'timestamp-query'; otherwise wall
 * clock from the first submission to `queue.onSubmittedWorkDone()`, which includes the same submission
 * overhead for every variant.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { kernelMode, setChoice, type Variant } from './select.ts';
import { loadChoices, saveChoices } from './tuneCache.ts';

/**
 * One op at one shape: `run` dispatches it (forward and backward where it has one) with the current choice, on
 * the tensors `inputs` made once before the timed runs (so their creation is not timed) and measureTrial disposes.
 */
export interface TuneTrial {
  op: string;
  key: string;
  variants: readonly Variant[];
  inputs?: () => tf.Tensor[];
  run: (inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

export interface TuneEntry {
  op: string;
  key: string;
  /** Median milliseconds per run of each variant; empty when the choice came from the cache. */
  ms: Partial<Record<Variant, number>>;
  chosen: Variant;
  cached: boolean;
}

export interface TuneReport {
  adapter: string;
  timing: 'timestamp-query' | 'wall-clock';
  entries: TuneEntry[];
  /** Wall time of the whole tuning, ms. */
  ms: number;
}

export interface TuneOptions {
  /** Timed runs per variant after one warm-up run (which also compiles the pipeline). */
  reps?: number;
  /** Ignore cached choices and measure again. */
  fresh?: boolean;
  /** Write the choices to IndexedDB (where there is one). */
  persist?: boolean;
}

function webgpuBackend(): WebGPUBackend {
  if (tf.getBackend() !== 'webgpu') throw new Error('autotune: the webgpu backend is not active');
  return tf.backend() as WebGPUBackend;
}

function hasTimestamps(backend: WebGPUBackend): boolean {
  return (backend as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery === true;
}

/**
 * Submits what TF.js has recorded and waits until the GPU has finished it. The open compute pass must be ended
 * first, as TF.js itself does before submitting: finishing an encoder with a pass still open makes Dawn drop
 * the whole command buffer (its dispatches never run), and there is no encoder when nothing was recorded.
 */
async function drain(backend: WebGPUBackend): Promise<void> {
  const b = backend as unknown as { endComputePassEncoder(): void; submitQueue(): void; commandEncoder: unknown };
  b.endComputePassEncoder();
  if (b.commandEncoder) b.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

async function timeOnce(backend: WebGPUBackend, run: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  if (hasTimestamps(backend)) {
    let out: tf.Tensor | tf.Tensor[] = [];
    const info = await tf.time(() => {
      out = run();
    });
    tf.dispose(out);
    if (typeof info.kernelMs === 'number' && info.kernelMs > 0) return info.kernelMs;
  }
  await drain(backend);
  const t0 = performance.now();
  const out = run();
  await drain(backend);
  const ms = performance.now() - t0;
  tf.dispose(out);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times each variant of one trial (after a warm-up run that compiles it) and returns the medians. */
export async function measureTrial(trial: TuneTrial, reps = 3): Promise<Partial<Record<Variant, number>>> {
  const backend = webgpuBackend();
  const ms: Partial<Record<Variant, number>> = {};
  const inputs = trial.inputs?.() ?? [];
  const run = () => tf.tidy(() => trial.run(inputs));
  try {
    for (const variant of trial.variants) {
      setChoice(trial.op, trial.key, variant);
      tf.dispose(run());
      await drain(backend);
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push(await timeOnce(backend, run));
      ms[variant] = median(times);
    }
  } finally {
    tf.dispose(inputs);
  }
  return ms;
}

function fastest(ms: Partial<Record<Variant, number>>): Variant {
  let best: Variant | null = null;
  for (const [v, t] of Object.entries(ms) as [Variant, number][]) if (best === null || t < ms[best]!) best = v;
  if (best === null) throw new Error('autotune: a trial with no variants');
  return best;
}

/**
 * Tunes `trials` (duplicates by op and key are measured once) and records each choice. In a forced mode
 * (flat / workgroup / tfjs) there is nothing to choose: it returns an empty report.
 */
export async function autotune(adapter: string, trials: TuneTrial[], opts: TuneOptions = {}): Promise<TuneReport> {
  const t0 = performance.now();
  const backend = webgpuBackend();
  const report: TuneReport = { adapter, timing: hasTimestamps(backend) ? 'timestamp-query' : 'wall-clock', entries: [], ms: 0 };
  if (kernelMode() !== 'auto') return report;
  const unique = [...new Map(trials.map((t) => [`${t.op}|${t.key}`, t])).values()];
  const cached = opts.fresh ? new Map<string, Variant>() : await loadChoices(adapter);
  for (const trial of unique) {
    const hit = cached.get(`${trial.op}|${trial.key}`);
    if (hit && trial.variants.includes(hit)) {
      setChoice(trial.op, trial.key, hit);
      report.entries.push({ op: trial.op, key: trial.key, ms: {}, chosen: hit, cached: true });
      continue;
    }
    const ms = await measureTrial(trial, opts.reps ?? 3);
    const chosen = fastest(ms);
    setChoice(trial.op, trial.key, chosen);
    report.entries.push({ op: trial.op, key: trial.key, ms, chosen, cached: false });
  }
  if (opts.persist !== false) await saveChoices(adapter, report.entries.filter((e) => !e.cached));
  report.ms = performance.now() - t0;
  return report;
}

/** One line per entry, for logs and the CLIs: `layerNorm 1024x256: workgroup (flat 3.1 ms, workgroup 0.4 ms)`. */
export function describeTuning(report: TuneReport): string[] {
  return report.entries.map((e) => {
    const times = Object.entries(e.ms)
      .map(([v, t]) => `${v} ${(t as number).toFixed(2)} ms`)
      .join(', ');
    return `${e.op} ${e.key}: ${e.chosen}${e.cached ? ' (cached)' : times ? ` (${times})` : ''}`;
  });
}

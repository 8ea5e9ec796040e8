/**
 * `npm run bench [-- --shapes mini,small --kernels auto --steps 3 --warmup 1 --cpu-steps 1 --no-plain --no-cpu
 *   --profile --out bench-results/step.json]`
 * Training-step benchmark in headless Chromium on WebGPU: the step with our kernels (`--kernels`, default auto:
 * tuned on this adapter first), the same step in the same page with the plain TF.js ops (`--kernels tfjs`,
 * the "plain" column) and on TF.js's cpu backend, for ratios measured in one run. Prints a table and the
 * variant each op ran, and the memory of one step in float32 and mixed precision (weights, gradients, AdamW
 * state, activation peak; --no-memory skips it), writes JSON. --profile also prints the kernels one step runs.
 * `npm run bench -- --matmul [--matmul-sets mini,base]`: our matmul against TF.js's at the shapes of a
 * BERT-Mini / BERT-base step, forward and both backward forms; writes bench-results/matmul.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseKernelMode, type KernelMode } from '../src/engine/kernels/modes.ts';
import type { MatmulBenchRow, MatmulBenchSet } from '../src/bench/matmulBench.ts';
import type { StepMemory } from '../src/bench/activationBytes.ts';
import type { StepBenchResult } from '../src/bench/stepBench.ts';
import { startHarness } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'mini,small' },
    kernels: { type: 'string', default: 'auto' },
    matmul: { type: 'boolean', default: false },
    'matmul-sets': { type: 'string', default: 'mini' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    'cpu-steps': { type: 'string', default: '1' },
    'no-cpu': { type: 'boolean', default: false },
    'no-plain': { type: 'boolean', default: false },
    'no-memory': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    batch: { type: 'string' },
    seq: { type: 'string' },
    out: { type: 'string', default: 'bench-results/step.json' },
  },
});

const kernels = parseKernelMode(values.kernels);

const mb = (b: number | null) => (b === null ? '—' : `${(b / 2 ** 20).toFixed(1)} MiB`);

/** `--matmul`: ours vs TF.js per product shape of a step; prints GFLOP/s and ratios, writes matmul.json. */
async function matmulMain() {
  const sets = values['matmul-sets']!.split(',').filter(Boolean) as MatmulBenchSet[];
  const harness = await startHarness();
  let rows: MatmulBenchRow[];
  try {
    const adapter = await harness.page.evaluate(async () => {
      const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
      return m.describeAdapter();
    });
    console.log(`adapter: ${adapter?.vendor} ${adapter?.architecture} ${adapter?.description}`.trim());
    process.stderr.write(`matmul microbench, sets ${sets.join(', ')}...\n`);
    rows = await harness.page.evaluate(
      async ([s, reps]) => {
        const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
        return m.runMatmulBench({ sets: s, reps });
      },
      [sets, Number(values.steps)] as const,
    );
  } finally {
    await harness.close();
  }
  console.log('\n| set | op | batch | M×K×N | ours GFLOP/s | TF.js GFLOP/s | ours/TF.js |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.set} | ${r.op} | ${r.batch} | ${r.shape.join('×')} | ${r.ours_gflops.toFixed(2)} | ${r.tfjs_gflops.toFixed(2)} | ${(r.ours_gflops / r.tfjs_gflops).toFixed(2)} |`);
  }
  for (const set of sets) {
    const mine = rows.filter((r) => r.set === set);
    const ratios = mine.map((r) => r.ours_gflops / r.tfjs_gflops);
    const geo = Math.exp(ratios.reduce((a, x) => a + Math.log(x), 0) / ratios.length);
    console.log(`${set}: ours/TF.js geometric mean ${geo.toFixed(2)}, min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)} over ${mine.length} shapes`);
  }
  const out = join(dirname(values.out!), 'matmul.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(rows.map(({ shape, batch, op, ours_gflops, tfjs_gflops, set }) => ({ shape, batch, op, ours_gflops, tfjs_gflops, set })), null, 2));
  console.log(`\nwrote ${out}`);
}

async function main() {
  if (values.matmul) return matmulMain();
  const harness = await startHarness();
  const overrides = {
    ...(values.batch ? { batch: Number(values.batch) } : {}),
    ...(values.seq ? { seq: Number(values.seq) } : {}),
  };
  const rows: {
    gpu: StepBenchResult;
    plain: StepBenchResult | null;
    cpu: StepBenchResult | null;
    /** Why the cpu backend gave no result (e.g. the page ran out of memory), null when it ran or was skipped. */
    cpuError: string | null;
    memory: { f32: StepMemory; mixed: StepMemory } | null;
  }[] = [];
  try {
    const adapter = await harness.page.evaluate(async () => {
      const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
      return m.describeAdapter();
    });
    console.log(`adapter: ${adapter?.vendor} ${adapter?.architecture} ${adapter?.description}`.trim());
    for (const shape of values.shapes!.split(',')) {
      const run = (backend: 'webgpu' | 'cpu', mode: KernelMode, warmup: number, steps: number) =>
        harness.page.evaluate(
          async ([b, k, s, o, w, n]) => {
            const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
            return m.runStepBench(b, k, s, o, w, n);
          },
          [backend, mode, shape, overrides, warmup, steps] as const,
        );
      process.stderr.write(`bench ${shape} on webgpu, kernels ${kernels}...\n`);
      const gpu = await run('webgpu', kernels, Number(values.warmup), Number(values.steps));
      let plain: StepBenchResult | null = null;
      if (!values['no-plain']) {
        process.stderr.write(`bench ${shape} on webgpu with the plain TF.js ops (--kernels tfjs)...\n`);
        plain = await run('webgpu', 'tfjs', Number(values.warmup), Number(values.steps));
      }
      if (values.profile) {
        const profile = await harness.page.evaluate(
          async ([s, o, k]) => {
            const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
            return m.runStepProfile(s, o, k);
          },
          [shape, overrides, kernels] as const,
        );
        console.log(`kernels of one ${shape} step (name count):\n${profile}`);
      }
      let memory: { f32: StepMemory; mixed: StepMemory } | null = null;
      if (!values['no-memory']) {
        process.stderr.write(`memory of one ${shape} step, float32 and mixed precision...\n`);
        const measure = (mixed: boolean) =>
          harness.page.evaluate(
            async ([s, o, k, mp]) => {
              const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
              return m.runStepMemory(s, o, k, mp);
            },
            [shape, overrides, kernels, mixed] as const,
          );
        memory = { f32: await measure(false), mixed: await measure(true) };
      }
      rows.push({ gpu, plain, cpu: null, cpuError: null, memory });
    }
    // The cpu backend last: at BERT-Mini size it can exhaust the page's memory, which must not cost the GPU rows.
    for (const row of values['no-cpu'] ? [] : rows) {
      const shape = row.gpu.shape.name;
      process.stderr.write(`bench ${shape} on cpu...\n`);
      try {
        row.cpu = await harness.page.evaluate(
          async ([s, o, n]) => {
            const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
            return m.runStepBench('cpu', 'tfjs', s, o, 1, n);
          },
          [shape, overrides, Number(values['cpu-steps'])] as const,
        );
      } catch (e) {
        row.cpuError = (e as Error).message.split('\n')[0];
        process.stderr.write(`cpu backend failed on ${shape}: ${row.cpuError}\n`);
      }
    }
  } finally {
    await harness.close();
  }
  console.log(
    `\n| shape | params | B×T | webgpu (${kernels}) median ms | plain-op webgpu ms | plain/webgpu | cpu median ms | cpu/webgpu | ` +
      'dispatches/step (plain) | dispatches ours/plain | GPU bytes in use | GPU pool | tensor growth |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const ratio = (other: StepBenchResult | null, base: StepBenchResult) => (other ? (other.medianMs / base.medianMs).toFixed(2) : '—');
  for (const { gpu, plain, cpu, cpuError } of rows) {
    const s = gpu.shape;
    console.log(
      `| ${s.name} | ${(gpu.parameters / 1e6).toFixed(2)}M | ${s.batch}×${s.seq} | ${gpu.medianMs.toFixed(0)} | ` +
        `${plain ? plain.medianMs.toFixed(0) : '—'} | ${ratio(plain, gpu)} | ` +
        `${cpu ? cpu.medianMs.toFixed(0) : cpuError ? 'failed' : '—'} | ${ratio(cpu, gpu)} | ` +
        `${gpu.dispatchesPerStep}${plain ? ` (${plain.dispatchesPerStep})` : ''} | ` +
        `${plain?.dispatchesPerStep && gpu.dispatchesPerStep ? `${((100 * gpu.dispatchesPerStep) / plain.dispatchesPerStep).toFixed(0)}%` : '—'} | ` +
        `${mb(gpu.bytesInUse)} | ${mb(gpu.bytesAllocated)} | ${gpu.tensorGrowth} |`,
    );
  }
  for (const { gpu, cpuError } of rows) if (cpuError) console.log(`cpu backend on ${gpu.shape.name} failed: ${cpuError}`);
  if (rows.some((r) => r.memory)) {
    // activation peak = step peak − weights − gradients − AdamW state; forward peak = live bytes above the
    // step's start during the forward pass, when no gradient exists yet (src/bench/activationBytes.ts).
    console.log('\n| shape | precision | weights | gradients | AdamW state | activation peak | mixed/f32 | forward peak | mixed/f32 |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const { gpu, memory } of rows) {
      if (!memory) continue;
      for (const m of [memory.f32, memory.mixed]) {
        const pct = (a: number, b: number) => (m.mixedPrecision ? `${((100 * a) / b).toFixed(0)}%` : '');
        console.log(
          `| ${gpu.shape.name} | ${m.mixedPrecision ? 'mixed' : 'float32'} | ${mb(m.weights)} | ${mb(m.gradients)} | ${mb(m.optimizerState)} | ` +
            `${mb(m.activationPeak)} | ${pct(m.activationPeak, memory.f32.activationPeak)} | ${mb(m.forwardPeak)} | ${pct(m.forwardPeak, memory.f32.forwardPeak)} |`,
        );
      }
    }
  }
  for (const { gpu } of rows) {
    console.log(`\nkernels of ${gpu.shape.name} (mode ${gpu.kernelMode}${gpu.tuneMs ? `, tuned in ${gpu.tuneMs.toFixed(0)} ms` : ''}):`);
    if (gpu.kernels.length === 0) console.log(`  every op: ${gpu.kernelMode === 'tfjs' ? 'plain TF.js' : gpu.kernelMode === 'auto' ? 'adapter defaults' : gpu.kernelMode}`);
    for (const k of gpu.kernels) console.log(`  ${k.op} ${k.key}: ${k.variant}`);
  }
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
  console.log(`\nwrote ${values.out}`);
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});

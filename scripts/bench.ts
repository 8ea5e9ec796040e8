/**
 * `npm run bench [-- --shapes tiny,small,base --steps 3 --warmup 1 --cpu-steps 1 --no-plain --no-cpu --profile
 *   --out bench-results/step.json]`
 * Training-step benchmark in headless Chromium on WebGPU, with the same step in the same page on WebGPU
 * without our fused kernels (TF.js ops only, "plain") and on TF.js's cpu backend, for ratios measured in
 * one run. Prints a table and writes JSON. --profile also prints the kernels one step runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { StepBenchResult } from '../src/bench/stepBench.ts';
import { startHarness } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'small,base' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    'cpu-steps': { type: 'string', default: '1' },
    'no-cpu': { type: 'boolean', default: false },
    'no-plain': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    batch: { type: 'string' },
    seq: { type: 'string' },
    out: { type: 'string', default: 'bench-results/step.json' },
  },
});

const mb = (b: number | null) => (b === null ? '—' : `${(b / 2 ** 20).toFixed(1)} MiB`);

async function main() {
  const harness = await startHarness();
  const overrides = {
    ...(values.batch ? { batch: Number(values.batch) } : {}),
    ...(values.seq ? { seq: Number(values.seq) } : {}),
  };
  const rows: { gpu: StepBenchResult; plain: StepBenchResult | null; cpu: StepBenchResult | null }[] = [];
  try {
    const adapter = await harness.page.evaluate(async () => {
      const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
      return m.describeAdapter();
    });
    console.log(`adapter: ${adapter?.vendor} ${adapter?.architecture} ${adapter?.description}`.trim());
    for (const shape of values.shapes!.split(',')) {
      const run = (backend: 'webgpu' | 'webgpu-plain' | 'cpu', warmup: number, steps: number) =>
        harness.page.evaluate(
          async ([b, s, o, w, n]) => {
            const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
            return m.runStepBench(b, s, o, w, n);
          },
          [backend, shape, overrides, warmup, steps] as const,
        );
      process.stderr.write(`bench ${shape} on webgpu...\n`);
      const gpu = await run('webgpu', Number(values.warmup), Number(values.steps));
      let plain: StepBenchResult | null = null;
      if (!values['no-plain']) {
        process.stderr.write(`bench ${shape} on webgpu without the fused kernels...\n`);
        plain = await run('webgpu-plain', Number(values.warmup), Number(values.steps));
      }
      if (values.profile) {
        const kernels = await harness.page.evaluate(
          async ([s, o]) => {
            const m: typeof import('../src/bench/browserEntry.ts') = await import('/src/bench/browserEntry.ts' as string);
            return m.runStepProfile(s, o);
          },
          [shape, overrides] as const,
        );
        console.log(`kernels of one ${shape} step (name count):\n${kernels}`);
      }
      let cpu: StepBenchResult | null = null;
      if (!values['no-cpu']) {
        process.stderr.write(`bench ${shape} on cpu...\n`);
        cpu = await run('cpu', 1, Number(values['cpu-steps']));
      }
      rows.push({ gpu, plain, cpu });
    }
  } finally {
    await harness.close();
  }
  console.log(
    '\n| shape | params | B×T | webgpu median ms | plain-op webgpu ms | plain/webgpu | cpu median ms | cpu/webgpu | ' +
      'dispatches/step (plain) | GPU bytes in use | GPU pool | tensor growth |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const ratio = (other: StepBenchResult | null, base: StepBenchResult) => (other ? (other.medianMs / base.medianMs).toFixed(2) : '—');
  for (const { gpu, plain, cpu } of rows) {
    const s = gpu.shape;
    console.log(
      `| ${s.name} | ${(gpu.parameters / 1e6).toFixed(2)}M | ${s.batch}×${s.seq} | ${gpu.medianMs.toFixed(0)} | ` +
        `${plain ? plain.medianMs.toFixed(0) : '—'} | ${ratio(plain, gpu)} | ` +
        `${cpu ? cpu.medianMs.toFixed(0) : '—'} | ${ratio(cpu, gpu)} | ` +
        `${gpu.dispatchesPerStep}${plain ? ` (${plain.dispatchesPerStep})` : ''} | ${mb(gpu.bytesInUse)} | ${mb(gpu.bytesAllocated)} | ${gpu.tensorGrowth} |`,
    );
  }
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
  console.log(`\nwrote ${values.out}`);
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});

/**
 * `npm run device:bench [-- --shapes mini,small --kernels auto,tfjs --warmup 2 --steps 5 --batch B --seq T
 *   --no-tune --no-matmul --matmul-sets mini,base --dawn key=value,... --out <file.json>]`
 * The step bench on a machine with a GPU and no browser: WebGPU in Node through Dawn (Vulkan on Linux). Prints
 * the adapter, a table of one training step per shape and kernel mode (--kernels: auto, flat, workgroup, tfjs)
 * with its speed against plain TF.js, the autotuner's choices and timings (auto tunes at each shape first;
 * --no-tune runs the adapter's defaults), the matmul microbench where src/bench/matmulBench.ts exists, and
 * writes it all as JSON (default $OUT/device-bench.json, else
 * bench-results/device-bench.json). `npm run device:pack` bundles this file for a machine without Node.
 * Without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
// Only Dawn is imported up front: TF.js's WebGPU backend registers at import time, and only if navigator.gpu exists.
import { describeNodeAdapter, setupNodeWebGpu } from '../../src/bench/nodeGpu.ts';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'mini,small' },
    kernels: { type: 'string', default: 'auto,tfjs' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    batch: { type: 'string' },
    seq: { type: 'string' },
    'no-matmul': { type: 'boolean', default: false },
    'matmul-sets': { type: 'string', default: 'mini' },
    'no-tune': { type: 'boolean', default: false },
    dawn: { type: 'string', default: '' },
    out: { type: 'string', default: process.env.OUT ? join(process.env.OUT, 'device-bench.json') : 'bench-results/device-bench.json' },
  },
});

const count = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};

async function main() {
  const t0 = performance.now();
  const adapter = describeNodeAdapter(await setupNodeWebGpu(values.dawn!.split(',').filter(Boolean)));
  console.log(
    `adapter: ${adapter.vendor} / ${adapter.architecture} / ${adapter.description}` +
      `${adapter.device ? ` / ${adapter.device}` : ''}${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}`,
  );
  console.log(`features: ${adapter.features.join(' ')}`);
  console.log(`limits: ${Object.entries(adapter.limits).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  const m = await import('./deviceBench.ts');
  const result = await m.runDeviceBench({
    shapes: values.shapes!.split(',').filter(Boolean),
    kernels: m.parseModes(values.kernels!),
    warmup: count('warmup', values.warmup, 0),
    steps: count('steps', values.steps, 1),
    overrides: {
      ...(values.batch ? { batch: count('batch', values.batch, 1) } : {}),
      ...(values.seq ? { seq: count('seq', values.seq, 1) } : {}),
    },
    matmul: !values['no-matmul'],
    matmulSets: values['matmul-sets']!.split(',').filter(Boolean),
    tune: !values['no-tune'],
    log: (line) => process.stderr.write(`${line}\n`),
  });

  console.log(`\nbackend: ${result.backend}\n`);
  for (const line of m.formatRows(result.rows)) console.log(line);
  console.log('');
  for (const line of m.formatChoices(result)) console.log(line);
  if (result.matmul) {
    console.log('\nmatmul microbench (the products of one training step):');
    for (const line of m.formatMatmul(result.matmul)) console.log(line);
  }
  for (const note of result.notes) console.log(`note: ${note}`);

  const out = values.out!;
  mkdirSync(dirname(out), { recursive: true });
  const wallMs = performance.now() - t0;
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, adapter, ...result, wallMs }, null, 2));
  console.log(`\nwrote ${out} (${(wallMs / 1000).toFixed(1)} s)`);
}

main().then(
  // Dawn's device keeps the event loop alive: leave once the results are written.
  () => process.exit(0),
  (e) => {
    console.error(`device bench: ${(e as Error).message}`);
    process.exit(1);
  },
);

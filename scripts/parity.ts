/**
 * `npm run parity -- --fixtures <dir> [--kernels auto,flat,workgroup,tfjs]`: every case folder (a folder with
 * case.json) under <dir> runs in headless Chromium on WebGPU through the engine and is checked against Hugging
 * Face's numbers, once per kernel mode given (default auto: the autotuner picks each op's variant for the case).
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseKernelMode, type KernelMode } from '../src/engine/kernels/modes.ts';
import type { CaseReport } from '../src/parity/runCase.ts';
import { startHarness } from './lib/harness.ts';

function findCases(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (existsSync(join(d, 'case.json'))) out.push(d);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1) : String(x);
}

async function main() {
  const { values } = parseArgs({ options: { fixtures: { type: 'string' }, filter: { type: 'string' }, skip: { type: 'string' }, kernels: { type: 'string', default: 'auto' }, 'mixed-precision': { type: 'boolean', default: false } } });
  if (!values.fixtures) {
    console.error('usage: npm run parity -- --fixtures <dir> [--filter <substring>] [--skip <substring>] [--kernels auto,flat,workgroup,tfjs] [--mixed-precision]');
    process.exit(2);
  }
  let modes: KernelMode[];
  try {
    modes = values.kernels!.split(',').map((m) => parseKernelMode(m.trim()));
  } catch (e) {
    console.error(`parity: --${(e as Error).message}`);
    process.exit(2);
  }
  const root = resolve(values.fixtures);
  if (!existsSync(root)) {
    console.error(`parity: ${root} does not exist`);
    process.exit(2);
  }
  const cases = findCases(root).filter((c) => (!values.filter || c.includes(values.filter)) && (!values.skip || !c.includes(values.skip)));
  if (cases.length === 0) {
    console.error(`parity: no case folders (with case.json) under ${root}`);
    process.exit(1);
  }
  const harness = await startHarness({ '/@fixtures/': root });
  if (values['mixed-precision']) console.log('mixed precision: f16-rounded matmul inputs and saved activations, looser tolerances (src/parity/compare.ts MIXED_TOLERANCES)');
  let passed = 0;
  let failed = 0;
  try {
    for (const [mode, dir] of modes.flatMap((m) => cases.map((d) => [m, d] as const))) {
      const name = `${relative(root, dir) || '.'}${modes.length > 1 || mode !== 'auto' ? ` (kernels ${mode})` : ''}`;
      const url = `${harness.origin}/@fixtures/${relative(root, dir)}/`.replace(/\/+$/, '/');
      let report: CaseReport;
      try {
        report = await harness.page.evaluate(
          async ([u, n, k, mp]) => {
            const m: typeof import('../src/parity/browserEntry.ts') = await import(/* @vite-ignore */ '/src/parity/browserEntry.ts' as string);
            return m.runCaseOnWebGpu(u, n, k, mp);
          },
          [url, name, mode, values['mixed-precision']!] as const,
        );
      } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      const parts = report.checks.map((q) => `${q.quantity} ${fmt(q.worst)}${q.pass ? '' : ' ✗'}`);
      console.log(`${report.pass ? 'ok  ' : 'FAIL'} ${name} [${report.kind}, ${report.seconds.toFixed(1)}s] ${parts.join(' | ')}`);
      for (const q of report.checks) if (!q.pass) console.log(`     ${q.quantity}${q.where ? ` @ ${q.where}` : ''}: ${q.detail ?? 'outside tolerance'}`);
      if (report.pass) passed++;
      else failed++;
    }
  } finally {
    await harness.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`parity: ${(e as Error).message}`);
  process.exit(1);
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

// WebGPU in Node through Dawn needs a Vulkan driver; without a GPU, Chromium's SwiftShader is one.
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const noSwiftShader = existsSync(ICD) ? '' : ` (skipped: no SwiftShader Vulkan driver at ${ICD}; Debian's chromium package installs it)`;

const dir = mkdtempSync(join(tmpdir(), 'device-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment minus any Vulkan driver the caller named (VK_DRIVER_FILES would override ours). */
function vulkanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.VK_DRIVER_FILES;
  delete env.OUT;
  return env;
}

test.skipIf(noSwiftShader !== '')(`device bench runs a step per kernel mode on Dawn + SwiftShader and writes JSON${noSwiftShader}`, () => {
  const out = join(dir, 'bench.json');
  const run = spawnSync(
    'npx',
    // B=4, T=16: SwiftShader runs a step of the tiny model in about a second.
    ['tsx', 'scripts/device/bench.ts', '--shapes', 'tiny', '--batch', '4', '--seq', '16', '--kernels', 'auto,tfjs', '--warmup', '1', '--steps', '1', '--no-matmul', '--no-tune', '--out', out],
    { encoding: 'utf8', timeout: 240_000, env: vulkanEnv({ VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: '/usr/lib/chromium' }) },
  );
  expect(run.stderr).not.toMatch(/device bench:/);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^adapter: google \/ swiftshader .*\(fallback adapter\)$/m);
  expect(run.stdout).toMatch(/^\| tiny \| auto \| [\d.]+M \| 4×16 \| .*\|$/m);
  expect(run.stdout).toMatch(/^\| tiny \| tfjs \| [\d.]+M \| 4×16 \| [\d.]+ \| [\d.]+ \| 1\.00 \|/m);

  const json = JSON.parse(readFileSync(out, 'utf8'));
  expect(json.adapter.vendor).toBe('google');
  expect(json.adapter.isFallbackAdapter).toBe(true);
  expect(json.adapter.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  expect(json.backend).toBe('webgpu');
  expect(json.rows.map((r: { mode: string }) => r.mode)).toEqual(['auto', 'tfjs']);
  for (const r of json.rows) {
    expect(r.shape).toMatchObject({ name: 'tiny', batch: 4, seq: 16 });
    expect(r.backend).toBe('webgpu');
    // Dispatches are counted by patching Dawn's GPUComputePassEncoder: 0 would mean the patch missed.
    expect(r.dispatchesPerStep).toBeGreaterThan(0);
    expect(r.medianMs).toBeGreaterThan(0);
    expect(r.tensorGrowth).toBe(0);
  }
  const [auto, plain] = json.rows;
  // Our fused kernels replace several TF.js ops each: the auto step dispatches fewer programs.
  expect(auto.dispatchesPerStep).toBeLessThan(plain.dispatchesPerStep);
  expect(plain.speedupVsTfjs).toBe(1);
  // A command buffer that fails validation is dropped with its dispatches: none may fail.
  expect(json.gpuErrors).toEqual([]);
});

test('device bench without a Vulkan driver exits 1 and names the loader and the driver variables', () => {
  const run = spawnSync('npx', ['tsx', 'scripts/device/bench.ts', '--shapes', 'tiny', '--out', join(dir, 'none.json')], {
    encoding: 'utf8',
    timeout: 60_000,
    env: vulkanEnv({ VK_ICD_FILENAMES: join(dir, 'no-such-driver.json'), LD_LIBRARY_PATH: '/usr/lib/chromium' }),
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/device bench: Dawn found no WebGPU adapter/);
  expect(run.stderr).toMatch(/VK_DRIVER_FILES/);
  expect(run.stderr).toMatch(/no-such-driver\.json \(missing\)/);
  expect(existsSync(join(dir, 'none.json'))).toBe(false);
});

/**
 * The one-click demo learns: the built-in model (random weights) on the demo reviews with the demo's settings
 * (DEMO_CONFIG, what "Train the demo" uses) ends clearly above the majority class on its held-out rows, on
 * whatever adapter runs the tests (SwiftShader on CI: ~90 s).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DEMO_CONFIG } from '../../src/train/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the demo run ends at least 0.15 above the majority class of its validation rows', () => {
  const config = join(dir, 'demo.json');
  writeFileSync(config, JSON.stringify(DEMO_CONFIG));
  const out = join(dir, 'run');
  const run = spawnSync('npx', ['tsx', 'scripts/train.ts', '--data', 'public/demo/nsmc_sentiment.csv', '--model', 'public/models/tiny-bert', '--config', config, '--kernels', 'flat', '--out', out], { encoding: 'utf8', timeout: 900_000 });
  expect(run.status, run.stderr).toBe(0);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const gold = readFileSync(join(out, 'validation.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).label as string);
  const counts = new Map<string, number>();
  for (const l of gold) counts.set(l, (counts.get(l) ?? 0) + 1);
  const majority = Math.max(...counts.values()) / gold.length;
  console.log(`demo: validation accuracy ${metrics.validation.accuracy} (best step ${metrics.best_step}) vs majority ${majority}`);
  expect(metrics.validation.accuracy).toBeGreaterThan(majority + 0.15);
});

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('parity fails a case whose reference disagrees with the engine, and names the quantity', () => {
  cpSync('tests/fixtures/hf-reference/distilbert-seqcls', join(dir, 'good'), { recursive: true });
  cpSync('tests/fixtures/hf-reference/distilbert-seqcls', join(dir, 'nested/bad'), { recursive: true });
  const casePath = join(dir, 'nested/bad/case.json');
  const c = JSON.parse(readFileSync(casePath, 'utf8'));
  c.outputs.logits.data[4] += 1e-3; // far above 1e-5·max|ref|, far below any visible change
  c.grads['classifier.bias'].data[0] *= 1.01;
  writeFileSync(casePath, JSON.stringify(c));

  // A trajectory case without final_model.safetensors is checked against final_params instead.
  cpSync('tests/fixtures/hf-reference/bert-seqcls-train', join(dir, 'traj'), { recursive: true });
  rmSync(join(dir, 'traj/final_model.safetensors'));

  const run = spawnSync('npx', ['tsx', 'scripts/parity.ts', '--fixtures', dir], { encoding: 'utf8', timeout: 400_000 });
  const out = run.stdout;
  expect(out).toMatch(/^ok {3}good \[forward/m);
  expect(out).toMatch(/^ok {3}traj \[trajectory.*final_weights/m);
  expect(out).toMatch(/^FAIL nested\/bad \[forward.*logits [\d.e+-]+ ✗/m);
  expect(out).toMatch(/grads @ classifier.bias/);
  expect(out.trim().split('\n').at(-1)).toBe('2 passed, 1 failed');
  expect(run.status).toBe(1);
});

test('parity with no cases or no flag exits non-zero with a message', () => {
  const empty = spawnSync('npx', ['tsx', 'scripts/parity.ts', '--fixtures', join(dir, 'missing')], { encoding: 'utf8' });
  expect(empty.status).toBe(2);
  expect(empty.stderr).toMatch(/does not exist/);
  const usage = spawnSync('npx', ['tsx', 'scripts/parity.ts'], { encoding: 'utf8' });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/usage: npm run parity -- --fixtures <dir>/);
});

test('parity --mixed-precision passes the fixtures at its looser tolerance and still fails a 10% gradient error', () => {
  const root = join(dir, 'mixed');
  cpSync('tests/fixtures/hf-reference/bert-seqcls', join(root, 'good'), { recursive: true });
  cpSync('tests/fixtures/hf-reference/bert-seqcls', join(root, 'bad'), { recursive: true });
  const casePath = join(root, 'bad/case.json');
  const c = JSON.parse(readFileSync(casePath, 'utf8'));
  const name = 'bert.encoder.layer.0.attention.self.query.weight';
  c.grads[name].data = c.grads[name].data.map((v: number) => v * 1.1);
  writeFileSync(casePath, JSON.stringify(c));

  const run = spawnSync('npx', ['tsx', 'scripts/parity.ts', '--fixtures', root, '--mixed-precision', '--kernels', 'flat'], { encoding: 'utf8', timeout: 400_000 });
  const out = run.stdout;
  expect(out).toMatch(/^mixed precision: /m);
  expect(out).toMatch(/^ok {3}good \(kernels flat\) \[forward/m);
  expect(out).toMatch(/^FAIL bad \(kernels flat\) \[forward.*grads [\d.e+-]+ ✗/m);
  expect(out).toMatch(new RegExp(`grads @ ${name.replaceAll('.', '\\.')}`));
  expect(out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  expect(run.status).toBe(1);
});

test('the LoRA trajectory fails with the scale alpha instead of alpha / r', () => {
  // Telling the engine alpha = 32 with r = 4 makes its scale 8 = the case's alpha 8 used unscaled: the PEFT
  // numbers must no longer match (loss from step 2 on, the trained factors, the merged export).
  const root = join(dir, 'lora');
  cpSync('tests/fixtures/hf-reference/bert-seqcls-lora-train', join(root, 'wrong-scale'), { recursive: true });
  const casePath = join(root, 'wrong-scale/case.json');
  const c = JSON.parse(readFileSync(casePath, 'utf8'));
  c.lora.lora_alpha = c.lora.lora_alpha * c.lora.r;
  writeFileSync(casePath, JSON.stringify(c));
  const run = spawnSync('npx', ['tsx', 'scripts/parity.ts', '--fixtures', root, '--kernels', 'flat'], { encoding: 'utf8', timeout: 400_000 });
  expect(run.stdout).toMatch(/^FAIL wrong-scale \(kernels flat\) \[trajectory.*loss [\d.e+-]+ ✗.*merged_export [\d.e+-]+ ✗/m);
  expect(run.status).toBe(1);
});

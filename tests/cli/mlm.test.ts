/** `npm run train --task mlm` on a .txt corpus: what it prints and writes, and `npm run eval` on its predictions. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runEvalCommand } from '../../scripts/lib/evalCommand.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (args: string[], timeout = 60_000) => spawnSync('npx', ['tsx', 'scripts/train.ts', ...args], { encoding: 'utf8', timeout });
const CORPUS = 'tests/fixtures/data/en_goemotions_comments.sample.txt';

test('a .txt corpus trains a masked LM: loss, perplexity and accuracy in metrics.json, the top 5 per masked position in predictions.jsonl', () => {
  const out = join(dir, 'run');
  const cfg = JSON.stringify({ learningRate: 2e-3, batchSize: 16, loggingSteps: 2, evalStrategy: 'steps', evalSteps: 3 });
  const cfgFile = join(dir, 'config.json');
  writeFileSync(cfgFile, cfg);
  const run = train(['--data', CORPUS, '--model', 'public/models/tiny-bert', '--config', cfgFile, '--max-steps', '6', '--max-length', '32', '--out', out], 900_000);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^task mlm, 540 train \/ 60 validation \/ 0 test examples, max length 32$/m);
  expect(run.stdout).toMatch(/^masked LM: \d+ train blocks of up to 32 tokens \(texts concatenated, group_texts\), mask token \[MASK\]$/m);
  expect(run.stdout).toMatch(/^eval validation step 3 \(best\) loss [\d.]+ perplexity [\d.]+ accuracy [\d.]+$/m);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics).toMatchObject({ task: 'mlm', status: 'completed', steps: 6, best_metric: { name: 'loss' } });
  expect(Object.keys(metrics.validation).sort()).toEqual(['accuracy', 'loss', 'perplexity']);
  expect(metrics.validation.perplexity).toBeCloseTo(Math.exp(metrics.validation.loss), 6);
  // A fresh model guesses among ~4,000 tokens: perplexity in the thousands, not 1 and not infinite.
  expect(metrics.validation.perplexity).toBeGreaterThan(100);

  const preds = readFileSync(join(out, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(preds.length).toBeGreaterThan(20);
  for (const p of preds.slice(0, 5)) {
    expect(Object.keys(p).sort()).toEqual(['gold', 'position', 'row', 'top']);
    expect(p.top).toHaveLength(5);
    expect(Object.keys(p.top[0]).sort()).toEqual(['score', 'token', 'token_str']);
    expect(p.gold.log_prob).toBeLessThanOrEqual(0);
  }
  // npm run eval scores the predictions file back to the run's numbers (each line carries its gold token).
  const printed: string[] = [];
  const status = runEvalCommand(['--task', 'mlm', '--gold', join(out, 'validation.jsonl'), '--pred', join(out, 'predictions.jsonl')], { out: (t) => printed.push(t), err: (t) => printed.push(t) });
  expect(status, printed.join('')).toBe(0);
  const scored = JSON.parse(printed.join(''));
  expect(scored.loss).toBeCloseTo(metrics.validation.loss, 6);
  expect(scored.accuracy).toBeCloseTo(metrics.validation.accuracy, 12);
  expect(scored.masked_tokens).toBe(preds.length);

  const config = JSON.parse(readFileSync(join(out, 'checkpoint/config.json'), 'utf8'));
  expect(config.architectures).toEqual(['BertForMaskedLM']);
  expect(config.id2label).toBeUndefined();
  expect(existsSync(join(out, 'checkpoint/model.safetensors'))).toBe(true);
  // The same folder is transformers.js's layout too (its fill-mask pipeline reads onnx/model.onnx).
  expect(existsSync(join(out, 'checkpoint/onnx/model.onnx'))).toBe(true);
  expect(run.stdout).toMatch(/^ONNX export \(transformers\.js layout\) written to .*checkpoint\/onnx\/model\.onnx$/m);
});

test('--line-by-line is a masked-LM option: on labelled data it is a usage error', () => {
  const run = train(['--data', 'tests/fixtures/train/en_sentiment_poem_train.jsonl', '--model', 'public/models/tiny-bert', '--line-by-line', '--out', join(dir, 'o')]);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/--line-by-line applies to --task mlm \(this data is classification\)/);
});

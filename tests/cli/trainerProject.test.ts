/** `npm run train --out` also writes the run as a Trainer project, with what `train.py --same-order` replays. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseSafetensors } from '../../src/engine/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'trainer-project-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('trainer/ holds the script, the run config, the rows, features, order and the newly initialised head', () => {
  const poem = readFileSync('tests/fixtures/train/en_sentiment_poem_train.jsonl', 'utf8').trim().split('\n');
  const data = join(dir, 'train.jsonl');
  writeFileSync(data, poem.slice(0, 40).join('\n') + '\n');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ batchSize: 8, evalStrategy: 'no', dropout: { hidden: 0, attention: 0, classifier: 0 }, seed: 3 }));
  const out = join(dir, 'run');
  const args = ['tsx', 'scripts/train.ts', '--data', data, '--model', 'public/models/tiny-bert', '--config', cfg, '--max-steps', '1', '--max-length', '32', '--out', out];
  const run = spawnSync('npx', args, { encoding: 'utf8', timeout: 600_000 });
  expect(run.status, run.stderr).toBe(0);
  const project = join(out, 'trainer');
  for (const f of ['train.py', 'tasks.py', 'same_order.py', 'requirements.txt', 'README.md', 'data/train.jsonl', 'data/validation.jsonl']) {
    expect(existsSync(join(project, f)), f).toBe(true);
  }
  const config = JSON.parse(readFileSync(join(project, 'training_config.json'), 'utf8'));
  expect(config).toMatchObject({ task: 'classification', max_length: 32, config: { batchSize: 8, seed: 3, maxSteps: 1 }, training_arguments: { max_steps: 1, seed: 3 } });
  expect(config.model).toMatch(/public\/models\/tiny-bert$/);
  // 10% of the 40 rows held out: the rest are the project's training rows.
  const rows = readFileSync(join(project, 'data/train.jsonl'), 'utf8').trim().split('\n');
  expect(rows.length + readFileSync(join(project, 'data/validation.jsonl'), 'utf8').trim().split('\n').length).toBe(40);
  const features = parseSafetensors(readFileSync(join(project, 'data/features.safetensors')).buffer as ArrayBuffer).tensors;
  expect(features.get('input_ids')!.shape).toEqual([rows.length, 32]);
  const order = JSON.parse(readFileSync(join(project, 'data/order.json'), 'utf8'));
  expect(order.epochs).toHaveLength(1);
  expect(order.epochs[0].flatMap((b: { rows: number[] }) => b.rows).sort((a: number, b: number) => a - b)).toEqual(rows.map((_, i) => i));
  // The tiny model has no pooler and no classifier: the run initialises both, and the project carries them.
  const initial = parseSafetensors(readFileSync(join(project, 'data/initial_weights.safetensors')).buffer as ArrayBuffer).tensors;
  expect([...initial.keys()].sort()).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
  expect(run.stdout).toMatch(/Newly initialised \(not in checkpoint\): bert\.pooler\.dense\.weight, bert\.pooler\.dense\.bias, classifier\.weight, classifier\.bias/);
});

/** `npm run train` as automation sees it: exit codes, messages, and the files it writes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runEvalCommand } from '../../scripts/lib/evalCommand.ts';
import { decodeQaAnswer, type QaWindow } from '../../src/metrics/qaDecode.ts';

const dir = mkdtempSync(join(tmpdir(), 'train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (args: string[], timeout = 60_000) => spawnSync('npx', ['tsx', 'scripts/train.ts', ...args], { encoding: 'utf8', timeout });
const poem = readFileSync('tests/fixtures/train/en_sentiment_poem_train.jsonl', 'utf8').trim().split('\n');

test('bad flags print the usage and exit 2', () => {
  const missing = train(['--data', 'tests/fixtures/train/en_sentiment_poem_train.jsonl']);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/--model is required/);
  expect(missing.stderr).toMatch(/usage: npm run train -- --data <train file>/);
  const unknown = train(['--data', 'x', '--model', 'y', '--out', 'z', '--epochs', '3']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/unknown argument --epochs/);
  const fraction = train(['--data', 'x', '--model', 'y', '--out', 'z', '--valid-fraction', '1']);
  expect(fraction.status).toBe(2);
  expect(fraction.stderr).toMatch(/--valid-fraction must be a number in \[0, 1\) \(got 1\)/);
  const init = train(['--data', 'x', '--model', 'y', '--out', 'z', '--init', 'zeros']);
  expect(init.status).toBe(2);
  expect(init.stderr).toMatch(/--init must be pretrained or random \(got zeros\)/);
  const cfg = join(dir, 'bad-config.json');
  writeFileSync(cfg, JSON.stringify({ learning_rate: 1e-3, batchSize: 0 }));
  const badConfig = train(['--data', 'tests/fixtures/train/en_sentiment_poem_train.jsonl', '--model', 'public/models/tiny-bert', '--config', cfg, '--out', join(dir, 'o')]);
  expect(badConfig.status).toBe(2);
  expect(badConfig.stderr).toMatch(/unknown field\(s\) learning_rate/);
});

test('bad data reports file, line and field, and exits 1', () => {
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, [...poem.slice(0, 20), '{"text": "no label here"}', ...poem.slice(20, 40)].join('\n') + '\n');
  const run = train(['--data', bad, '--model', 'public/models/tiny-bert', '--out', join(dir, 'o')]);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/bad\.jsonl:21: label/);
});

test('a short run writes metrics.json, history.jsonl, predictions.jsonl and an HF checkpoint', () => {
  const trainFile = join(dir, 'train.jsonl');
  const validFile = join(dir, 'valid.jsonl');
  writeFileSync(trainFile, poem.slice(0, 64).join('\n') + '\n');
  writeFileSync(validFile, poem.slice(-24).join('\n') + '\n');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ learningRate: 1e-3, batchSize: 8, loggingSteps: 2, evalStrategy: 'steps', evalSteps: 2 }));
  const out = join(dir, 'run');
  const run = train(['--data', trainFile, '--valid', validFile, '--model', 'public/models/tiny-bert', '--config', cfg, '--max-steps', '4', '--max-length', '32', '--out', out], 900_000);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^step 2\/4 epoch [\d.]+ loss [\d.]+ lr [\d.e+-]+ grad_norm [\d.]+ tokens\/s \d+$/m);
  expect(run.stdout).toMatch(/^eval validation step 2 \(best\) loss [\d.]+ accuracy/m);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics).toMatchObject({ task: 'classification', status: 'completed', steps: 4, best_metric: { name: 'accuracy' } });
  const history = readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(history.filter((h) => h.type === 'step').map((h) => h.step)).toEqual([2, 4]);
  const evals = history.filter((h) => h.type === 'eval' && h.split === 'validation');
  expect(evals.map((h) => h.step)).toEqual([2, 4]);
  // The best step is the first evaluation with the highest accuracy (a tie keeps the earlier, as the Trainer does),
  // and metrics.json's numbers are that evaluation's: the best weights are put back before the final evaluation.
  const bestAccuracy = Math.max(...evals.map((h) => h.result.metrics.accuracy));
  const best = evals.find((h) => h.result.metrics.accuracy === bestAccuracy)!;
  expect(metrics.best_step).toBe(best.step);
  expect(metrics.best_metric.value).toBe(bestAccuracy);
  expect(metrics.validation.accuracy).toBeCloseTo(bestAccuracy, 12);
  expect(metrics.validation.f1_macro).toBeCloseTo(best.result.metrics.f1_macro, 12);
  // npm run eval on the written predictions against the --valid file gives the same numbers back.
  const printed: string[] = [];
  const status = runEvalCommand(['--task', 'classification', '--gold', validFile, '--pred', join(out, 'predictions.jsonl')], { out: (t) => printed.push(t), err: (t) => printed.push(t) });
  expect(status, printed.join('')).toBe(0);
  const scored = JSON.parse(printed.join(''));
  expect(scored.accuracy).toBeCloseTo(metrics.validation.accuracy, 12);
  expect(scored.f1_macro).toBeCloseTo(metrics.validation.f1_macro, 12);
  const preds = readFileSync(join(out, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(preds).toHaveLength(24);
  expect(Object.keys(preds[0].scores).sort()).toEqual(['mixed', 'negative', 'no_impact', 'positive']);
  expect(typeof preds[0].label).toBe('string');
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json']) expect(existsSync(join(out, 'checkpoint', f)), f).toBe(true);
  const config = JSON.parse(readFileSync(join(out, 'checkpoint/config.json'), 'utf8'));
  expect(config.architectures).toEqual(['BertForSequenceClassification']);
  expect(Object.values(config.id2label).sort()).toEqual(['mixed', 'negative', 'no_impact', 'positive']);
});

test('without --valid, 10% of --data is held out as in the app (QA: whole contexts); QA predictions carry their answer offset', () => {
  type Row = { id: string; context: string; answers: { text: string[] } };
  const rows = readFileSync('tests/fixtures/data/en_qa_xquad_en.jsonl', 'utf8').trim().split('\n').slice(0, 40);
  const trainFile = join(dir, 'qa.jsonl');
  writeFileSync(trainFile, rows.join('\n') + '\n');
  const out = join(dir, 'qa-out');
  const run = train(['--data', trainFile, '--model', 'public/models/tiny-bert', '--max-steps', '1', '--max-length', '128', '--stride', '32', '--out', out], 600_000);
  expect(run.status, run.stderr).toBe(0);
  const [, nTrain, nValid] = /^task qa, (\d+) train \/ (\d+) validation \/ 0 test examples/m.exec(run.stdout)!.map(Number);
  expect(nTrain + nValid).toBe(40);
  expect(nValid).toBeGreaterThan(0);
  expect(run.stdout).toMatch(/^validation: 10% of --data held out \(seed 42, whole contexts\)/m);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const k of ['exact_match', 'f1', 'korquad_exact_match', 'korquad_f1']) expect(typeof metrics.validation[k], k).toBe('number');
  const byId = new Map(rows.map((l) => JSON.parse(l) as Row).map((r) => [r.id, r]));
  const preds = readFileSync(join(out, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(preds).toHaveLength(nValid);
  for (const p of preds) {
    const context = byId.get(p.id)!.context;
    // A 1-step model still finds some span in every context; the offset points at the text in its context.
    expect(p.prediction_text.length).toBeGreaterThan(0);
    expect(context.slice(p.answer_start, p.answer_start + p.prediction_text.length)).toBe(p.prediction_text);
  }
  // The held-out rows are written as gold: npm run eval on them gives metrics.json's numbers back.
  const printed: string[] = [];
  const status = runEvalCommand(['--task', 'qa', '--gold', join(out, 'validation.jsonl'), '--pred', join(out, 'predictions.jsonl')], { out: (t) => printed.push(t), err: (t) => printed.push(t) });
  expect(status, printed.join('')).toBe(0);
  const scored = JSON.parse(printed.join(''));
  expect(scored['squad_v1.1'].exact_match).toBeCloseTo(metrics.validation.exact_match, 9);
  expect(scored['squad_v1.1'].f1).toBeCloseTo(metrics.validation.f1, 9);
  expect(scored['korquad_v1.0'].f1).toBeCloseTo(metrics.validation.korquad_f1, 9);
  // qa_logits.jsonl (for npm run ensemble): every window's logits from the exported ONNX model; decoded as the
  // studio decodes, they give predictions.jsonl's answers.
  const windows = new Map<string, QaWindow[]>();
  for (const line of readFileSync(join(out, 'qa_logits.jsonl'), 'utf8').trim().split('\n')) {
    const w = JSON.parse(line) as QaWindow & { id: string };
    if (!windows.has(w.id)) windows.set(w.id, []);
    windows.get(w.id)!.push(w);
  }
  expect([...windows.keys()].sort()).toEqual(preds.map((p) => p.id).sort());
  expect(run.stdout).toMatch(new RegExp(`^qa_logits.jsonl: start/end logits of ${[...windows.values()].flat().length} validation windows`, 'm'));
  for (const p of preds) expect(decodeQaAnswer(windows.get(p.id)!, { context: byId.get(p.id)!.context }).text, p.id).toBe(p.prediction_text);
});

test('--init random trains the architecture from scratch: every weight re-initialised, said in the load report', () => {
  const trainFile = join(dir, 'scratch.jsonl');
  writeFileSync(trainFile, poem.slice(0, 16).join('\n') + '\n');
  const out = join(dir, 'scratch');
  const args = ['--data', trainFile, '--valid-fraction', '0', '--model', 'public/models/tiny-bert', '--max-steps', '1', '--max-length', '16', '--kernels', 'flat', '--out', out];
  const run = train([...args, '--init', 'random'], 900_000);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/Every weight initialised at random \(HF's init, seed 42\): training from scratch/);
  const pretrained = train(args, 900_000);
  expect(pretrained.status).toBe(0);
  expect(pretrained.stdout).not.toMatch(/initialised at random/);
});

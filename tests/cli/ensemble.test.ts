/**
 * `npm run ensemble` on run folders made by hand (metrics.json, predictions.jsonl, checkpoint/config.json, as
 * `npm run train --out` writes them; no training): what it writes, that `npm run eval` scores its
 * predictions.jsonl to its metrics.json numbers, and the errors that name the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runEnsembleCommand } from '../../scripts/lib/ensembleCommand.ts';
import { runEvalCommand } from '../../scripts/lib/evalCommand.ts';

const dir = mkdtempSync(join(tmpdir(), 'ensemble-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

function makeRun(name: string, task: string, labels: string[] | null, predictions: object[]): string {
  const run = join(dir, name);
  mkdirSync(join(run, 'checkpoint'), { recursive: true });
  writeFileSync(join(run, 'metrics.json'), JSON.stringify({ task, model: 'public/models/tiny-bert', status: 'completed', validation: {} }));
  writeFileSync(join(run, 'predictions.jsonl'), jsonl(predictions));
  if (labels) writeFileSync(join(run, 'checkpoint', 'config.json'), JSON.stringify({ architectures: ['BertForSequenceClassification'], id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])) }));
  return run;
}

function command(argv: string[]): { status: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const status = runEnsembleCommand(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { status, out: out.join(''), err: err.join('') };
}

function evaluate(task: string, gold: string, pred: string): Record<string, unknown> {
  const printed: string[] = [];
  const status = runEvalCommand(['--task', task, '--gold', gold, '--pred', pred], { out: (t) => printed.push(t), err: (t) => printed.push(t) });
  expect(status, printed.join('')).toBe(0);
  return JSON.parse(printed.join(''));
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

// Six rows of three classes; each member is right on four, and never on the same two wrong rows.
const LABELS = ['neg', 'neu', 'pos'];
const GOLD = ['neg', 'neu', 'pos', 'neg', 'neu', 'pos'];
const line = (p: number[]) => ({ label: LABELS[p.indexOf(Math.max(...p))], scores: Object.fromEntries(LABELS.map((l, k) => [l, p[k]])) });
const hit = (g: string) => LABELS.map((l) => (l === g ? 0.6 : 0.2));
const miss = (g: string) => LABELS.map((l, k) => (l === g ? 0.1 : k === (LABELS.indexOf(g) + 1) % 3 ? 0.7 : 0.2));
const member = (wrong: number[]) => GOLD.map((g, r) => line(wrong.includes(r) ? miss(g) : hit(g)));

describe('classification', () => {
  const gold = join(dir, 'cls-gold.jsonl');
  writeFileSync(gold, jsonl(GOLD.map((label, i) => ({ text: `row ${i}`, label }))));
  const runs = [makeRun('cls-a', 'classification', LABELS, member([0, 1])), makeRun('cls-b', 'classification', LABELS, member([2, 3])), makeRun('cls-c', 'classification', [...LABELS].reverse(), member([4, 5]))];

  test('three members at 4/6 each make a 6/6 ensemble; metrics.json is what npm run eval says of predictions.jsonl', () => {
    const out = join(dir, 'cls-ens');
    const r = command(['--runs', ...runs, '--gold', gold, '--out', out]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain(`ensemble of 3 classification runs on 6 rows of ${gold}`);
    expect(r.out).toContain(`  ${runs[0]}: accuracy 0.6667, weight 0.333`);
    expect(r.out).toMatch(/^ensemble accuracy 1 \(best member 0\.6667\)$/m);
    const preds = readFileSync(join(out, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(preds.map((p) => p.label)).toEqual(GOLD);
    // row 0: neg (.1 + .6 + .6) / 3, neu (.7 + .2 + .2) / 3, pos .2
    expect(preds[0].scores.neg).toBeCloseTo(1.3 / 3, 12);
    expect(preds[0].scores.neu).toBeCloseTo(1.1 / 3, 12);

    const metrics = read(join(out, 'metrics.json'));
    expect(metrics).toMatchObject({ task: 'classification', status: 'completed', test: null });
    const scored = evaluate('classification', gold, join(out, 'predictions.jsonl'));
    expect(metrics.report).toEqual(scored);
    for (const k of ['accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'precision_macro', 'recall_macro']) expect(metrics.validation[k]).toBe(scored[k]);
    expect(metrics.validation.accuracy).toBe(1);

    const ensemble = read(join(out, 'ensemble.json'));
    expect(ensemble).toMatchObject({ task: 'classification', labels: LABELS, metric: 'accuracy', weights: { mode: 'equal', search: null }, ensemble: { score: 1 } });
    expect(ensemble.members.map((m: { run: string; score: number }) => [m.run, m.score])).toEqual(runs.map((run) => [run, 4 / 6]));
    // Each member's numbers are npm run eval's on its own predictions.
    expect(ensemble.members[1].metrics.f1_macro).toBe(evaluate('classification', gold, join(runs[1], 'predictions.jsonl')).f1_macro);
  });

  test('--weights search reports the grid; the output folder is itself a run an ensemble can take', () => {
    const out = join(dir, 'cls-search');
    const r = command(['--runs', runs[0], runs[1], '--gold', gold, '--weights', 'search', '--out', out]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/^weights searched \(grid, step 0\.1, 11 weightings scored\): accuracy [\d.]+ with equal weights, [\d.]+ with [\d.]+ \/ [\d.]+$/m);
    const ensemble = read(join(out, 'ensemble.json'));
    expect(ensemble.weights.mode).toBe('search');
    expect(ensemble.weights.search.evaluated).toBe(11);
    expect(ensemble.weights.values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    const again = command(['--runs', out, runs[2], '--gold', gold, '--out', join(dir, 'cls-nested')]);
    expect(again.status, again.err).toBe(0);
  });

  test('npm run ensemble runs the same command (exit codes 0 / 2)', () => {
    const ok = spawnSync('npm', ['run', '-s', 'ensemble', '--', '--runs', ...runs, '--gold', gold, '--weights', '1,1,2', '--out', join(dir, 'cls-npm')], { encoding: 'utf8', timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(read(join(dir, 'cls-npm', 'ensemble.json')).weights).toMatchObject({ mode: 'given', values: [0.25, 0.25, 0.5] });
    const bad = spawnSync('npm', ['run', '-s', 'ensemble', '--', '--runs', runs[0], '--gold', gold, '--out', join(dir, 'x')], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/an ensemble needs at least 2 --runs/);
  });

  test('errors name the file: another task, other labels, another row count; bad arguments exit 2', () => {
    const ml = makeRun('ml-x', 'multilabel', LABELS, [{ labels: [], scores: { neg: 0, neu: 0, pos: 0 } }]);
    let r = command(['--runs', runs[0], ml, '--gold', gold, '--out', join(dir, 'e')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`${join(ml, 'metrics.json')}: task multilabel, but ${join(runs[0], 'metrics.json')} has task classification`);

    const other = makeRun('cls-other', 'classification', ['neg', 'pos'], member([]));
    r = command(['--runs', runs[0], other, '--gold', gold, '--out', join(dir, 'e')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`${join(other, 'checkpoint', 'config.json')}: labels differ from ${join(runs[0], 'checkpoint', 'config.json')} (lacks neu)`);

    const short = makeRun('cls-short', 'classification', LABELS, member([]).slice(1));
    r = command(['--runs', runs[0], short, '--gold', gold, '--out', join(dir, 'e')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`${join(short, 'predictions.jsonl')}: 5 prediction rows but ${gold} has 6 gold rows`);

    r = command(['--runs', runs[0], join(dir, 'nowhere'), '--gold', gold, '--out', join(dir, 'e')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`${join(dir, 'nowhere')}: no such run folder`);

    const unlabelled = makeRun('cls-nolabels', 'classification', null, member([]));
    r = command(['--runs', runs[0], unlabelled, '--gold', gold, '--out', join(dir, 'e')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`${join(unlabelled, 'checkpoint', 'config.json')}: no such file (a run's labels are read from its checkpoint's id2label)`);

    expect(command(['--runs', ...runs, '--gold', gold]).status).toBe(2);
    expect(command(['--runs', ...runs, '--gold', gold, '--out', 'o', '--weights', '1,2']).err).toMatch(/expected equal, search, or 3 non-negative numbers/);
  });
});

test('multi-label: thresholds re-tuned on the mean, npm run eval agrees with metrics.json', () => {
  const labels = ['a', 'b'];
  const gold = join(dir, 'ml-gold.jsonl');
  writeFileSync(gold, jsonl([{ text: 'x', labels: ['a'] }, { text: 'y', labels: ['b'] }, { text: 'z', labels: ['a', 'b'] }, { text: 'w', labels: [] }]));
  const lines = (rows: number[][]) => rows.map(([a, b]) => ({ labels: labels.filter((_, k) => [a, b][k] >= 0.5), scores: { a, b } }));
  const a = makeRun('ml-a', 'multilabel', labels, lines([[0.45, 0.2], [0.1, 0.7], [0.4, 0.6], [0.3, 0.1]]));
  const b = makeRun('ml-b', 'multilabel', labels, lines([[0.35, 0.1], [0.2, 0.3], [0.6, 0.4], [0.1, 0.2]]));
  const out = join(dir, 'ml-ens');
  const r = command(['--runs', a, b, '--gold', gold, '--out', out]);
  expect(r.status, r.err).toBe(0);
  // mean a: .4 .15 .5 .2 (positives rows 0, 2 → threshold .4); mean b: .15 .5 .5 .15 (positives rows 1, 2 → .5)
  const ensemble = read(join(out, 'ensemble.json'));
  expect(ensemble.thresholds.a).toBeCloseTo(0.4, 12);
  expect(ensemble.thresholds.b).toBeCloseTo(0.5, 12);
  expect(ensemble.ensemble.score).toBe(1);
  expect(r.out).toMatch(/with its own thresholds tuned on --gold/);
  const metrics = read(join(out, 'metrics.json'));
  const scored = evaluate('multilabel', gold, join(out, 'predictions.jsonl'));
  expect(metrics.report).toEqual(scored);
  expect(metrics.validation.f1_micro).toBe(scored.f1_micro);
  expect(metrics.validation.f1_micro).toBe(1);
});

test('QA from predictions.jsonl alone: votes on the answers and says what logit averaging would need', () => {
  const gold = join(dir, 'qa-gold.jsonl');
  writeFileSync(gold, jsonl([{ id: 'q1', question: 'Where?', context: 'in Paris, France', answers: { text: ['Paris'], answer_start: [3] } }]));
  const a = makeRun('qa-a', 'qa', null, [{ id: 'q1', prediction_text: 'Paris', answer_start: 3, score: 3, probability: 0.4 }]);
  const b = makeRun('qa-b', 'qa', null, [{ id: 'q1', prediction_text: 'Paris, France', answer_start: 3, score: 4, probability: 0.7 }]);
  const c = makeRun('qa-c', 'qa', null, [{ id: 'q1', prediction_text: 'Paris', answer_start: 3, score: 2, probability: 0.35 }]);
  const out = join(dir, 'qa-ens');
  const r = command(['--runs', a, b, c, '--gold', gold, '--out', out]);
  expect(r.status, r.err).toBe(0);
  expect(r.out).toMatch(/^method: vote on prediction_text weighted by member weight × answer probability \(fallback: no per-window logits\)$/m);
  expect(r.out).toMatch(/^note: QA: .* have no qa_logits\.jsonl, so the answers were voted on instead of averaging start\/end logits per window\. Averaging logits needs every run folder to hold qa_logits\.jsonl/m);
  const metrics = read(join(out, 'metrics.json'));
  expect(metrics.validation).toMatchObject({ exact_match: 100, f1: 100 });
  expect(metrics.report).toEqual(evaluate('qa', gold, join(out, 'predictions.jsonl')));

  // A qa_logits.jsonl line that does not add up is reported with its line.
  writeFileSync(join(a, 'qa_logits.jsonl'), jsonl([{ id: 'q1', start_logits: [0, 1], end_logits: [0], offsets: [null, [0, 2]] }]));
  const bad = command(['--runs', a, b, '--gold', gold, '--out', join(dir, 'qa-bad')]);
  expect(bad.status).toBe(1);
  expect(bad.err).toContain(`${join(a, 'qa_logits.jsonl')}:1: 2 start_logits, 1 end_logits and 2 offsets (one of each per token)`);

  // With qa_logits.jsonl in every run the logits are averaged instead.
  const window = (start: number[], end: number[]) => ({ id: 'q1', start_logits: start, end_logits: end, offsets: [null, [0, 2], [3, 8], [10, 16]] });
  writeFileSync(join(a, 'qa_logits.jsonl'), jsonl([window([0, 0, 5, 0], [0, 0, 5, 0])]));
  writeFileSync(join(b, 'qa_logits.jsonl'), jsonl([window([0, 0, 4, 0], [0, 0, 1, 5])]));
  writeFileSync(join(c, 'qa_logits.jsonl'), jsonl([window([0, 0, 4, 0], [0, 0, 4, 0])]));
  const withLogits = command(['--runs', a, b, c, '--gold', gold, '--out', join(dir, 'qa-logits')]);
  expect(withLogits.status, withLogits.err).toBe(0);
  expect(withLogits.out).toMatch(/^method: mean of the members' start\/end logits per window, then n-best decoding$/m);
  expect(withLogits.out).not.toMatch(/^note: QA/m);
  // mean start [0, 0, 13/3, 0], end [0, 0, 10/3, 5/3]: "Paris" (2, 2) beats "Paris, France" (2, 3)
  const [pred] = readFileSync(join(dir, 'qa-logits', 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(pred).toMatchObject({ id: 'q1', prediction_text: 'Paris', answer_start: 3 });
  expect(pred.score).toBeCloseTo(23 / 3, 12);
});

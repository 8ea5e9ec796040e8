/** The `ensemble` command (scripts/ensemble.ts), as a function so tests can run it in-process. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEnsemble, type EnsembleResult } from '../../src/ensemble/index.ts';
import { InputError, readJsonl } from './jsonl.ts';
import { checkSameRuns, readRunFolder, type RunFolder } from './ensembleRuns.ts';

const USAGE = `usage: npm run ensemble -- --runs <run dir> <run dir> [...] --gold <validation.jsonl> [--weights equal|search|w1,w2,...] --out <dir>
  A run dir is an \`npm run train --out\` folder: metrics.json (task), predictions.jsonl, checkpoint/config.json (id2label).
  --gold    the rows the runs predicted, in predictions.jsonl order (the run's validation.jsonl)
  --weights equal (default); search: a grid (<= 4 runs) or coordinate ascent on --gold for the task's default metric;
            or one number per run
  Writes <out>/predictions.jsonl and metrics.json (as npm run train / npm run eval) and ensemble.json.
  QA averages start/end logits per window when every run holds qa_logits.jsonl, else votes on the answers.`;

class UsageError extends Error {}

interface EnsembleArgs {
  runs: string[];
  gold: string;
  out: string;
  weights: 'equal' | 'search' | number[];
}

/** `--runs` takes every argument up to the next option, so a shell glob (`--runs out/seed-*`) works. */
function parseCommandLine(argv: string[]): EnsembleArgs | 'help' {
  const runs: string[] = [];
  const single: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--runs') {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) runs.push(argv[++i]);
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name === null) throw new UsageError(`unexpected argument "${arg}"`);
    if (!['gold', 'out', 'weights'].includes(name)) throw new UsageError(`unknown option ${arg}`);
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${arg} needs a value`);
    single[name] = argv[++i];
  }
  if (runs.length < 2) throw new UsageError(runs.length ? 'an ensemble needs at least 2 --runs' : 'missing --runs');
  for (const name of ['gold', 'out']) if (!single[name]) throw new UsageError(`missing --${name}`);
  const w = single.weights ?? 'equal';
  let weights: EnsembleArgs['weights'];
  if (w === 'equal' || w === 'search') weights = w;
  else {
    weights = w.split(',').map(Number);
    if (weights.length !== runs.length || weights.some((x) => !Number.isFinite(x) || x < 0) || weights.every((x) => x === 0)) {
      throw new UsageError(`--weights ${w}: expected equal, search, or ${runs.length} non-negative numbers separated by commas (not all 0)`);
    }
  }
  return { runs, gold: single.gold, out: single.out, weights };
}

export interface EnsembleIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(4));

function report(r: EnsembleResult, runs: RunFolder[], gold: string, rows: number): string[] {
  const lines = [`ensemble of ${runs.length} ${r.task} runs on ${rows} rows of ${gold}`];
  for (const m of r.members) {
    const tuned = m.tunedScore !== undefined ? ` (${fmt(m.tunedScore)} with its own thresholds tuned on --gold)` : '';
    lines.push(`  ${m.name}: ${r.metric} ${fmt(m.score)}${tuned}, weight ${m.weight.toFixed(3)}`);
  }
  lines.push(`method: ${r.method}`);
  if (r.search) {
    lines.push(`weights searched (${r.search.method}, step ${r.search.step}, ${r.search.evaluated} weightings scored): ${r.metric} ${fmt(r.search.equalScore)} with equal weights, ${fmt(r.search.score)} with ${r.weights.map((w) => w.toFixed(2)).join(' / ')}`);
  }
  if (r.thresholds) lines.push(`thresholds re-tuned on the ensemble: ${Object.entries(r.thresholds).map(([l, t]) => `${l} ${fmt(t)}`).join(', ')}`);
  const bestMember = Math.max(...r.members.map((m) => m.tunedScore ?? m.score));
  lines.push(`ensemble ${r.metric} ${fmt(r.score)} (best member ${fmt(bestMember)}${r.thresholds ? ' with its own tuned thresholds' : ''})`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines;
}

function writeOutputs(out: string, r: EnsembleResult, runs: RunFolder[], gold: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'predictions.jsonl'), r.predictions.map((p) => `${JSON.stringify(p)}\n`).join(''));
  const metrics = { task: r.task, model: `ensemble of ${runs.length} runs`, status: 'completed', validation: r.metrics, test: null, report: r.report, ensemble: 'ensemble.json' };
  writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  const ensemble = {
    task: r.task,
    labels: runs[0].labels,
    gold,
    metric: r.metric,
    method: r.method,
    notes: r.notes,
    weights: { mode: r.weightMode, values: r.weights, search: r.search },
    members: r.members.map((m) => ({ run: m.name, weight: m.weight, score: m.score, ...(m.tunedScore !== undefined ? { tuned_score: m.tunedScore } : {}), metrics: m.metrics })),
    ensemble: { score: r.score, metrics: r.metrics },
    ...(r.thresholds ? { thresholds: r.thresholds } : {}),
  };
  writeFileSync(join(out, 'ensemble.json'), `${JSON.stringify(ensemble, null, 2)}\n`);
}

/** Runs `ensemble` with the given arguments and returns the exit status (0 ok, 1 bad data, 2 bad command line). */
export function runEnsembleCommand(argv: string[], io: EnsembleIo): number {
  let args: ReturnType<typeof parseCommandLine>;
  try {
    args = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`ensemble: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const runs = args.runs.map(readRunFolder);
    checkSameRuns(runs);
    const gold = readJsonl(args.gold);
    const result = runEnsemble(
      { task: runs[0].task, labels: runs[0].labels, goldFile: args.gold, gold, members: runs.map((r) => r.member), weights: args.weights },
      (message) => io.err(`warning: ${message}\n`),
    );
    writeOutputs(args.out, result, runs, args.gold);
    io.out([...report(result, runs, args.gold, gold.length), `wrote ${['predictions.jsonl', 'metrics.json', 'ensemble.json'].map((f) => join(args.out, f)).join(', ')}`].map((l) => `${l}\n`).join(''));
    return 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.err(`ensemble: ${err.message}\n`);
    return 1;
  }
}

/**
 * npm run inspect -- <file> [<file>…] [--task auto|classification|pair|multilabel|qa|ner|mlm]
 *                    [--model <hub id or local model dir>] [--max-length N] [--stride N]
 *
 * Runs the data worker's handler in Node on the files and prints one JSON report on stdout: task, column
 * mapping, rows per file, the first 20 errors, label distribution and, with --model, token-length
 * quantiles and QA window coverage. Exit status 1 when a file cannot be used at all, 2 on bad arguments.
 * The flags and the output keys are part of the product: add, never rename.
 */
import { existsSync, openAsBlob, statSync } from 'node:fs';
import { createDataHandler } from '../src/data/handler.ts';
import { defaultMaxLength } from '../src/data/session.ts';
import type { DataEvent, DataRequest, DataSummary, TokenStats } from '../src/protocol/data.ts';
import type { Task } from '../src/data/types.ts';
import { TASKS as REGISTRY } from '../src/tasks/index.ts';
import { modelSource } from './lib/node-source.ts';

const TASKS = ['auto', ...REGISTRY.list().map((t) => t.name)];
const MAX_ERRORS = 20;

interface Args {
  files: string[];
  task: Task | 'auto';
  model?: string;
  maxLength?: number;
  stride?: number;
}

function usage(message: string): never {
  process.stderr.write(`inspect: ${message}\nusage: npm run inspect -- <file> [<file>…] [--task ${TASKS.join('|')}] [--model <hub id or dir>] [--max-length N] [--stride N]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { files: [], task: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    const int = () => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) <= 0) usage(`${a} takes a positive integer, got "${v}"`);
      return Number(v);
    };
    if (a === '--task') {
      const t = value();
      if (!(TASKS as readonly string[]).includes(t)) usage(`unknown task "${t}"`);
      args.task = t as Args['task'];
    } else if (a === '--model') args.model = value();
    else if (a === '--max-length') args.maxLength = int();
    else if (a === '--stride') args.stride = int();
    else if (a.startsWith('--')) usage(`unknown flag ${a}`);
    else args.files.push(a);
  }
  if (!args.files.length) usage('no input file');
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  for (const f of args.files) if (!existsSync(f) || !statSync(f).isFile()) usage(`no such file: ${f}`);

  const events: DataEvent[] = [];
  const showProgress = process.stderr.isTTY;
  const handle = createDataHandler(
    (e) => {
      if (e.type === 'progress') {
        if (showProgress) process.stderr.write(`\r${e.stage} ${e.file ?? ''} ${e.total ? Math.round((100 * e.loaded) / e.total) : e.loaded}%   `);
      } else events.push(e);
    },
    { modelSource: () => modelSource(args.model!) },
  );
  const ask = async <T extends DataEvent['type']>(req: DataRequest, want: T): Promise<Extract<DataEvent, { type: T }>> => {
    await handle(req);
    const e = events.pop();
    if (e?.type === 'error') throw new Error(e.message);
    if (e?.type !== want) throw new Error(`unexpected answer ${e?.type ?? 'none'} to ${req.type}`);
    return e as Extract<DataEvent, { type: T }>;
  };

  const files = await Promise.all(args.files.map(async (f) => ({ name: f, blob: await openAsBlob(f) })));
  const { summary } = await ask({ type: 'parse', id: 1, files, task: args.task }, 'parsed');
  if (showProgress) process.stderr.write('\r\x1b[K');
  const report = reportOf(summary);

  // Tokenizer-dependent sections come last: the file report above stands on its own.
  if (args.model && summary.task && !summary.error) {
    await ask({ type: 'loadTokenizer', id: 2, model: { kind: 'hub', modelId: args.model } }, 'tokenizerLoaded');
    const maxLength = args.maxLength ?? defaultMaxLength(summary.task);
    const { stats } = await ask({ type: 'tokenStats', id: 3, maxLength, stride: args.stride ?? 128 }, 'tokenStats');
    Object.assign(report, tokenSections(stats));
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return summary.error || summary.files.some((f) => f.error) ? 1 : 0;
}

function reportOf(s: DataSummary): Record<string, unknown> {
  return {
    task: s.task,
    columns: s.columns,
    files: s.files.map((f) => ({
      file: f.file,
      rows: f.rows,
      valid: f.valid,
      invalid: f.invalid,
      split: f.split,
      split_why: f.splitWhy,
      format: f.format,
      labels: f.labels,
      ...(f.error ? { error: f.error } : {}),
      ...(f.warnings?.length ? { warnings: f.warnings } : {}),
    })),
    errors: s.errors.slice(0, MAX_ERRORS),
    error_count: s.errorCount,
    invalid_rows: s.invalidRows,
    labels: s.labelCounts,
    label_names: s.labels,
    ...(s.tagScheme ? { tag_scheme: s.tagScheme } : {}),
    splits: s.splits,
    chars: { p50: s.chars.p50, p95: s.chars.p95, p99: s.chars.p99, max: s.chars.max, mean: s.chars.mean },
    ...(s.task ? REGISTRY.get(s.task).inspectSection?.({ rows: s.splits.train + s.splits.validation + s.splits.test, labelCounts: s.labelCounts }) : {}),
    ...(s.error ? { error: s.error } : {}),
  };
}

function tokenSections(stats: TokenStats): Record<string, unknown> {
  const t = stats.tokens;
  const out: Record<string, unknown> = {
    tokens: {
      p50: t.p50,
      p95: t.p95,
      p99: t.p99,
      max: t.max,
      mean: t.mean,
      max_length_95: t.suggestion.cover95,
      max_length_99: t.suggestion.cover99,
      suggested_max_length: t.suggestion.suggested,
      max_length: t.maxLength,
      truncated: t.truncated,
      histogram: t.histogram,
    },
  };
  if (stats.qa) {
    const q = stats.qa;
    out.qa = {
      questions: q.questions,
      unanswerable: q.unanswerable,
      windows: q.windows,
      answer_coverage_rate: q.answer_coverage_rate,
      answer_recovery_rate: q.answer_recovery_rate,
      answer_windows: q.answer_windows,
      max_length: q.maxLength,
      stride: q.stride,
      uncovered: q.uncovered.slice(0, MAX_ERRORS),
      inexact: q.inexact.slice(0, MAX_ERRORS),
    };
  }
  return out;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`inspect: ${e.message}\n`);
    process.exit(1);
  },
);

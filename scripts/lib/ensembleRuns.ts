/**
 * Reads the run folders `npm run ensemble` combines: what `npm run train --out` writes (metrics.json with the
 * task, predictions.jsonl, checkpoint/config.json with id2label), an ensemble's own output folder (its labels in
 * ensemble.json), and optionally qa_logits.jsonl (per-window QA logits). Errors name the file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EnsembleMember } from '../../src/ensemble/index.ts';
import type { QaWindow } from '../../src/metrics/qaDecode.ts';
import { TASKS } from '../../src/tasks/index.ts';
import { at, InputError, readJsonl } from './jsonl.ts';

export interface RunFolder {
  dir: string;
  task: string;
  /** Label vocabulary in id order (empty for tasks without one, QA). */
  labels: string[];
  /** Where `labels` came from, for error messages. */
  labelsFile: string | null;
  member: EnsembleMember;
}

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: invalid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${file}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** id2label's values in id order. */
function labelsOfConfig(file: string): string[] {
  const id2label = readJson(file).id2label;
  if (id2label === null || typeof id2label !== 'object' || Array.isArray(id2label)) throw new InputError(`${file}: no "id2label" (the run's labels)`);
  const entries = Object.entries(id2label as Record<string, unknown>).map(([id, label]) => [Number(id), label] as const);
  if (entries.some(([id, label]) => !Number.isInteger(id) || typeof label !== 'string')) throw new InputError(`${file}: "id2label" must map integer ids to label names`);
  return entries.sort((a, b) => a[0] - b[0]).map(([, label]) => label as string);
}

function runLabels(dir: string, task: string): { labels: string[]; labelsFile: string | null } {
  if (!TASKS.get(task).hasLabelVocabulary) return { labels: [], labelsFile: null };
  const config = join(dir, 'checkpoint', 'config.json');
  if (existsSync(config)) return { labels: labelsOfConfig(config), labelsFile: config };
  const ensemble = join(dir, 'ensemble.json');
  if (existsSync(ensemble)) {
    const labels = readJson(ensemble).labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) throw new InputError(`${ensemble}: "labels" must be an array of strings`);
    return { labels: labels as string[], labelsFile: ensemble };
  }
  throw new InputError(`${config}: no such file (a run's labels are read from its checkpoint's id2label)`);
}

function numberArray(file: string, line: number, value: unknown, what: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw at(file, line, `"${what}" must be an array of finite numbers`);
  return value as number[];
}

/** qa_logits.jsonl: one line per window, {"id", "start_logits", "end_logits", "offsets"}, windows of an id in order. */
export function readQaLogits(file: string): Map<string, QaWindow[]> {
  const byId = new Map<string, QaWindow[]>();
  for (const row of readJsonl(file)) {
    const { id, offsets } = row.value;
    if (typeof id !== 'string') throw at(file, row.line, '"id" must be a string');
    const start = numberArray(file, row.line, row.value.start_logits, 'start_logits');
    const end = numberArray(file, row.line, row.value.end_logits, 'end_logits');
    const spanOk = (o: unknown) => o === null || (Array.isArray(o) && o.length === 2 && o.every((x) => Number.isInteger(x)));
    if (!Array.isArray(offsets) || !offsets.every(spanOk)) throw at(file, row.line, '"offsets" must be an array of [start, end] character spans or null');
    if (start.length !== offsets.length || end.length !== offsets.length) throw at(file, row.line, `${start.length} start_logits, ${end.length} end_logits and ${offsets.length} offsets (one of each per token)`);
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id)!.push({ start_logits: start, end_logits: end, offsets: offsets as QaWindow['offsets'] });
  }
  return byId;
}

export function readRunFolder(dir: string): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dir}: no such run folder`);
  const metricsFile = join(dir, 'metrics.json');
  const task = readJson(metricsFile).task;
  if (typeof task !== 'string' || !TASKS.has(task)) throw new InputError(`${metricsFile}: "task" must be one of ${TASKS.list().map((t) => t.name).join(', ')}, got ${JSON.stringify(task)}`);
  const predFile = join(dir, 'predictions.jsonl');
  const member: EnsembleMember = { name: dir, predFile, pred: readJsonl(predFile) };
  const logits = join(dir, 'qa_logits.jsonl');
  if (task === 'qa' && existsSync(logits)) member.qaWindows = readQaLogits(logits);
  return { dir, task, ...runLabels(dir, task), member };
}

/** Same task and the same label set in every run (label order may differ: predictions name their labels). */
export function checkSameRuns(runs: readonly RunFolder[]): void {
  const [first] = runs;
  for (const run of runs.slice(1)) {
    if (run.task !== first.task) throw new InputError(`${join(run.dir, 'metrics.json')}: task ${run.task}, but ${join(first.dir, 'metrics.json')} has task ${first.task} (an ensemble combines runs of one task)`);
    const a = [...first.labels].sort();
    const b = [...run.labels].sort();
    if (a.join('\u0000') !== b.join('\u0000')) {
      const only = (x: string[], y: string[]) => x.filter((l) => !y.includes(l));
      const missing = only(a, b);
      const extra = only(b, a);
      const diff = [missing.length ? `lacks ${missing.join(', ')}` : '', extra.length ? `has ${extra.join(', ')} too` : ''].filter(Boolean).join(' and ');
      throw new InputError(`${run.labelsFile}: labels differ from ${first.labelsFile} (${diff}); an ensemble combines runs of one label set`);
    }
  }
}

import { makeConverter } from './convert.ts';
import { detectTask, DetectionError, type ColumnMapping, type DetectOverride, type Detection } from './detect.ts';
import { listField } from './fields.ts';
import { AbortError, throwIfAborted } from './lines.ts';
import { columnsOf } from './profile.ts';
import { openRecords, type DataSource } from './read.ts';
import { FileFormatError, type FileFormat, type RawRecord, type Row } from './records.ts';
import { explainSplits, type SplitName } from './split.ts';
import { labelDistribution } from './stats.ts';
import { detectTagScheme, type TagScheme } from './tags.ts';
import type { Example, RowError, Task } from './types.ts';
import { checkAgainstTraining, labelsOf, vocabularyFor } from './checks.ts';
import { taskSpec } from '../tasks/index.ts';

/**
 * Dropped files → validated examples per split, with every problem reported. This is the whole data path
 * the worker runs, and the one `npm run inspect` runs in Node. Training files go first: they fix the task,
 * the columns, the label set and the NER tag scheme that the validation and test files are checked against.
 */

export interface ParseInput {
  source: DataSource;
  split?: SplitName;
}

export interface ParseProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  loaded: number;
  total: number;
  rows: number;
}

export interface ParseOptions extends DetectOverride {
  signal?: AbortSignal;
  onProgress?: (p: ParseProgress) => void;
  /** Errors kept for display (counts are always exact). */
  maxErrors?: number;
  /** Rows read before the task and columns are decided. */
  sampleSize?: number;
}

export interface FileReport {
  file: string;
  split: SplitName;
  /** Why the file got its split, in words: chosen, from its name, or by file order. */
  splitWhy: string;
  format: FileFormat | null;
  rows: number;
  valid: number;
  invalid: number;
  /** Rows per class / positives per class / entities per type / answerable vs unanswerable. */
  labels: Record<string, number>;
  /** Set when the file cannot be used at all. */
  error?: string;
  /** Things the user should know that cost no row, e.g. a CSV read without a header row. */
  warnings?: string[];
}

export interface ParseResult {
  task: Task | null;
  columns: ColumnMapping;
  /** Columns seen in the sample, for the column-mapping panel. */
  available: string[];
  /** First rows of the first usable file, as parsed. */
  sample: Row[];
  files: FileReport[];
  /** The first `maxErrors`, in file order then line order. */
  errors: RowError[];
  errorCount: number;
  invalidRows: number;
  /** The label vocabulary in its stable order (id = index): classes, or NER tags. */
  labels: string[];
  /** Summed over all files. */
  labelCounts: Record<string, number>;
  tagScheme?: TagScheme;
  examples: Record<SplitName, Example[]>;
  /** Set when nothing can be trained from these files. */
  error?: string;
}

const SAMPLE_ROWS = 5;

/** What the files read so far have fixed: task and columns (by the first usable file), training labels, multi-hot width. */
interface Decided {
  detection: Detection | null;
  vectorWidth: number;
  trainLabels: Set<string>;
}

/** One file being read: its report, its converted examples (with their lines) and its problems. */
interface FileRead {
  source: DataSource;
  index: number;
  report: FileReport;
  examples: Example[];
  lines: number[];
  /** The first maxErrors problems; errorTotal counts them all. */
  errors: RowError[];
  errorTotal: number;
  convert: ReturnType<typeof makeConverter> | null;
}

interface ParseContext {
  inputs: readonly ParseInput[];
  opts: ParseOptions;
  maxErrors: number;
  sampleSize: number;
  result: ParseResult;
  decided: Decided;
  /** When the reader last let the worker see other messages (a Cancel). */
  lastYield: number;
}

export async function parseFiles(inputs: readonly ParseInput[], opts: ParseOptions = {}): Promise<ParseResult> {
  const choices = explainSplits(inputs.map((i) => ({ name: i.source.name, split: i.split })));
  const splits = choices.map((c) => c.split);
  const reports: FileReport[] = inputs.map((inp, k) => ({
    file: inp.source.name, split: splits[k], splitWhy: choices[k].why, format: null, rows: 0, valid: 0, invalid: 0, labels: {},
  }));
  const ctx: ParseContext = {
    inputs,
    opts,
    maxErrors: opts.maxErrors ?? 1000,
    sampleSize: opts.sampleSize ?? 500,
    result: {
      task: null, columns: {}, available: [], sample: [], files: reports, errors: [], errorCount: 0, invalidRows: 0,
      labels: [], labelCounts: {}, examples: { train: [], validation: [], test: [] },
    },
    decided: { detection: null, vectorWidth: 0, trainLabels: new Set() },
    lastYield: Date.now(),
  };
  const perFile: Example[][] = inputs.map(() => []);
  const order = inputs.map((_, k) => k).sort((a, b) => rank(splits[a]) - rank(splits[b]) || a - b);
  for (const k of order) {
    const file: FileRead = { source: inputs[k].source, index: k, report: reports[k], examples: [], lines: [], errors: [], errorTotal: 0, convert: null };
    if (!(await readFile(ctx, file)) || !ctx.decided.detection) continue;
    perFile[k] = checkFile(ctx, file);
  }
  if (!ctx.decided.detection) {
    const bad = reports.find((r) => r.error);
    ctx.result.error = bad ? `${bad.file}: ${bad.error}` : 'no usable file';
    return ctx.result;
  }
  assembleSplits(ctx, perFile);
  return ctx.result;
}

/**
 * Reads one file's records into `file`. Until a task is decided, rows are buffered: the first `sampleSize`
 * readable rows of the first usable file decide the task and columns, and every later row and file follows.
 * False when the file is unusable (unreadable, or no task fits it): one message for the file, its rows invalid.
 */
async function readFile(ctx: ParseContext, file: FileRead): Promise<boolean> {
  const { opts } = ctx;
  const { source, report } = file;
  if (ctx.decided.detection) file.convert = makeConverter(ctx.decided.detection);
  let buffer: RawRecord[] | null = ctx.decided.detection ? null : [];
  try {
    const opened = await openRecords(source, {
      signal: opts.signal,
      onBytes: (loaded) => opts.onProgress?.({ file: source.name, fileIndex: file.index, fileCount: ctx.inputs.length, loaded, total: source.size, rows: report.rows }),
    });
    report.format = opened.format;
    for await (const batch of opened.batches) {
      throwIfAborted(opts.signal);
      noteWarnings(report, batch);
      if (buffer) {
        for (const rec of batch) buffer.push(rec);
        if (buffer.filter((r) => r.row).length >= ctx.sampleSize) {
          decide(ctx, file, buffer);
          consume(ctx, file, buffer);
          buffer = null;
        }
      } else consume(ctx, file, batch);
      await yieldNow(ctx);
    }
    throwIfAborted(opts.signal);
    if (buffer) {
      decide(ctx, file, buffer);
      consume(ctx, file, buffer);
    }
    return true;
  } catch (e) {
    if (e instanceof AbortError) throw e;
    if (!(e instanceof FileFormatError || e instanceof DetectionError)) throw e;
    report.error = e.message;
    if (buffer) report.rows += buffer.length;
    report.invalid = report.rows;
    return false;
  }
}

/** A reader's issues on a record that has a row are notes about the file (a missing header), not row errors. */
function noteWarnings(report: FileReport, batch: readonly RawRecord[]): void {
  for (const rec of batch) {
    if (rec.row && rec.issues?.length) (report.warnings ??= []).push(...rec.issues.map((i) => i.reason));
  }
}

/** Lets the worker see a Cancel message between batches (at most every 20 ms). */
async function yieldNow(ctx: ParseContext): Promise<void> {
  if (Date.now() - ctx.lastYield <= 20) return;
  await new Promise((r) => setTimeout(r, 0));
  ctx.lastYield = Date.now();
}

/** Decides task and columns from the buffered rows of the first usable file. */
function decide(ctx: ParseContext, file: FileRead, buffer: RawRecord[]): void {
  const rows = buffer.flatMap((r) => (r.row ? [r.row] : []));
  if (!rows.length) {
    const first = buffer.find((r) => r.issues?.length)?.issues?.[0];
    if (first) throw new FileFormatError(`no readable rows (line ${first.line}: ${first.reason})`);
    const delimited = file.report.format === 'csv' || file.report.format === 'tsv';
    throw new FileFormatError(delimited ? 'no rows: the file holds a header row and nothing below it' : 'no rows: the file holds no data');
  }
  const detection = detectTask(columnsOf(rows), rows, ctx.opts);
  ctx.decided.detection = detection;
  file.convert = makeConverter(detection);
  Object.assign(ctx.result, { task: detection.task, columns: detection.columns, available: columnsOf(rows), sample: rows.slice(0, SAMPLE_ROWS) });
}

function addIssue(ctx: ParseContext, file: FileRead, line: number, field: string, reason: string): void {
  file.errorTotal++;
  if (file.errors.length < ctx.maxErrors) file.errors.push({ file: file.source.name, line, field, reason });
}

/** Converts records into examples, or counts them invalid with their problems. */
function consume(ctx: ParseContext, file: FileRead, records: RawRecord[]): void {
  const { report } = file;
  const detection = ctx.decided.detection!;
  for (const rec of records) {
    report.rows++;
    if (!rec.row) {
      report.invalid++;
      for (const i of rec.issues ?? []) addIssue(ctx, file, i.line, i.field, i.reason);
      continue;
    }
    const r = file.convert!(rec.row, { file: file.source.name, line: rec.line });
    if (r.issues) {
      report.invalid++;
      for (const i of r.issues) addIssue(ctx, file, rec.line, i.field, i.reason);
    } else {
      if (detection.columns.labels_vector && !ctx.decided.vectorWidth) ctx.decided.vectorWidth = listField(rec.row, detection.columns.labels_vector, [])?.length ?? 0;
      file.examples.push(r.example);
      file.lines.push(rec.line);
    }
  }
}

/**
 * Checks that need a whole file: the NER tag scheme (from the training file), then each example against the
 * training labels. Returns the examples kept; the file's problems join the result's.
 */
function checkFile(ctx: ParseContext, file: FileRead): Example[] {
  const { result, decided } = ctx;
  const d = decided.detection!;
  const { report, examples } = file;
  const spec = taskSpec(d.task);
  if (spec.tagScheme && result.tagScheme === undefined && report.split === 'train') {
    result.tagScheme = detectTagScheme(examples.map((e) => spec.labelsOf(e)));
  }
  const keep = checkAgainstTraining(d.task, examples, report.split === 'train' ? null : decided.trainLabels, result.tagScheme, d.columns, (i, field, reason) => addIssue(ctx, file, file.lines[i], field, reason));
  const kept = examples.filter((_, i) => keep[i]);
  report.invalid += examples.length - kept.length;
  report.valid = kept.length;
  if (report.split === 'train') for (const e of kept) for (const l of labelsOf(d.task, e)) decided.trainLabels.add(l);
  if (report.rows === 0) report.error = 'no rows: the file holds no data';
  else if (report.valid === 0) report.error = `no valid rows: all ${report.rows} rows have errors`;

  file.errors.sort((a, b) => a.line - b.line);
  result.errorCount += file.errorTotal;
  result.invalidRows += report.invalid;
  for (const err of file.errors) if (result.errors.length < ctx.maxErrors) result.errors.push(err);
  return kept;
}

/** The label vocabulary, then each file's examples into its split, with label distributions per file and overall. */
function assembleSplits(ctx: ParseContext, perFile: Example[][]): void {
  const { result, decided } = ctx;
  const d = decided.detection!;
  result.labels = vocabularyFor(d, decided.trainLabels, decided.vectorWidth);
  const all: Example[] = [];
  ctx.inputs.forEach((_, k) => {
    const ex = perFile[k];
    const report = result.files[k];
    report.labels = labelDistribution(d.task, ex, result.labels, result.tagScheme);
    // Loops, not push(...ex): spreading 100k+ items overflows the call stack.
    for (const e of ex) {
      result.examples[report.split].push(e);
      all.push(e);
    }
  });
  result.labelCounts = labelDistribution(d.task, all, result.labels, result.tagScheme);
  if (!result.examples.train.length) result.error ??= noTrainingMessage(result.files);
}

/** Names every file with its split and why, and says how to change it: the user must be able to act on it. */
export function noTrainingMessage(files: readonly FileReport[]): string {
  const each = files.map((f) => `${f.file} is in ${f.split} (${f.splitWhy})${f.split === 'train' && f.error ? `: ${f.error}` : ''}`).join('; ');
  const what = files.some((f) => f.split === 'train') ? 'every training file is empty, unusable or invalid' : 'no file is in the train split';
  return `no training examples: ${what}. ${each}. To change a split, pick it in the file's Split menu (npm run train: --data is the training file)`;
}

function rank(s: SplitName): number {
  return s === 'train' ? 0 : s === 'validation' ? 1 : 2;
}

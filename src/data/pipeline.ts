import { makeConverter } from './convert.ts';
import { detectTask, DetectionError, type ColumnMapping, type DetectOverride, type Detection } from './detect.ts';
import { listField } from './fields.ts';
import { AbortError, throwIfAborted } from './lines.ts';
import { columnsOf } from './profile.ts';
import { openRecords, type DataSource } from './read.ts';
import { FileFormatError, type FileFormat, type RawRecord, type Row } from './records.ts';
import { assignSplits, type SplitName } from './split.ts';
import { labelDistribution } from './stats.ts';
import { detectTagScheme, type TagScheme } from './tags.ts';
import type { Example, RowError, Task } from './types.ts';
import { checkAgainstTraining, labelsOf, vocabularyFor } from './checks.ts';

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
  format: FileFormat | null;
  rows: number;
  valid: number;
  invalid: number;
  /** Rows per class / positives per class / entities per type / answerable vs unanswerable. */
  labels: Record<string, number>;
  /** Set when the file cannot be used at all. */
  error?: string;
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

export async function parseFiles(inputs: readonly ParseInput[], opts: ParseOptions = {}): Promise<ParseResult> {
  const maxErrors = opts.maxErrors ?? 1000;
  const sampleSize = opts.sampleSize ?? 500;
  const splits = assignSplits(inputs.map((i) => ({ name: i.source.name, split: i.split })));
  const reports: FileReport[] = inputs.map((inp, k) => ({ file: inp.source.name, split: splits[k], format: null, rows: 0, valid: 0, invalid: 0, labels: {} }));
  const result: ParseResult = {
    task: null, columns: {}, available: [], sample: [], files: reports, errors: [], errorCount: 0, invalidRows: 0,
    labels: [], labelCounts: {}, examples: { train: [], validation: [], test: [] },
  };
  const order = inputs.map((_, k) => k).sort((a, b) => rank(splits[a]) - rank(splits[b]) || a - b);
  const perFile: Example[][] = inputs.map(() => []);
  const trainLabels = new Set<string>();
  let detection: Detection | null = null;
  let vectorWidth = 0;
  let lastYield = Date.now();

  for (const k of order) {
    const { source } = inputs[k];
    const report = reports[k];
    const examples: Example[] = [];
    const lines: number[] = [];
    const fileErrors: RowError[] = [];
    let errorTotal = 0;
    const addIssue = (line: number, field: string, reason: string) => {
      errorTotal++;
      if (fileErrors.length < maxErrors) fileErrors.push({ file: source.name, line, field, reason });
    };
    let convert: ReturnType<typeof makeConverter> | null = detection ? makeConverter(detection) : null;
    const consume = (records: RawRecord[]) => {
      for (const rec of records) {
        report.rows++;
        if (!rec.row) {
          report.invalid++;
          for (const i of rec.issues ?? []) addIssue(i.line, i.field, i.reason);
          continue;
        }
        const r = convert!(rec.row, { file: source.name, line: rec.line });
        if (r.issues) {
          report.invalid++;
          for (const i of r.issues) addIssue(rec.line, i.field, i.reason);
        } else {
          if (detection!.columns.labels_vector && !vectorWidth) vectorWidth = listField(rec.row, detection!.columns.labels_vector, [])?.length ?? 0;
          examples.push(r.example);
          lines.push(rec.line);
        }
      }
    };
    const decide = (buffer: RawRecord[]) => {
      const rows = buffer.flatMap((r) => (r.row ? [r.row] : []));
      if (!rows.length) {
        const first = buffer.find((r) => r.issues?.length)?.issues?.[0];
        throw new FileFormatError(first ? `no readable rows (line ${first.line}: ${first.reason})` : 'no rows');
      }
      detection = detectTask(columnsOf(rows), rows, opts);
      convert = makeConverter(detection);
      Object.assign(result, { task: detection.task, columns: detection.columns, available: columnsOf(rows), sample: rows.slice(0, SAMPLE_ROWS) });
    };

    let buffer: RawRecord[] | null = detection ? null : [];
    try {
      const opened = await openRecords(source, {
        signal: opts.signal,
        onBytes: (loaded) => opts.onProgress?.({ file: source.name, fileIndex: k, fileCount: inputs.length, loaded, total: source.size, rows: report.rows }),
      });
      report.format = opened.format;
      for await (const batch of opened.batches) {
        throwIfAborted(opts.signal);
        if (buffer) {
          for (const rec of batch) buffer.push(rec);
          if (buffer.filter((r) => r.row).length >= sampleSize) {
            decide(buffer);
            consume(buffer);
            buffer = null;
          }
        } else consume(batch);
        // Let the worker see a Cancel message between batches.
        if (Date.now() - lastYield > 20) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = Date.now();
        }
      }
      throwIfAborted(opts.signal);
      if (buffer) {
        decide(buffer);
        consume(buffer);
      }
    } catch (e) {
      if (e instanceof AbortError) throw e;
      if (!(e instanceof FileFormatError || e instanceof DetectionError)) throw e;
      // One clear message for the file; its rows count as read but none is used.
      report.error = e.message;
      if (buffer) report.rows += buffer.length;
      report.invalid = report.rows;
      continue;
    }
    if (!detection) continue;
    const d: Detection = detection;

    // Checks that need the whole training file: the NER tag scheme, then the label set.
    if (d.task === 'ner' && result.tagScheme === undefined && report.split === 'train') {
      result.tagScheme = detectTagScheme(examples.map((e) => (e as { tags: string[] }).tags));
    }
    const keep = checkAgainstTraining(d.task, examples, report.split === 'train' ? null : trainLabels, result.tagScheme, d.columns, (i, field, reason) => addIssue(lines[i], field, reason));
    const kept = examples.filter((_, i) => keep[i]);
    report.invalid += examples.length - kept.length;
    report.valid = kept.length;
    if (report.split === 'train') for (const e of kept) for (const l of labelsOf(d.task, e)) trainLabels.add(l);
    perFile[k] = kept;
    if (report.rows === 0) report.error = 'no rows: the file holds no data';
    else if (report.valid === 0) report.error = `no valid rows: all ${report.rows} rows have errors`;

    fileErrors.sort((a, b) => a.line - b.line);
    result.errorCount += errorTotal;
    result.invalidRows += report.invalid;
    for (const err of fileErrors) if (result.errors.length < maxErrors) result.errors.push(err);
  }

  if (!detection) {
    const bad = reports.find((r) => r.error);
    result.error = bad ? `${bad.file}: ${bad.error}` : 'no usable file';
    return result;
  }
  const d: Detection = detection;
  result.labels = vocabularyFor(d, trainLabels, vectorWidth);
  const all: Example[] = [];
  inputs.forEach((_, k) => {
    const ex = perFile[k];
    reports[k].labels = labelDistribution(d.task, ex, result.labels, result.tagScheme);
    // Loops, not push(...ex): spreading 100k+ items overflows the call stack.
    for (const e of ex) {
      result.examples[reports[k].split].push(e);
      all.push(e);
    }
  });
  result.labelCounts = labelDistribution(d.task, all, result.labels, result.tagScheme);
  if (!result.examples.train.length) result.error ??= 'no training examples: every training file is empty, unusable or invalid';
  return result;
}

function rank(s: SplitName): number {
  return s === 'train' ? 0 : s === 'validation' ? 1 : 2;
}

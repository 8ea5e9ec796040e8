/**
 * The Node half of `npm run train`: files → the data layer's examples (with its file/line/field errors) →
 * the tokenization layer's packed features, written as a folder the page fetches (manifest.json + raw Int32
 * buffers), so the browser receives exactly what the data worker would transfer.
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DataSource } from '../../src/data/read.ts';
import { parseFiles, type ParseResult } from '../../src/data/pipeline.ts';
import type { SplitName } from '../../src/data/split.ts';
import { applySplit } from '../../src/data/session.ts';
import type { SplitRequest } from '../../src/protocol/data.ts';
import type { Example, Task } from '../../src/data/types.ts';
import type { FeatureSet } from '../../src/tokenize/features.ts';
import { buildFeatures } from '../../src/tasks/features.ts';
import { taskSpec } from '../../src/tasks/index.ts';
import type { StudioTokenizer } from '../../src/tokenize/index.ts';

export class DataError extends Error {}

export function nodeDataSource(path: string): DataSource {
  return { name: basename(path), size: statSync(path).size, chunks: () => createReadStream(path) };
}

export interface ParsedData {
  task: Task;
  labels: string[];
  examples: Record<SplitName, Example[]>;
  counts: Record<string, number>;
}

/**
 * Every row error is fatal here: automation must not train on silently dropped rows. `split` carves the
 * splits no file provides out of the training rows, exactly as the app's data worker does.
 */
export async function parseTrainFiles(
  files: { path: string; split: SplitName }[],
  task?: Task,
  split?: SplitRequest,
  warn: (line: string) => void = (line) => process.stderr.write(`warning: ${line}\n`),
): Promise<ParsedData> {
  const result: ParseResult = await parseFiles(
    files.map((f) => ({ source: nodeDataSource(f.path), split: f.split })),
    task ? { task } : {},
  );
  const lines = result.errors.slice(0, 20).map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`);
  for (const f of result.files) if (f.error) lines.unshift(`${f.file}: ${f.error}`);
  if (result.error || result.errorCount > 0 || !result.task) {
    const more = result.errorCount > 20 ? `\n… and ${result.errorCount - 20} more row errors` : '';
    throw new DataError([result.error, ...lines].filter(Boolean).join('\n') + more);
  }
  // Notes that cost no row (a CSV without a header row) are shown, as the page shows them beside the file.
  for (const f of result.files) for (const w of f.warnings ?? []) warn(`${f.file}: ${w}`);
  if (split) applySplit(result, split);
  return { task: result.task, labels: result.labels, examples: result.examples, counts: result.labelCounts };
}

/**
 * One example as a line of the input format `npm run eval` reads as gold (the metric fixtures' format), so
 * rows held out of --data can be scored again from predictions.jsonl.
 */
export function goldRow(task: Task, e: Example): Record<string, unknown> {
  return taskSpec(task).goldLine(e);
}

const FIELDS = ['inputIds', 'attentionMask', 'tokenTypeIds', 'labels', 'startPositions', 'endPositions', 'exampleIndex', 'offsets'] as const;

export interface SplitManifest {
  count: number;
  seqLen: number;
  labelWidth: number;
  /** Int32 arrays in the .bin file: field → [offset in elements, length]. */
  arrays: Partial<Record<(typeof FIELDS)[number], [number, number]>>;
  examples?: Example[];
}

export async function writeSplit(dir: string, split: string, f: FeatureSet, examples?: Example[]): Promise<SplitManifest> {
  const arrays: SplitManifest['arrays'] = {};
  const parts: Int32Array[] = [];
  let at = 0;
  for (const k of FIELDS) {
    const a = f[k];
    if (!a) continue;
    arrays[k] = [at, a.length];
    parts.push(a);
    at += a.length;
  }
  const all = new Int32Array(at);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(join(dir, `${split}.bin`), new Uint8Array(all.buffer));
  return { count: f.count, seqLen: f.seqLen, labelWidth: f.labelWidth, arrays, ...(examples ? { examples } : {}) };
}

export async function featuresFor(
  tok: StudioTokenizer,
  data: ParsedData,
  examples: Example[],
  opts: { maxLength: number; stride: number; lineByLine?: boolean },
): Promise<FeatureSet> {
  const labelToId = new Map(data.labels.map((l, i) => [l, i]));
  return buildFeatures(tok, data.task, examples, { ...opts, labelToId, seqLen: 'max_length' });
}

/** Examples of a task → packed features and token lengths: the task's spec encodes, tokenize/ loops and packs. */
import type { Example, Task } from '../data/types';
import { encodeExamples, encodeRows, packRows, type BuildOptions } from '../tokenize/build';
import type { FeatureSet } from '../tokenize/features';
import type { BulkControl, StudioTokenizer } from '../tokenize/types';
import { mapWithProgress } from '../tokenize/stats';
import { specOf } from './index';
import type { TaskSpec } from './types';

export type { BuildOptions } from '../tokenize/build';

/** What the data worker calls after parsing a file; `task` is a built-in name or any spec (tests' toy tasks). */
export function buildFeatures(
  tok: StudioTokenizer,
  task: Task | TaskSpec,
  examples: Example[],
  opts: BuildOptions,
  control: BulkControl = {},
): Promise<FeatureSet> {
  const spec = specOf(task);
  const labelToId = opts.labelToId ?? new Map<string, number>();
  const base = { maxLength: opts.maxLength, stride: opts.stride ?? 128, numLabels: labelToId.size, labelToId, labelAllSubtokens: opts.labelAllSubtokens };
  const encode = (ex: Example, index: number, labelOf: (name: string) => number) => spec.encode(tok, ex, index, { ...base, labelOf });
  if (spec.groupRows) {
    const group = spec.groupRows;
    return encodeRows(examples, encode, opts, control).then((rows) => packRows(tok, group(tok, rows, opts), opts));
  }
  return encodeExamples(tok, examples, encode, opts, control);
}

/** Untruncated length with special tokens of every example (QA: question + whole context). */
export function tokenLengths(tok: StudioTokenizer, examples: Example[], task: Task | TaskSpec, control?: BulkControl): number[] {
  const spec = specOf(task);
  return mapWithProgress(examples, (e) => spec.tokenLength(tok, e), control);
}

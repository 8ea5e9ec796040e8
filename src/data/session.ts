import type { FeatureSet, MaskedLmVocab, QaCoverage, StudioTokenizer } from '../tokenize/index.ts';
import type { BulkControl } from '../tokenize/types.ts';
import type { DataSummary, SplitRequest, TokenStats } from '../protocol/data.ts';
import { parseFiles, type ParseInput, type ParseOptions, type ParseResult } from './pipeline.ts';
import { SPLITS, splitExamples, type SplitName } from './split.ts';
import { charLength, histogram, suggestMaxLength, summarizeLengths } from './stats.ts';
import type { Example, QaExample } from './types.ts';
import { TASKS } from '../tasks/index.ts';

/**
 * The data worker's state and its operations, free of any worker API so Node tests and `npm run inspect`
 * run exactly what the worker runs. Parsed examples stay here; the page gets summaries and, at the end,
 * encoded feature arrays.
 */
export class DataSession {
  private parsed: ParseResult | null = null;
  private tokenizer: StudioTokenizer | null = null;

  get result(): ParseResult | null {
    return this.parsed;
  }

  async parse(inputs: ParseInput[], opts: ParseOptions & { split?: SplitRequest } = {}): Promise<DataSummary> {
    this.parsed = null;
    const result = await parseFiles(inputs, opts);
    if (opts.split && result.task && !result.error) applySplit(result, opts.split);
    this.parsed = result;
    return summarize(result);
  }

  /** The first `limit` (all by default) parsed examples of a split, after any random split. */
  examples(split: SplitName, limit?: number): Example[] {
    if (!this.parsed?.task) throw new Error('no parsed data: parse the files first');
    const all = this.parsed.examples[split];
    return limit === undefined ? all : all.slice(0, limit);
  }

  useTokenizer(tok: StudioTokenizer): void {
    this.tokenizer = tok;
  }

  /** Async and sliced so a worker can take a Cancel message between slices (the tokenizer is synchronous). */
  async tokenStats(opts: { maxLength?: number; stride?: number }, control: BulkControl = {}): Promise<TokenStats> {
    const { result, tok } = this.ready();
    const task = result.task!;
    const examples = allExamples(result);
    const maxLength = opts.maxLength ?? defaultMaxLength(task, tok);
    const [{ qaCoverage }, { tokenLengths }] = await Promise.all([tokenizeModule(), import('../tasks/features.ts')]);
    const lengths: number[] = [];
    await inSlices(examples, control, (slice) => lengths.push(...tokenLengths(tok, slice, task)));
    const summary = summarizeLengths(lengths);
    const stats: TokenStats = {
      tokens: {
        ...summary,
        histogram: histogram(lengths),
        suggestion: suggestMaxLength(lengths, tok.modelMaxLength),
        truncated: lengths.filter((n) => n > maxLength).length,
        maxLength,
      },
    };
    if (TASKS.get(task).slidingWindows) {
      const stride = opts.stride ?? 128;
      const parts: QaCoverage[] = [];
      await inSlices(examples as QaExample[], control, (slice) => parts.push(qaCoverage(tok, slice, { maxLength, stride })));
      stats.qa = { ...mergeCoverage(parts), maxLength, stride };
    }
    return stats;
  }

  async encode(
    split: SplitName,
    opts: { maxLength: number; stride?: number; labelAllSubtokens?: boolean; seqLen?: 'max_length' | 'longest'; lineByLine?: boolean },
    control?: BulkControl,
  ): Promise<FeatureSet> {
    const { result, tok } = this.ready();
    const labelToId = new Map(result.labels.map((l, i) => [l, i] as const));
    const { buildFeatures } = await import('../tasks/features.ts');
    return buildFeatures(tok, result.task!, result.examples[split], { ...opts, labelToId }, control);
  }

  /** Masked LM: what the train worker needs of the tokenizer (mask token, specials, token strings, word starts). */
  async mlmVocab(): Promise<MaskedLmVocab> {
    if (!this.tokenizer) throw new Error('no tokenizer: load a model first');
    return (await tokenizeModule()).maskedLmVocab(this.tokenizer);
  }

  private ready(): { result: ParseResult; tok: StudioTokenizer } {
    if (!this.parsed?.task) throw new Error('no parsed data: parse the files first');
    if (!this.tokenizer) throw new Error('no tokenizer: load a model first');
    return { result: this.parsed, tok: this.tokenizer };
  }
}

/**
 * The tokenizer layer (and transformers.js behind it) loads on first use: parsing a dropped file must not
 * wait for a megabyte of tokenizer code, and `inspect` without --model never needs it.
 */
export const tokenizeModule = () => import('../tokenize/index.ts');

/** HF's defaults: the task's own (384 tokens with a 128 stride for QA), otherwise the model's limit (512 for BERT). */
export function defaultMaxLength(task: string, tok?: { modelMaxLength: number }): number {
  return TASKS.get(task).defaultMaxLength ?? Math.min(512, tok?.modelMaxLength ?? 512);
}

/** Fills the splits no file provides with a seeded (stratified for single-label) split of the training set. */
export function applySplit(result: ParseResult, req: SplitRequest): void {
  const validation = result.examples.validation.length ? 0 : req.validation;
  const test = result.examples.test.length ? 0 : req.test;
  if (!validation && !test) return;
  const parts = splitExamples(result.examples.train, result.task!, { validation, test }, req.seed);
  result.examples.train = parts.train;
  if (validation) result.examples.validation = parts.validation;
  if (test) result.examples.test = parts.test;
}

const SLICE = 256;

async function inSlices<T>(items: T[], control: BulkControl, work: (slice: T[]) => void): Promise<void> {
  for (let at = 0; at < items.length; at += SLICE) {
    control.signal?.throwIfAborted();
    control.onProgress?.(at, items.length);
    work(items.slice(at, at + SLICE));
    await new Promise((r) => setTimeout(r, 0));
  }
  control.signal?.throwIfAborted();
  control.onProgress?.(items.length, items.length);
}

/** Sums per-slice coverage; the rates are recomputed from counts (each slice's rate × its answerable). */
function mergeCoverage(parts: QaCoverage[]): QaCoverage {
  let questions = 0, unanswerable = 0, windows = 0, answerWindows = 0, covered = 0, exact = 0;
  for (const p of parts) {
    const answerable = p.questions - p.unanswerable;
    questions += p.questions;
    unanswerable += p.unanswerable;
    windows += p.windows;
    answerWindows += p.answer_windows;
    covered += Math.round(p.answer_coverage_rate * answerable);
    exact += Math.round(p.answer_recovery_rate * answerable);
  }
  const answerable = questions - unanswerable;
  return {
    questions,
    unanswerable,
    windows,
    answer_windows: answerWindows,
    answer_coverage_rate: answerable ? covered / answerable : 1,
    answer_recovery_rate: answerable ? exact / answerable : 1,
    uncovered: parts.flatMap((p) => p.uncovered),
    inexact: parts.flatMap((p) => p.inexact),
  };
}

function allExamples(r: ParseResult): Example[] {
  return SPLITS.flatMap((s) => r.examples[s]);
}

export function summarize(r: ParseResult): DataSummary {
  const { examples, ...rest } = r;
  const chars = r.task ? allExamples(r).map((e) => charLength(r.task!, e)) : [];
  return {
    ...rest,
    splits: { train: examples.train.length, validation: examples.validation.length, test: examples.test.length },
    chars: { ...summarizeLengths(chars), histogram: histogram(chars) },
  };
}

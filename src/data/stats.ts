import type { TagScheme } from './tags.ts';
import type { Example, Task } from './types.ts';
import { taskSpec } from '../tasks/index.ts';

/**
 * The value that covers fraction `q` of the examples (nearest rank on the sorted values): a `max_length`
 * of quantile(lengths, 0.95) truncates at most 5% of them.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

export interface LengthSummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarizeLengths(values: readonly number[]): LengthSummary {
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  const sum = arr.reduce((a, b) => a + b, 0);
  return {
    count: arr.length,
    mean: arr.length ? Math.round((sum / arr.length) * 10) / 10 : 0,
    p50: quantile(arr, 0.5),
    p95: quantile(arr, 0.95),
    p99: quantile(arr, 0.99),
    max: arr.length ? arr[arr.length - 1] : 0,
  };
}

export interface Histogram {
  binWidth: number;
  /** counts[i] = values in [i * binWidth, (i + 1) * binWidth). */
  counts: number[];
}

/** Fixed-width bins, the width rounded to a power of two so the x axis reads well; about `bins` bins. */
export function histogram(values: readonly number[], bins = 32): Histogram {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  let binWidth = 1;
  while ((max + 1) / binWidth > bins) binWidth *= 2;
  const counts = new Array<number>(Math.floor(max / binWidth) + 1).fill(0);
  for (const v of values) counts[Math.floor(v / binWidth)]++;
  return { binWidth, counts };
}

export interface MaxLengthSuggestion {
  /** Smallest length that no more than 5% / 1% of examples exceed. */
  cover95: number;
  cover99: number;
  /** cover99 rounded up to a multiple of 32 (friendly to kernels and length buckets), capped at the model limit. */
  suggested: number;
}

export function suggestMaxLength(tokenLengths: readonly number[], modelMax = 512): MaxLengthSuggestion {
  const s = summarizeLengths(tokenLengths);
  const suggested = Math.min(modelMax, Math.max(32, Math.ceil(s.p99 / 32) * 32));
  return { cover95: s.p95, cover99: s.p99, suggested };
}

/**
 * Per-class counts in vocabulary order: rows per class (single-label), positives per class (multi-label),
 * entities per type (NER), answerable/unanswerable questions (QA). Classes with no example stay, as 0.
 */
export function labelDistribution(task: Task, examples: readonly Example[], vocab: readonly string[] = [], scheme: TagScheme = 'IOB2'): Record<string, number> {
  return taskSpec(task).labelDistribution(examples, vocab, scheme);
}

/** Text length in characters, a tokenizer-free stand-in shown before a model is chosen. */
export function charLength(task: Task, e: Example): number {
  return taskSpec(task).charLength(e);
}

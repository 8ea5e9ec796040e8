/**
 * Derived views for components: pure functions of store values. Components call them inside useMemo so
 * nothing is recomputed on unrelated updates and no component holds logic of its own.
 */
import { binaryF1 } from '../metrics';
import type { ClassificationMetrics, MultilabelMetrics } from '../metrics';
import { estimateForConfig, type MemoryEstimate, type ModelInfo } from '../estimate/memory';
import type { Prediction } from '../protocol/train';
import type { TrainConfig } from '../train/config';
import type { Example, MultilabelExample } from '../data/types';
import type { Histogram } from '../data/stats';

export function memoryEstimate(info: ModelInfo | null, c: TrainConfig, maxLength: number | null, limits?: Record<string, number>, maskedLm = false): MemoryEstimate | null {
  return info ? estimateForConfig(info, c, maxLength ?? 128, { limits, maskedLm }) : null;
}

export interface Bar {
  label: string;
  value: number;
  /** 0..1 of the largest bar. */
  share: number;
}

export function bars(counts: Record<string, number>): Bar[] {
  const max = Math.max(1, ...Object.values(counts));
  return Object.entries(counts).map(([label, value]) => ({ label, value, share: value / max }));
}

export function histogramBars(h: Histogram): Bar[] {
  const max = Math.max(1, ...h.counts);
  return h.counts.map((value, i) => ({ label: `${i * h.binWidth}–${(i + 1) * h.binWidth - 1}`, value, share: value / max }));
}

export function isClassificationReport(r: unknown): r is ClassificationMetrics {
  return !!r && typeof r === 'object' && (r as { task?: string }).task === 'classification';
}
export function isMultilabelReport(r: unknown): r is MultilabelMetrics {
  return !!r && typeof r === 'object' && (r as { task?: string }).task === 'multilabel';
}

/** Confusion matrix cells with a 0..1 intensity per row (recall view), for the heatmap. */
export function confusionCells(m: ClassificationMetrics): { labels: string[]; rows: { count: number; share: number }[][] } {
  const rows = m.confusion_matrix.map((row) => {
    const total = Math.max(1, row.reduce((a, b) => a + b, 0));
    return row.map((count) => ({ count, share: count / total }));
  });
  return { labels: m.labels.map(String), rows };
}

export interface ThresholdRow {
  label: string;
  threshold: number;
  tuned: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class precision / recall / F1 of multi-label predictions at the slider thresholds. */
export function thresholdRows(report: MultilabelMetrics, predictions: Prediction[] | null, examples: Example[] | null, thresholds: Record<string, number>): ThresholdRow[] {
  return report.labels.map((label) => {
    const threshold = thresholds[label] ?? 0.5;
    const tuned = report.per_class[label]?.best_threshold ?? 0.5;
    let tp = 0, fp = 0, fn = 0, support = 0;
    if (predictions && examples) {
      predictions.forEach((p, i) => {
        const score = 'scores' in p ? p.scores[label] ?? 0 : 0;
        const gold = (examples[i] as MultilabelExample | undefined)?.labels?.includes(label) ?? false;
        const pred = score >= threshold;
        if (gold) support++;
        if (pred && gold) tp++;
        else if (pred) fp++;
        else if (gold) fn++;
      });
    }
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return { label, threshold, tuned, precision, recall, f1: binaryF1(tp, tp + fp, tp + fn), support };
  });
}


/** Words grouped into entity spans from BIO-style tags, for highlighting. */
export function entitySpans(words: string[], tags: string[]): { text: string; type: string | null }[] {
  const out: { text: string; type: string | null }[] = [];
  words.forEach((w, i) => {
    const tag = tags[i] ?? 'O';
    const m = /^([BIESLU])[-_](.+)$/.exec(tag);
    const type = tag === 'O' ? null : m ? m[2] : tag;
    const cont = m && (m[1] === 'I' || m[1] === 'E' || m[1] === 'L');
    const last = out[out.length - 1];
    if (last && type !== null && last.type === type && cont) last.text += ` ${w}`;
    else out.push({ text: w, type });
  });
  return out;
}

/**
 * Context split around an answer, for highlighting: at `start` (a character offset, as SQuAD's answer_start)
 * when the text is there, else at the text's first occurrence.
 */
export function highlight(context: string, answer: string, start?: number): { before: string; match: string; after: string } | null {
  if (!answer) return null;
  const at = start !== undefined && context.startsWith(answer, start) ? start : context.indexOf(answer);
  if (at < 0) return null;
  return { before: context.slice(0, at), match: answer, after: context.slice(at + answer.length) };
}

/** A QA answer's n-best probability and its start + end logit sum, e.g. "87.3% · score 12.41"; '' without them. */
export function qaScoreText(p: { score?: number; probability?: number }): string {
  const parts = [];
  if (p.probability !== undefined) parts.push(`${(p.probability * 100).toFixed(1)}%`);
  if (p.score !== undefined) parts.push(`score ${p.score.toFixed(2)}`);
  return parts.join(' · ');
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(0)} KiB`;
  return `${n} B`;
}

export function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

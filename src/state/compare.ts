/**
 * Runs side by side (ui/CompareRuns.tsx): which settings differ, the final metrics in one table, and curves
 * of several histories on one step axis. Pure, so the differences and the alignment are unit-tested.
 */
import type { AlignedData } from 'uplot';
import type { History } from '../charts/history';
import { resolveTrainConfig, type TrainConfigInput } from '../train/config';

export interface ComparedRun {
  name: string;
  task: string;
  modelLabel: string;
  maxLength: number;
  labels: readonly string[];
  /** null: not known (a Trainer run imported without its training_config.json). */
  config: TrainConfigInput | null;
  /** Final validation metrics (best checkpoint), null when the run has none. */
  validation: Record<string, number> | null;
}

/** One setting that is not the same in every run; `values` per run, null where unknown. */
export interface ConfigDifference {
  field: string;
  values: (string | null)[];
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Nested groups as dotted names (`earlyStopping.patience`), values as shown in the table. */
export function flattenSettings(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenSettings(v as Record<string, unknown>, name));
    else out[name] = show(v);
  }
  return out;
}

/**
 * Settings whose known values are not all equal, in a stable order (run-level fields first, then the
 * TrainConfig's). Configs are resolved with the defaults first, so `{}` and `{learningRate: 5e-5}` agree.
 */
export function configDifferences(runs: readonly ComparedRun[]): ConfigDifference[] {
  const settings = runs.map((r) => ({
    task: r.task,
    model: r.modelLabel,
    maxLength: r.maxLength ? String(r.maxLength) : null,
    labels: r.labels.length ? r.labels.join(', ') : null,
    ...(r.config ? flattenSettings(resolveTrainConfig(r.config) as unknown as Record<string, unknown>, 'config') : {}),
  })) as Record<string, string | null | undefined>[];
  const fields: string[] = [];
  for (const s of settings) for (const k of Object.keys(s)) if (!fields.includes(k)) fields.push(k);
  return fields
    .map((field) => ({ field, values: settings.map((s) => s[field] ?? null) }))
    .filter(({ values }) => new Set(values.filter((v) => v !== null)).size > 1);
}

/** Metrics where lower is better; the rest are scores. */
const LOWER_IS_BETTER = new Set(['loss', 'hamming_loss', 'perplexity']);

export interface MetricRow {
  metric: string;
  values: (number | null)[];
  /** The runs with the best value (ties: all of them); empty when fewer than two runs have it or all agree. */
  best: number[];
}

/** Every metric any run reports, one row each, in the order first seen. */
export function metricsTable(runs: readonly ComparedRun[]): MetricRow[] {
  const names: string[] = [];
  for (const r of runs) for (const k of Object.keys(r.validation ?? {})) if (!names.includes(k)) names.push(k);
  return names.map((metric) => {
    const values = runs.map((r) => (r.validation && Number.isFinite(r.validation[metric]) ? r.validation[metric] : null));
    const known = values.map((v, i) => [v, i] as const).filter((p): p is readonly [number, number] => p[0] !== null);
    const lower = LOWER_IS_BETTER.has(metric);
    const top = lower ? Math.min(...known.map((k) => k[0])) : Math.max(...known.map((k) => k[0]));
    const winners = known.filter((k) => k[0] === top).map((k) => k[1]);
    return { metric, values, best: known.length < 2 || winners.length === known.length ? [] : winners };
  });
}

/** Several (step, value) series → uPlot's aligned columns: the union of the steps, null where a run has no point. */
export function alignSeries(series: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const col = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => {
      const y = s.y[i];
      col[at.get(x)!] = y !== null && Number.isFinite(y) ? y : null;
    });
    return col;
  });
  return [xs, ...columns] as AlignedData;
}

/** Training loss of each run on one step axis. */
export const lossOverlay = (histories: readonly History[]): AlignedData => alignSeries(histories.map((h) => ({ x: h.step, y: h.loss })));

/** One validation metric of each run on one step axis. */
export const metricOverlay = (histories: readonly History[], metric: string): AlignedData =>
  alignSeries(histories.map((h) => ({ x: h.evalStep, y: h.evalMetrics[metric] ?? h.evalStep.map(() => null) })));

/** The validation metrics at least one of the histories has, in the order first seen. */
export function sharedEvalMetrics(histories: readonly History[]): string[] {
  const names: string[] = [];
  for (const h of histories) for (const k of Object.keys(h.evalMetrics)) if (!names.includes(k)) names.push(k);
  return names;
}

/**
 * The weights a run's worker initialises rather than reads (the new head; every weight with init 'random'), by
 * name, re-derived with the worker's own seeded init (engine/checkpoint.ts loadInitialValues, no TF.js), so
 * `train.py --same-order` starts from the studio's exact values. Used by the CLI and the page's Export step.
 */
import type { Task } from '../../data/types';
import { loadInitialValues } from '../../engine/checkpoint';
import { modelSpecs } from '../../engine/names';
import type { FileSource } from '../../hub/source';
import { taskSpec } from '../../tasks/index';

export async function newlyInitialised(
  source: FileSource,
  run: { task: Task; labels: readonly string[]; seed: number; init: 'pretrained' | 'random' },
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const spec = taskSpec(run.task);
  const { head, problemType } = spec;
  const labels = spec.hasLabelVocabulary ? { labels: [...run.labels] } : {};
  const v = await loadInitialValues(source, { head, problemType, seed: run.seed, init: run.init, ...labels });
  const fresh = new Set([...v.report.missing, ...v.report.mismatched.map((m) => m.name)]);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const s of modelSpecs(v.enc, v.head, v.numLabels)) {
    if (run.init === 'random' || fresh.has(s.name)) out.set(s.name, { shape: s.shape, data: v.values.get(s.name)! });
  }
  return out;
}

/**
 * An ensemble of runs of one task and label set: each member is scored on the gold rows as `npm run eval`
 * scores it, the members' predictions are combined (combine.ts) with equal, given or searched weights, and the
 * combination is scored the same way, so the ensemble's numbers and each member's are comparable.
 */
import type { MultilabelMetrics } from '../metrics/index';
import { InputError, type JsonlRow } from '../tasks/evalInputs';
import { TASKS } from '../tasks/index';
import { makeCombiner } from './combine';
import { ENSEMBLE_TASKS, flatMetrics } from './flatMetrics';
import type { EnsembleMember } from './members';
import { equalWeights, normalizeWeights, searchWeights, type WeightSearch } from './weights';

export interface EnsembleRequest {
  task: string;
  /** The runs' label vocabulary, in id order (empty for QA). */
  labels: readonly string[];
  goldFile: string;
  gold: JsonlRow[];
  members: EnsembleMember[];
  /** Equal (the default), searched on the gold rows, or one weight per member (normalised to sum 1). */
  weights?: 'equal' | 'search' | readonly number[];
}

export interface MemberResult {
  name: string;
  weight: number;
  /** The task's default metric on the gold rows. */
  score: number;
  metrics: Record<string, number>;
  /**
   * Multi-label: the metric with the member's own per-class thresholds tuned on the gold rows, the fair
   * comparison for an ensemble whose thresholds are tuned there too; absent for other tasks.
   */
  tunedScore?: number;
}

export interface EnsembleResult {
  task: string;
  /** The task's default metric: what `score` and the search use. */
  metric: string;
  method: string;
  notes: string[];
  weightMode: 'equal' | 'search' | 'given';
  weights: number[];
  search: WeightSearch | null;
  members: MemberResult[];
  /** predictions.jsonl lines, one per gold row in its order. */
  predictions: Record<string, unknown>[];
  metrics: Record<string, number>;
  /** What `npm run eval` prints for the predictions. */
  report: object;
  score: number;
  thresholds: Record<string, number> | null;
}

export function runEnsemble(req: EnsembleRequest, warn: (message: string) => void = () => {}): EnsembleResult {
  const { task, goldFile, gold, members } = req;
  if (!ENSEMBLE_TASKS.includes(task)) throw new InputError(`task ${task} cannot be ensembled (supported: ${ENSEMBLE_TASKS.join(', ')})`);
  if (members.length < 2) throw new InputError(`an ensemble needs at least 2 runs, got ${members.length}`);
  const spec = TASKS.get(task);
  const metric = spec.defaultMetric;
  const score = (predFile: string, pred: JsonlRow[], say = warn) => {
    const report = spec.scoreFiles({ goldFile, predFile, gold, pred }, say);
    const metrics = flatMetrics(task, report);
    const tuned = task === 'multilabel' ? (report as MultilabelMetrics).tuned : null;
    const tunedScore = tuned && (metric === 'f1_micro' || metric === 'f1_macro') ? tuned[metric] : undefined;
    return { report, metrics, score: metrics[metric], tunedScore };
  };
  // Scoring the members first also checks their files (fields, row counts, ids) before anything is combined.
  const memberScores = members.map((m) => score(m.predFile, m.pred));
  const combiner = makeCombiner(req);
  const asRows = (lines: Record<string, unknown>[]): JsonlRow[] => lines.map((value, i) => ({ line: i + 1, value }));
  // The gold file's warnings were given once for the members; the search re-scores hundreds of times.
  const scoreOf = (w: readonly number[]) => score('(ensemble)', asRows(combiner.combine(w).predictions), () => {}).score;

  let weights: number[];
  let search: WeightSearch | null = null;
  let weightMode: EnsembleResult['weightMode'];
  if (req.weights === 'search') {
    search = searchWeights(members.length, scoreOf);
    weights = search.weights;
    weightMode = 'search';
  } else if (Array.isArray(req.weights)) {
    if (req.weights.length !== members.length) throw new InputError(`${req.weights.length} weights for ${members.length} runs`);
    try {
      weights = normalizeWeights(req.weights);
    } catch (err) {
      throw new InputError((err as Error).message);
    }
    weightMode = 'given';
  } else {
    weights = equalWeights(members.length);
    weightMode = 'equal';
  }
  const combined = combiner.combine(weights);
  const final = score('(ensemble)', asRows(combined.predictions), () => {});
  const notes = [...combiner.notes];
  if (search) notes.push(`weights searched on the rows that score the ensemble (--gold): its ${metric} is optimistic; check on held-out rows`);
  return {
    task,
    metric,
    method: combiner.method,
    notes,
    weightMode,
    weights,
    search,
    members: members.map((m, i) => {
      const { score: memberScore, metrics, tunedScore } = memberScores[i];
      return { name: m.name, weight: weights[i], score: memberScore, metrics, ...(tunedScore !== undefined ? { tunedScore } : {}) };
    }),
    predictions: combined.predictions,
    metrics: final.metrics,
    report: final.report,
    score: final.score,
    thresholds: combined.thresholds ?? null,
  };
}

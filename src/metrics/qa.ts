/**
 * Extractive-QA totals as the official SQuAD v1.1 and KorQuAD 1.0 scripts print them: per question the
 * best score over its gold answers, summed in gold order, then 100 × sum / n. A question without a
 * prediction scores 0 and still counts in n, as in the scripts.
 */
import { korquadExactMatch, korquadF1 } from './korquad.ts';
import { squadExactMatch, squadF1 } from './squad.ts';

export interface QaGold {
  id: string;
  /** gold answer texts; an empty list is scored against '' (SQuAD v2's rule; v1.1 would crash) */
  answers: readonly string[];
}

export interface QaScore {
  exact_match: number;
  f1: number;
}

export type QaScript = 'squad_v1.1' | 'korquad_v1.0';

export interface QaExampleScores {
  id: string;
  squad?: QaScore;
  korquad?: QaScore;
}

export interface QaMetrics {
  task: 'qa';
  n: number;
  /** 0–100 */
  'korquad_v1.0'?: QaScore;
  /** 0–100 */
  'squad_v1.1'?: QaScore;
  /** 0–1 per question; flat `{id, exact_match, f1}` when only one script is scored */
  per_example: (QaExampleScores | ({ id: string } & QaScore))[];
}

type Scorer = (prediction: string, groundTruth: string) => number;

const SCORERS: Record<QaScript, { em: Scorer; f1: Scorer; key: 'squad' | 'korquad' }> = {
  'squad_v1.1': { em: squadExactMatch, f1: squadF1, key: 'squad' },
  'korquad_v1.0': { em: korquadExactMatch, f1: korquadF1, key: 'korquad' },
};

/** `metric_max_over_ground_truths`. */
export function maxOverGroundTruths(metric: Scorer, prediction: string, groundTruths: readonly string[]): number {
  const truths = groundTruths.length === 0 ? [''] : groundTruths;
  return Math.max(...truths.map((truth) => metric(prediction, truth)));
}

export function scoreQaAnswer(script: QaScript, prediction: string, groundTruths: readonly string[]): QaScore {
  const { em, f1 } = SCORERS[script];
  return { exact_match: maxOverGroundTruths(em, prediction, groundTruths), f1: maxOverGroundTruths(f1, prediction, groundTruths) };
}

export function qaMetrics(
  gold: readonly QaGold[],
  predictions: ReadonlyMap<string, string>,
  scripts: readonly QaScript[] = ['korquad_v1.0', 'squad_v1.1'],
): QaMetrics {
  if (gold.length === 0) throw new Error('qaMetrics: no questions');
  const totals = new Map(scripts.map((s) => [s, { exact_match: 0, f1: 0 }]));
  const perExample: QaMetrics['per_example'] = gold.map((question) => {
    const prediction = predictions.get(question.id);
    const row: QaExampleScores = { id: question.id };
    for (const script of scripts) {
      const score = prediction === undefined ? { exact_match: 0, f1: 0 } : scoreQaAnswer(script, prediction, question.answers);
      const total = totals.get(script)!;
      total.exact_match += score.exact_match;
      total.f1 += score.f1;
      row[SCORERS[script].key] = score;
    }
    if (scripts.length !== 1) return row;
    return { id: question.id, ...row[SCORERS[scripts[0]].key]! };
  });
  const sections: Partial<Record<QaScript, QaScore>> = {};
  for (const [script, total] of totals) {
    sections[script] = { exact_match: (100 * total.exact_match) / gold.length, f1: (100 * total.f1) / gold.length };
  }
  return { task: 'qa', n: gold.length, ...sections, per_example: perExample };
}

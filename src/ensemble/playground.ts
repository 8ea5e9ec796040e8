/**
 * One playground input through an ensemble: each member's prediction for it (same task, same labels) combined
 * by the rule `npm run ensemble` uses for that task: weighted mean probabilities (single-label argmax; multi-label
 * against the ensemble's tuned thresholds, else 0.5), a weighted vote per word for NER, a weighted vote on the
 * answer for QA.
 */
import type { Prediction } from '../protocol/train';
import { averageProbabilities, multilabelLines, singleLabelLines } from './probabilities';
import { voteTags } from './ner';
import { voteQaAnswer } from './qa';

export function combinePredictions(
  task: string,
  labels: readonly string[],
  members: readonly Prediction[],
  weights: readonly number[],
  thresholds: Record<string, number> | null = null,
): Prediction {
  if (members.length === 0 || members.length !== weights.length) throw new Error(`${members.length} member predictions but ${weights.length} weights`);
  const first = members[0];
  if ('scores' in first) {
    const probs = averageProbabilities(members.map((p) => [labels.map((l) => (p as { scores: Record<string, number> }).scores[l])]), weights);
    if (task === 'multilabel') return multilabelLines(probs, labels, thresholds ?? {})[0];
    return singleLabelLines(probs, labels)[0];
  }
  if ('tags' in first) return { tags: voteTags(members.map((p) => [(p as { tags: string[] }).tags]), weights)[0] };
  if ('prediction_text' in first) {
    const vote = voteQaAnswer(members as readonly { prediction_text: string; answer_start?: number; probability?: number }[], weights);
    return { id: (first as { id: string }).id, ...vote };
  }
  throw new Error(`${task}: no ensemble rule for these predictions`);
}

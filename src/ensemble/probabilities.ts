/**
 * Classification ensembles average probabilities, not votes: a confident member outweighs two hesitant ones,
 * and the average is itself a probability (softmax rows still sum to 1; sigmoid columns stay in [0, 1]), so
 * multi-label thresholds can be tuned on it like on one model's scores.
 */
import { searchThreshold } from '../metrics/thresholds';
import { argmax } from '../tasks/scores';

/** members[m][row][class] → [row][class], the weighted mean (weights sum to 1). */
export function averageProbabilities(members: readonly (readonly (readonly number[])[])[], weights: readonly number[]): number[][] {
  if (members.length !== weights.length) throw new Error(`averageProbabilities: ${members.length} members but ${weights.length} weights`);
  const [first] = members;
  return first.map((row, r) =>
    row.map((_, k) => {
      let sum = 0;
      for (let m = 0; m < members.length; m++) sum += weights[m] * members[m][r][k];
      return sum;
    }),
  );
}

/** Single-label lines of predictions.jsonl: the class of the highest mean probability (ties: the first label). */
export function singleLabelLines(probs: readonly (readonly number[])[], labels: readonly string[]): { label: string; scores: Record<string, number> }[] {
  return probs.map((p) => ({ label: labels[argmax(p)], scores: Object.fromEntries(labels.map((l, k) => [l, p[k]])) }));
}

/**
 * Per-class thresholds tuned for F1 on the ensemble's own probabilities (metrics/thresholds.ts, the search the
 * multi-label report runs for one model): the members' thresholds do not carry over to the averaged scores.
 */
export function tuneThresholds(probs: readonly (readonly number[])[], gold: readonly (readonly string[])[], labels: readonly string[]): Record<string, number> {
  const goldSets = gold.map((names) => new Set(names));
  return Object.fromEntries(
    labels.map((label, k) => [
      label,
      searchThreshold(
        goldSets.map((g) => g.has(label)),
        probs.map((p) => p[k]),
      ).threshold,
    ]),
  );
}

/** Multi-label lines of predictions.jsonl: a class is predicted when its mean probability reaches its threshold. */
export function multilabelLines(
  probs: readonly (readonly number[])[],
  labels: readonly string[],
  thresholds: Record<string, number>,
): { labels: string[]; scores: Record<string, number> }[] {
  return probs.map((p) => ({
    labels: labels.filter((l, k) => p[k] >= (thresholds[l] ?? 0.5)),
    scores: Object.fromEntries(labels.map((l, k) => [l, p[k]])),
  }));
}

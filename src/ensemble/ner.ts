/**
 * NER ensembles decide per word. predictions.jsonl holds one tag per word and no probabilities, so the usual
 * combination is a weighted majority vote; when per-word tag probabilities are at hand they are averaged
 * instead (the same rule as classification, one word at a time). Either may produce an I- tag after O; seqeval
 * reads that the way it reads one model's output, so no repair is attempted.
 */
import { argmax } from '../tasks/scores';

/**
 * members[m][row][word] → [row][word]: the tag with the largest summed member weight. Ties go to the tag
 * named first in member order, so two equal members keep the first one's tag rather than a coin flip.
 */
export function voteTags(members: readonly (readonly (readonly string[])[])[], weights: readonly number[]): string[][] {
  if (members.length !== weights.length) throw new Error(`voteTags: ${members.length} members but ${weights.length} weights`);
  return members[0].map((row, r) =>
    row.map((_, w) => {
      const votes = new Map<string, number>();
      members.forEach((m, i) => {
        const tag = m[r][w];
        votes.set(tag, (votes.get(tag) ?? 0) + weights[i]);
      });
      let best = '';
      let most = -Infinity;
      for (const [tag, v] of votes) {
        if (v > most) [best, most] = [tag, v];
      }
      return best;
    }),
  );
}

/** members[m][row][word][class] → [row][word]: the tag of the highest weighted mean probability. */
export function averageTagProbabilities(
  members: readonly (readonly (readonly (readonly number[])[])[])[],
  weights: readonly number[],
  labels: readonly string[],
): string[][] {
  return members[0].map((row, r) =>
    row.map((probs, w) => {
      const mean = probs.map((_, k) => members.reduce((a, m, i) => a + weights[i] * m[r][w][k], 0));
      return labels[argmax(mean)];
    }),
  );
}

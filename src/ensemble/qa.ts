/**
 * QA ensembles. The sound combination averages each window's start and end logits across members and then
 * runs the usual n-best decoding once (metrics/qaDecode.ts): members that disagree on a span's boundaries
 * still reinforce the tokens they share. That needs every member's logits on the same windows (same
 * tokenizer, max length and stride). predictions.jsonl keeps only each member's best answer, so without
 * logits the fallback is a vote on the answer text, each vote weighted by member weight × the member's
 * probability of its answer.
 */
import { decodeQaAnswer, type QaAnswer, type QaWindow } from '../metrics/qaDecode';

/** members[m][window] of one example → the windows with weighted mean logits; throws when the windows differ. */
export function averageQaLogits(members: readonly (readonly QaWindow[])[], weights: readonly number[]): QaWindow[] {
  if (members.length !== weights.length) throw new Error(`averageQaLogits: ${members.length} members but ${weights.length} weights`);
  const [first] = members;
  members.forEach((windows, m) => {
    if (windows.length !== first.length) throw new Error(`member ${m + 1} has ${windows.length} windows, member 1 has ${first.length} (logits average only over the same windows: same tokenizer, max length and stride)`);
    windows.forEach((w, i) => {
      const ref = first[i].offsets;
      const same = w.offsets.length === ref.length && w.offsets.every((o, t) => (o === null ? ref[t] === null : ref[t] !== null && o[0] === ref[t]![0] && o[1] === ref[t]![1]));
      if (!same) throw new Error(`member ${m + 1} window ${i + 1} covers other tokens than member 1's (logits average only over the same windows: same tokenizer, max length and stride)`);
    });
  });
  const mean = (pick: (w: QaWindow) => readonly number[], i: number) =>
    pick(first[i]).map((_, t) => members.reduce((a, windows, m) => a + weights[m] * pick(windows[i])[t], 0));
  return first.map((w, i) => ({ start_logits: mean((x) => x.start_logits, i), end_logits: mean((x) => x.end_logits, i), offsets: w.offsets }));
}

/** One example's answer from averaged logits, decoded as one model's would be. */
export function decodeAveragedQa(members: readonly (readonly QaWindow[])[], weights: readonly number[], context: string): QaAnswer {
  return decodeQaAnswer(averageQaLogits(members, weights), { context });
}

/** One member's answer as predictions.jsonl holds it. */
export interface QaVote {
  prediction_text: string;
  answer_start?: number;
  /** The member's softmax over its n-best list; absent when it found no span. */
  probability?: number;
}

export interface QaVoteResult {
  prediction_text: string;
  answer_start?: number;
  /** The winning text's share: sum of weight × probability of the members that answered it. */
  probability: number;
}

/**
 * The answer text with the largest sum of weight × probability (a member without a probability counts 1 when
 * it answered, 0 when its answer is empty). Ties go to the text named first in member order; the answer's
 * start is that of the member that gave it the most support.
 */
export function voteQaAnswer(votes: readonly QaVote[], weights: readonly number[]): QaVoteResult {
  const tally = new Map<string, { support: number; start?: number; strongest: number }>();
  votes.forEach((v, m) => {
    const p = v.probability ?? (v.prediction_text === '' ? 0 : 1);
    const support = weights[m] * p;
    const t = tally.get(v.prediction_text) ?? { support: 0, strongest: -1 };
    t.support += support;
    if (support > t.strongest) [t.strongest, t.start] = [support, v.answer_start];
    tally.set(v.prediction_text, t);
  });
  let best: [string, { support: number; start?: number }] = ['', { support: -1 }];
  for (const entry of tally) if (entry[1].support > best[1].support) best = entry;
  const [text, { support, start }] = best;
  return { prediction_text: text, ...(start !== undefined && text !== '' ? { answer_start: start } : {}), probability: support };
}

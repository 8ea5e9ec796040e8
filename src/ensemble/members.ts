/**
 * Reads what a combiner needs out of each member's predictions.jsonl rows, checking the fields `npm run eval`
 * does not (the probabilities), so a bad file is reported as `file:line: what is wrong`.
 */
import type { QaWindow } from '../metrics/qaDecode';
import { at, type JsonlRow } from '../tasks/evalInputs';
import type { QaVote } from './qa';

/** One run of the ensemble: its name (the run folder) and its predictions.jsonl rows. */
export interface EnsembleMember {
  name: string;
  predFile: string;
  pred: JsonlRow[];
  /** QA: each example id's windows with their logits, when the run kept them (see the CLI's qa_logits.jsonl). */
  qaWindows?: Map<string, QaWindow[]>;
}

/** `{label: probability}` → probabilities in `labels` order; the keys must be exactly the run's labels. */
export function probabilityRow(file: string, row: JsonlRow, value: unknown, labels: readonly string[], what = '"scores"'): number[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw at(file, row.line, `${what} must be an object {label: probability}`);
  const scores = value as Record<string, unknown>;
  const keys = Object.keys(scores);
  const missing = labels.filter((l) => !(l in scores));
  const extra = keys.filter((k) => !labels.includes(k));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `lacks ${missing.map((l) => JSON.stringify(l)).join(', ')}` : '', extra.length ? `has unknown ${extra.map((l) => JSON.stringify(l)).join(', ')}` : ''];
    throw at(file, row.line, `${what} ${parts.filter(Boolean).join(' and ')} (labels of the run: ${labels.join(', ')})`);
  }
  return labels.map((l) => {
    const p = scores[l];
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) throw at(file, row.line, `${what}: probability of "${l}" must be a number in [0, 1], got ${JSON.stringify(p)}`);
    return p;
  });
}

/** [row][class] probabilities of one classification member. */
export const memberProbabilities = (m: EnsembleMember, labels: readonly string[]): number[][] =>
  m.pred.map((row) => probabilityRow(m.predFile, row, row.value.scores, labels));

/** [row][word] tags of one NER member (checked against the gold rows by the task's scorer first). */
export const memberTags = (m: EnsembleMember): string[][] => m.pred.map((row) => row.value.tags as string[]);

/**
 * [row][word][class] tag probabilities of one NER member, or null when its lines carry none (`word_scores`: one
 * `{tag: probability}` per word, an optional field; `npm run train` writes tags only).
 */
export function memberTagProbabilities(m: EnsembleMember, labels: readonly string[]): number[][][] | null {
  if (!m.pred.every((row) => Array.isArray(row.value.word_scores))) return null;
  return m.pred.map((row) => {
    const words = row.value.word_scores as unknown[];
    const tags = row.value.tags as string[];
    if (words.length !== tags.length) throw at(m.predFile, row.line, `${words.length} word_scores but ${tags.length} tags`);
    return words.map((w, i) => probabilityRow(m.predFile, row, w, labels, `"word_scores"[${i}]`));
  });
}

/** Each example id's answer in one QA member (ids and texts checked by the task's scorer first). */
export function memberVotes(m: EnsembleMember): Map<string, QaVote> {
  const votes = new Map<string, QaVote>();
  for (const row of m.pred) {
    const { id, prediction_text, answer_start, probability } = row.value;
    if (probability !== undefined && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) throw at(m.predFile, row.line, `"probability" must be a number in [0, 1], got ${JSON.stringify(probability)}`);
    if (answer_start !== undefined && (typeof answer_start !== 'number' || !Number.isInteger(answer_start))) throw at(m.predFile, row.line, `"answer_start" must be an integer, got ${JSON.stringify(answer_start)}`);
    votes.set(id as string, { prediction_text: prediction_text as string, ...(answer_start !== undefined ? { answer_start: answer_start as number } : {}), ...(probability !== undefined ? { probability: probability as number } : {}) });
  }
  return votes;
}

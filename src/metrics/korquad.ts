/**
 * The official KorQuAD 1.0 answer scoring (`korquad_evaluate-v1.0.py`). It differs from SQuAD in two ways
 * that matter for Korean: quotes and brackets become spaces before anything else (and no articles are
 * removed), and F1 counts characters, because a particle glued to a word (`저녁에` vs `저녁에는`) would
 * otherwise make the whole token wrong.
 */
import { pyChars, pyCollapseWhitespace, pyLower, pyRemovePunctuation, pySplit } from './python.ts';
import { overlapF1 } from './squad.ts';

/** The characters the script's `remove_` replaces with a space, one `re.sub` each. */
const KORQUAD_SPACED = /['"《》<>〈〉()‘’]/g;

/** `remove_` → lower → drop ASCII punctuation → collapse whitespace. */
export function normalizeKorquadAnswer(s: string): string {
  return pyCollapseWhitespace(pyRemovePunctuation(pyLower(s.replace(KORQUAD_SPACED, ' '))));
}

/** EM on the normalised strings: inner spaces still count. */
export function korquadExactMatch(prediction: string, groundTruth: string): number {
  return normalizeKorquadAnswer(prediction) === normalizeKorquadAnswer(groundTruth) ? 1 : 0;
}

/** Characters of the normalised tokens, spaces excluded. */
function korquadChars(s: string): string[] {
  return pySplit(normalizeKorquadAnswer(s)).flatMap(pyChars);
}

/** Character-level F1 (multiset overlap of characters). */
export function korquadF1(prediction: string, groundTruth: string): number {
  return overlapF1(korquadChars(prediction), korquadChars(groundTruth));
}

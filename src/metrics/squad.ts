/**
 * The official SQuAD v1.1 answer scoring (`evaluate-v1.1.py`), with Python's string semantics
 * (see python.ts). Per-answer scores are on a 0–1 scale; `qa.ts` sums them into the 0–100 totals.
 */
import { PY_WORD_RUN, pyCollapseWhitespace, pyLower, pyRemovePunctuation, pySplit } from './python.ts';

const ARTICLES = new Set(['a', 'an', 'the']);

/**
 * `re.sub(r'\b(a|an|the)\b', ' ', text)`: with both `\b`s, a match is exactly a whole run of word
 * characters equal to an article, so replacing such runs is equivalent and Unicode-correct.
 */
function removeArticles(text: string): string {
  return text.replace(PY_WORD_RUN, (word) => (ARTICLES.has(word) ? ' ' : word));
}

/** lower → drop ASCII punctuation → drop articles → collapse whitespace, in the script's order. */
export function normalizeSquadAnswer(s: string): string {
  return pyCollapseWhitespace(removeArticles(pyRemovePunctuation(pyLower(s))));
}

export function squadExactMatch(prediction: string, groundTruth: string): number {
  return normalizeSquadAnswer(prediction) === normalizeSquadAnswer(groundTruth) ? 1 : 0;
}

/** Size of the multiset intersection (`sum((Counter(a) & Counter(b)).values())`). */
export function countCommon(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of b) {
    const left = counts.get(x) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(x, left - 1);
    }
  }
  return common;
}

/** F1 over two item lists, with the scripts' float expression; 0 when nothing is shared. */
export function overlapF1(prediction: readonly string[], groundTruth: readonly string[]): number {
  const numSame = countCommon(prediction, groundTruth);
  if (numSame === 0) return 0;
  const precision = numSame / prediction.length;
  const recall = numSame / groundTruth.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Token-level F1 on whitespace tokens of the normalised strings. */
export function squadF1(prediction: string, groundTruth: string): number {
  return overlapF1(pySplit(normalizeSquadAnswer(prediction)), pySplit(normalizeSquadAnswer(groundTruth)));
}

/**
 * Label vocabularies. The order decides the class ids saved with a run (`id2label`), so it must not depend
 * on row order: integer labels sort numerically (so `2` < `10` and ids match the dataset's own integers),
 * anything else by Unicode code point. NER puts `O` first, the convention HF checkpoints follow.
 */
const INT = /^-?\d+$/;

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i)!, cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

export function sortLabels(labels: Iterable<string>): string[] {
  const all = [...new Set(labels)];
  if (all.length && all.every((l) => INT.test(l))) return all.sort((a, b) => Number(a) - Number(b));
  return all.sort(compareCodePoints);
}

export function sortTags(tags: Iterable<string>): string[] {
  const sorted = sortLabels(tags);
  const o = sorted.indexOf('O');
  if (o > 0) sorted.unshift(...sorted.splice(o, 1));
  return sorted;
}

export interface LabelMaps {
  id2label: Record<number, string>;
  label2id: Record<string, number>;
}

export function labelMaps(labels: readonly string[]): LabelMaps {
  const id2label: Record<number, string> = {};
  const label2id: Record<string, number> = {};
  labels.forEach((l, i) => {
    id2label[i] = l;
    label2id[l] = i;
  });
  return { id2label, label2id };
}

/** Rows (or positives) per label: the vocabulary's labels first, in order, 0 when unused; then any others as met. */
export function countLabels(labelsPerExample: Iterable<readonly string[]>, vocab: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const l of vocab) counts.set(l, 0);
  for (const labels of labelsPerExample) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Object.fromEntries(counts);
}

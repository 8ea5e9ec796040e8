import { rng as mulberry32 } from '../engine/random.ts';
import type { ClassificationExample, Example, QaExample, Task } from './types.ts';
import { taskSpec, type TaskSpec } from '../tasks/index.ts';

export { mulberry32 };

/**
 * Seeded splits. The same seed and input give the same split on every machine (mulberry32 is pure integer
 * arithmetic), so a saved run can be reproduced from its seed. Single-label data is split per class, so
 * a rare class still appears in validation in its true proportion.
 */
export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export interface SplitFractions {
  validation: number;
  test: number;
}

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * Largest-remainder apportionment: `total` items taken from groups in proportion to `sizes × fraction`, so
 * a stratified split has exactly the overall size asked for (20% of 60 is 12, not 13 after rounding per class).
 */
function apportion(sizes: readonly number[], fraction: number, total: number): number[] {
  const ideal = sizes.map((g) => g * fraction);
  const take = ideal.map((x, i) => Math.min(sizes[i], Math.floor(x)));
  let left = Math.min(total, sizes.reduce((a, b) => a + b, 0)) - take.reduce((a, b) => a + b, 0);
  const order = ideal.map((x, i) => i).sort((a, b) => ideal[b] - Math.floor(ideal[b]) - (ideal[a] - Math.floor(ideal[a])) || a - b);
  for (let k = 0; left > 0 && k < order.length * 2; k++) {
    const i = order[k % order.length];
    if (take[i] < sizes[i]) {
      take[i]++;
      left--;
    }
  }
  return take;
}

function checkFractions({ validation, test }: SplitFractions): void {
  if (validation < 0 || test < 0 || validation + test >= 1) throw new Error(`split fractions must be >= 0 and leave some training data (got validation ${validation}, test ${test})`);
}

/** Indices 0..n-1 grouped by their key, groups in the order their keys first appear. */
function groupIndices(n: number, keyOf: (i: number) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return groups;
}

const ascending = (out: SplitIndices): SplitIndices => {
  for (const list of Object.values(out)) list.sort((a: number, b: number) => a - b);
  return out;
};

/**
 * Indices 0..n-1 into train/validation/test. With `strata` (one key per item, e.g. its label) each stratum
 * is split on its own with the same fractions. Each list is returned in ascending order (file order).
 */
export function splitIndices(n: number, fractions: SplitFractions, seed: number, strata?: readonly string[]): SplitIndices {
  checkFractions(fractions);
  const { validation, test } = fractions;
  const rand = mulberry32(seed);
  const groups = groupIndices(n, (i) => (strata ? strata[i] : ''));
  const out: SplitIndices = { train: [], validation: [], test: [] };
  // Sorted keys: the random stream must not depend on the order classes first appear in.
  const keys = [...groups.keys()].sort();
  const sizes = keys.map((k) => groups.get(k)!.length);
  const nVal = apportion(sizes, validation, Math.round(n * validation));
  const nTest = apportion(sizes.map((g, i) => g - nVal[i]), test / (1 - validation), Math.round(n * test));
  keys.forEach((key, i) => {
    const g = shuffleInPlace(groups.get(key)!, rand);
    // Index loops, not push(...slice): a class can hold more items than a call's argument limit.
    g.forEach((idx, j) => (j < nVal[i] ? out.validation : j < nVal[i] + nTest[i] ? out.test : out.train).push(idx));
  });
  return ascending(out);
}

export type SplitName = 'train' | 'validation' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

const NAME_HINTS: [RegExp, SplitName][] = [
  [/(^|[^a-z])(dev|valid|validation|val|eval)([^a-z]|$)/, 'validation'],
  [/(^|[^a-z])(test)([^a-z]|$)/, 'test'],
  [/(^|[^a-z])(train)([^a-z]|$)/, 'train'],
];

/** Split from a file name, with the word that decided it: `dev`/`valid`/`val` → validation, `test`, `train`. */
function nameHint(name: string): { split: SplitName; word: string } | undefined {
  const base = name.toLowerCase().replace(/^.*[\\/]/, '');
  for (const [re, split] of NAME_HINTS) {
    const m = re.exec(base);
    if (m) return { split, word: m[2] };
  }
  return undefined;
}

/** Split from a file name: `dev`/`valid`/`val` → validation, `test` → test, `train` → train. */
export function splitFromName(name: string): SplitName | undefined {
  return nameHint(name)?.split;
}

/** A file's split and, in words, why it got it (shown beside the file and in any message about splits). */
export interface SplitChoice {
  split: SplitName;
  why: string;
}

/**
 * Which file is which split: an explicit choice wins, then the name, then the order of the remaining slots
 * (the first unnamed file trains). A second file for a taken split joins it. Something must train: without a
 * training file, the first file not explicitly placed trains (a `…_dev.jsonl` dropped alone is the data to
 * learn from, and the hold-out then carves validation out of it).
 */
export function explainSplits(files: readonly { name: string; split?: SplitName }[]): SplitChoice[] {
  const hints = files.map((f) => (f.split ? undefined : nameHint(f.name)));
  const out: (SplitChoice | undefined)[] = files.map((f, i) => {
    if (f.split) return { split: f.split, why: 'chosen explicitly' };
    const h = hints[i];
    return h ? { split: h.split, why: `its name contains "${h.word}"` } : undefined;
  });
  const free = SPLITS.filter((s) => !out.some((c) => c?.split === s));
  const byOrder = (): SplitChoice => {
    const split = free.shift();
    if (!split) return { split: 'train', why: 'no split in its name, and every split was taken, so it joins train' };
    return { split, why: split === 'train' ? 'no split in its name; the first such file trains' : `no split in its name; ${split} was the next free split` };
  };
  const named = out.map((c) => c ?? byOrder());
  const first = files.findIndex((f) => !f.split);
  if (!named.some((c) => c.split === 'train') && first >= 0) {
    const h = hints[first];
    const was = h ? `its name suggests ${h.split} ("${h.word}"), but ` : '';
    // Its rows are held out for validation only when no other file validates (session.ts applySplit).
    const heldOut = !named.some((c, i) => i !== first && c.split === 'validation');
    named[first] = { split: 'train', why: `${was}no file was in the train split, so the first file trains${heldOut ? ' and part of its rows is held out' : ''}` };
  }
  return named;
}

/** The splits alone: explainSplits without the reasons. */
export function assignSplits(files: readonly { name: string; split?: SplitName }[]): SplitName[] {
  return explainSplits(files).map((c) => c.split);
}

/**
 * A split that keeps every group whole (QA: all questions on one context), so validation never asks about a
 * passage the model trained on. Groups are taken in seeded random order; one joins validation (then test) while
 * that brings the split's size closer to its target, so sizes land within half a group of the fractions; when
 * every group is more than twice a target, that split gets the smallest group.
 */
export function groupedSplitIndices(keys: readonly string[], fractions: SplitFractions, seed: number): SplitIndices {
  checkFractions(fractions);
  const order = shuffleInPlace([...groupIndices(keys.length, (i) => keys[i]).values()], mulberry32(seed));
  const target = { validation: Math.round(keys.length * fractions.validation), test: Math.round(keys.length * fractions.test) };
  const taken: Record<SplitName, number[][]> = { train: [], validation: [], test: [] };
  const size = { validation: 0, test: 0 };
  const closer = (to: 'validation' | 'test', add: number) => size[to] < target[to] && size[to] + add - target[to] <= target[to] - size[to];
  for (const g of order) {
    const to = closer('validation', g.length) ? 'validation' : closer('test', g.length) ? 'test' : 'train';
    if (to !== 'train') size[to] += g.length;
    taken[to].push(g);
  }
  // Every group too big for a target: rather than no validation (or test) at all, give it the smallest group,
  // as long as one stays to train on.
  for (const to of ['validation', 'test'] as const) {
    if (target[to] === 0 || taken[to].length > 0 || taken.train.length < 2) continue;
    const smallest = taken.train.reduce((a, b) => (b.length < a.length ? b : a));
    taken[to].push(...taken.train.splice(taken.train.indexOf(smallest), 1));
  }
  const out: SplitIndices = { train: [], validation: [], test: [] };
  for (const to of SPLITS) for (const g of taken[to]) for (const i of g) out[to].push(i);
  return ascending(out);
}

/** The share of the training rows the app (and `npm run train` without --valid) holds out, and its seed. */
export const DEFAULT_VALIDATION_FRACTION = 0.1;
export const SPLIT_SEED = 42;

/** How splitExamples divides a task's rows. */
export function splitKind(task: Task): TaskSpec['split'] {
  return taskSpec(task).split;
}

/**
 * A seeded random split of one set of examples; stratified by label for single-label tasks, grouped by context
 * for QA (questions on one passage stay in one split).
 */
export function splitExamples<E extends Example>(
  examples: readonly E[],
  task: Task,
  fractions: SplitFractions,
  seed: number,
): Record<SplitName, E[]> {
  const kind = splitKind(task);
  const idx =
    kind === 'whole contexts'
      ? groupedSplitIndices(examples.map((e) => (e as QaExample).context), fractions, seed)
      : splitIndices(examples.length, fractions, seed, kind === 'stratified by label' ? examples.map((e) => (e as ClassificationExample).label) : undefined);
  return {
    train: idx.train.map((i) => examples[i]),
    validation: idx.validation.map((i) => examples[i]),
    test: idx.test.map((i) => examples[i]),
  };
}

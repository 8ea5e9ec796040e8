/**
 * The bits of Python's `str` semantics that the reference scripts (scikit-learn, seqeval, the SQuAD and
 * KorQuAD evaluators) rely on. Reimplemented here because JavaScript differs in small ways that change
 * scores: `sort()` compares UTF-16 units, `\s` has U+FEFF but lacks U+001C–U+001F and U+0085, and `\b`
 * only knows ASCII word characters.
 *
 * Checked exhaustively against CPython 3.11 (Unicode 14): `toLowerCase()` and `[\p{L}\p{N}_]` agree with
 * `str.lower()` and `re`'s `\w` on every code point assigned in Unicode 14. They can differ only on
 * characters added after Unicode 14, which the pinned reference Python does not know.
 */

/** `string.punctuation`: ASCII only, so `’ “ ” — …` survive normalisation. */
export const PY_PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** Every character for which `str.isspace()` is true (Unicode 14; no character has been added since). */
const PY_WHITESPACE_RUN =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** `s.split()` with no argument: split on runs of Python whitespace, drop empty pieces. */
export function pySplit(s: string): string[] {
  return s.split(PY_WHITESPACE_RUN).filter((piece) => piece.length > 0);
}

/** `' '.join(s.split())`. */
export function pyCollapseWhitespace(s: string): string {
  return pySplit(s).join(' ');
}

/** `s.lower()`: both sides apply full Unicode lowercasing, final-sigma rule included. */
export function pyLower(s: string): string {
  return s.toLowerCase();
}

/** `''.join(ch for ch in s if ch not in string.punctuation)`. */
export function pyRemovePunctuation(s: string): string {
  let out = '';
  for (const ch of s) if (!PY_PUNCTUATION.has(ch)) out += ch;
  return out;
}

/** Python's `list(s)`: code points, not UTF-16 units (a lone surrogate stays one item, as in Python). */
export function pyChars(s: string): string[] {
  return Array.from(s);
}

/** A maximal run of `re` word characters (`str.isalnum()` or `_`). */
export const PY_WORD_RUN = /[\p{L}\p{N}_]+/gu;

/** Python's `<` on two strings: code point order (UTF-16 order differs above U+FFFF). */
export function comparePyStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** A label as it can appear in the JSON files: Python would sort ints numerically and strings by code point. */
export type Label = string | number;

/** `sorted(...)` over labels of one kind; mixing numbers and strings is a TypeError in Python, and here too. */
export function comparePyLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return comparePyStrings(a, b);
  throw new TypeError(`cannot order a ${typeof a} label against a ${typeof b} label (${a} vs ${b})`);
}

/** `sorted(set(values))`. */
export function sortedUnique<T extends Label>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort(comparePyLabels);
}

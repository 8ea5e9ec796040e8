/**
 * Alignment between a raw string and its normalized form. The library's normalizers return only the
 * normalized string; we need, for every normalized UTF-16 unit, the raw span it came from, so that token
 * offsets point into the user's text (lower-casing, NFD accent stripping and Hangul decomposition all change
 * lengths: `é` → `e`, `안` → `ᄋ ᅡ ᆫ`, `İ` → `i̇` → `i`).
 *
 * The ids never depend on this: tokens come from the library's own normalization of the whole string. The
 * alignment is exact whenever normalizing code point by code point reproduces the whole-string result (true
 * for BertNormalizer, Lowercase, NFD/NFKD, StripAccents on every fixture and dataset we test); otherwise it
 * degrades gracefully (whitespace-delimited chunks, then proportional inside a chunk).
 */

export interface Alignment {
  /** raw span [start[i], end[i]) of normalized unit i */
  start: Int32Array;
  end: Int32Array;
}

export function alignNormalized(
  raw: string,
  normalized: string,
  normalize: (s: string) => string,
  cache: Map<string, string>,
): Alignment {
  const start = new Int32Array(normalized.length);
  const end = new Int32Array(normalized.length);
  if (raw === normalized) {
    for (let i = 0; i < raw.length; i++) {
      start[i] = i;
      end[i] = i + 1;
    }
    return { start, end };
  }
  if (alignByCodePoints(raw, 0, raw.length, normalized.length, 0, normalize, cache, start, end)) return { start, end };
  // Context-dependent normalization (final sigma, composition across code points, whitespace collapsing):
  // whitespace runs bound every such context we know of, so align chunk by chunk.
  const chunks = raw.match(/\s+|\S+/g) ?? [];
  let r = 0;
  let n = 0;
  const pieces: { r0: number; r1: number; n0: number; n1: number }[] = [];
  for (const chunk of chunks) {
    const norm = normalize(chunk);
    pieces.push({ r0: r, r1: r + chunk.length, n0: n, n1: n + norm.length });
    r += chunk.length;
    n += norm.length;
  }
  if (n !== normalized.length) {
    // Normalization of the whole differs even in length from the chunks: proportional, still monotone.
    proportional(0, raw.length, 0, normalized.length, start, end);
    return { start, end };
  }
  for (const p of pieces) {
    if (!alignByCodePoints(raw, p.r0, p.r1, p.n1 - p.n0, p.n0, normalize, cache, start, end)) {
      proportional(p.r0, p.r1, p.n0, p.n1, start, end);
    }
  }
  return { start, end };
}

/**
 * Normalizes raw[r0, r1) one code point at a time; succeeds when the lengths add up to the normalized text
 * (equal strings: exact; equal lengths but different letters, e.g. σ vs final ς: still the right spans).
 */
function alignByCodePoints(
  raw: string,
  r0: number,
  r1: number,
  expectedLength: number,
  n0: number,
  normalize: (s: string) => string,
  cache: Map<string, string>,
  start: Int32Array,
  end: Int32Array,
): boolean {
  const lens: number[] = [];
  const rawStarts: number[] = [];
  let total = 0;
  for (let i = r0; i < r1; ) {
    const cp = raw.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const ch = raw.slice(i, i + w);
    let norm = cache.get(ch);
    if (norm === undefined) {
      norm = normalize(ch);
      cache.set(ch, norm);
    }
    lens.push(norm.length);
    rawStarts.push(i);
    total += norm.length;
    i += w;
  }
  if (total !== expectedLength) return false;
  let n = n0;
  for (let k = 0; k < lens.length; k++) {
    const s = rawStarts[k];
    const e = k + 1 < rawStarts.length ? rawStarts[k + 1] : r1;
    for (let j = 0; j < lens[k]; j++) {
      start[n] = s;
      end[n] = e;
      n++;
    }
  }
  return true;
}

function proportional(r0: number, r1: number, n0: number, n1: number, start: Int32Array, end: Int32Array): void {
  const rn = r1 - r0;
  const nn = n1 - n0;
  for (let i = 0; i < nn; i++) {
    const s = r0 + Math.floor((i * rn) / nn);
    const e = Math.max(s + (rn > 0 ? 1 : 0), r0 + Math.floor(((i + 1) * rn) / nn));
    start[n0 + i] = s;
    end[n0 + i] = Math.min(e, r1);
  }
}

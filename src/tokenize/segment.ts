/**
 * One text → tokens with character offsets. transformers.js returns no offsets, so we replay its pipeline
 * step by step with positions: added tokens split from the raw text → the library's normalizer (aligned back
 * to the raw text, see align.ts) → the library's pre-tokenizer (each word located in the normalized text) →
 * the library's model on each word → each sub-token located inside its word.
 * The ids are the library's own (same normalizer, pre-tokenizer and model on the same strings); the tests
 * prove they equal whole-text tokenization on every fixture text and dataset context.
 */
import { splitAdded } from './added.ts';
import { alignNormalized, type Alignment } from './align.ts';
import type { SegmentEncoding, SegmentPipeline, Span } from './types.ts';

// ignoreBOM keeps a U+FEFF that is part of the text (the default would silently drop it at the start).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** GPT-2's byte ↔ printable-char table: byte-level pieces carry one char per UTF-8 byte. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(cs.map((c, i) => [String.fromCharCode(c), bs[i]]));
})();

export function encodeSegment(p: SegmentPipeline, text: string): SegmentEncoding {
  const out: SegmentEncoding = { ids: [], offsets: [], wordIds: [] };
  let word = 0;
  const sections = splitAdded(text, p.addedRaw, p.addedByContent);
  sections.forEach((sec, sectionIndex) => {
    if (sec.end <= sec.start) return;
    if (sec.added) {
      push(out, sec.added.id, [sec.start, sec.end], word++);
      return;
    }
    const raw = text.slice(sec.start, sec.end);
    const normalized = p.normalize(raw);
    if (normalized.length === 0) return;
    const align = alignNormalized(raw, normalized, p.normalize, p.normalizeCache);
    const toText = (ns: number, ne: number): Span => trim(text, mapSpan(align, raw.length, ns, ne, sec.start));
    for (const sub of splitAdded(normalized, p.addedNormalized, p.addedByContent)) {
      if (sub.end <= sub.start) continue;
      if (sub.added) {
        push(out, sub.added.id, toText(sub.start, sub.end), word++);
        continue;
      }
      const subText = normalized.slice(sub.start, sub.end);
      let cursor = 0;
      for (const piece of p.preTokenize(subText, sectionIndex)) {
        const located = locatePiece(p, piece, subText, cursor);
        cursor = located.next;
        const tokens = p.model([piece]);
        const spans = tokenSpans(p, piece, tokens);
        for (let k = 0; k < tokens.length; k++) {
          const [u0, u1] = spans[k];
          let ns = Number.MAX_SAFE_INTEGER;
          let ne = -1;
          for (let u = u0; u < u1; u++) {
            ns = Math.min(ns, located.unitStart[u]);
            ne = Math.max(ne, located.unitEnd[u]);
          }
          if (ne < 0) ns = ne = u0 < piece.length ? located.unitStart[u0] : located.next;
          push(out, p.tokenToId(tokens[k]), toText(sub.start + ns, sub.start + ne), word);
        }
        word++;
      }
    }
  });
  return out;
}

function push(out: SegmentEncoding, id: number, span: Span, word: number): void {
  out.ids.push(id);
  out.offsets.push(span);
  out.wordIds.push(word);
}

/** Normalized span → span in the raw section → span in the whole text. */
function mapSpan(align: Alignment, rawLength: number, ns: number, ne: number, base: number): Span {
  if (ne <= ns) {
    const at = ns < align.start.length ? align.start[ns] : rawLength;
    return [base + at, base + at];
  }
  let s = align.start[ns];
  let e = align.end[ne - 1];
  for (let i = ns + 1; i < ne; i++) s = Math.min(s, align.start[i]);
  for (let i = ns; i < ne - 1; i++) e = Math.max(e, align.end[i]);
  return [base + s, base + e];
}

/**
 * Like HF's `trim_offsets`: a byte-level `Ġword` token points at `word`, not at the space before it.
 * A token made only of whitespace keeps its span.
 */
function trim(text: string, [s, e]: Span): Span {
  let a = s;
  let b = e;
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  return a < b ? [a, b] : [s, e];
}

interface LocatedPiece {
  /** For each unit of the piece string, its span in the normalized sub-section. */
  unitStart: Int32Array;
  unitEnd: Int32Array;
  next: number;
}

/**
 * Finds a pre-token in the normalized text it came from. Byte-level pieces are decoded from the GPT-2 byte
 * alphabet, Metaspace pieces turn `▁` back into spaces; a leading space that the pre-tokenizer invented
 * (`add_prefix_space`, Metaspace's prepended `▁`) is zero-width. Pre-tokenizers only drop text between
 * pieces, so the first occurrence at or after the previous piece's end is the right one.
 */
function locatePiece(p: SegmentPipeline, piece: string, text: string, cursor: number): LocatedPiece {
  let surface: string;
  let bytes: Uint8Array | null = null;
  if (p.byteLevel) {
    bytes = new Uint8Array(piece.length);
    for (let i = 0; i < piece.length; i++) bytes[i] = UNICODE_TO_BYTE.get(piece[i]) ?? 63;
    surface = utf8.decode(bytes);
  } else {
    surface = p.metaspace ? piece.split(p.metaspace).join(' ') : piece;
  }
  const exact = text.indexOf(surface, cursor);
  const virt = surface.startsWith(' ') ? text.indexOf(surface.slice(1), cursor) : -1;
  let pos = cursor;
  let prefix = 0;
  if (exact >= 0 && (virt < 0 || exact <= virt)) pos = exact;
  else if (virt >= 0) [pos, prefix] = [virt, 1];
  else prefix = surface.length; // not found (exotic pre-tokenizer): zero-width at the cursor
  // Span of each UTF-16 unit of the surface, in the normalized text.
  const sStart = new Int32Array(surface.length);
  const sEnd = new Int32Array(surface.length);
  for (let k = 0; k < surface.length; k++) {
    const at = k < prefix ? pos : pos + k - prefix;
    sStart[k] = at;
    sEnd[k] = k < prefix ? pos : at + 1;
  }
  const next = pos + surface.length - prefix;
  if (!bytes) return { unitStart: sStart, unitEnd: sEnd, next };
  // Byte-level: each piece char is one UTF-8 byte; it spans the whole character that byte belongs to.
  const unitStart = new Int32Array(piece.length);
  const unitEnd = new Int32Array(piece.length);
  let b = 0;
  for (let k = 0; k < surface.length && b < piece.length; ) {
    const cp = surface.codePointAt(k)!;
    const units = cp > 0xffff ? 2 : 1;
    const nBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    const s = sStart[k];
    const e = sEnd[k + units - 1];
    for (let j = 0; j < nBytes && b < piece.length; j++, b++) {
      unitStart[b] = s;
      unitEnd[b] = e;
    }
    k += units;
  }
  for (; b < piece.length; b++) [unitStart[b], unitEnd[b]] = [next, next];
  return { unitStart, unitEnd, next };
}

/**
 * Span of each model token in units of its piece: tokens are the piece cut into parts, plus sub-word markers
 * (`##`, `</w>`) that are not in the text. An `[UNK]` (WordPiece: the whole word) covers the text up to where
 * the next token matches; text skipped by the library's unk fusing is given to the preceding unk.
 */
function tokenSpans(p: SegmentPipeline, piece: string, tokens: string[]): Span[] {
  const spans: Span[] = [];
  let u = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const here = matchAt(p, piece, t, u);
    if (here >= 0) {
      spans.push([u, u + here]);
      u += here;
      continue;
    }
    const found = p.isUnk(t) ? null : findFrom(p, piece, t, u);
    if (found) {
      if (k > 0 && p.isUnk(tokens[k - 1])) spans[k - 1][1] = found[0];
      spans.push([found[0], found[0] + found[1]]);
      u = found[0] + found[1];
      continue;
    }
    let v = piece.length;
    for (let j = k + 1; j < tokens.length && v === piece.length; j++) {
      if (p.isUnk(tokens[j])) continue;
      const f = findFrom(p, piece, tokens[j], u);
      if (f) v = f[0];
    }
    spans.push([u, v]);
    u = v;
  }
  return spans;
}

/** The token without the sub-word markers the model added (`##s` → `s`, `low</w>` → `low`). */
function stripMarkers(p: SegmentPipeline, t: string): string {
  let s = t;
  if (p.subwordPrefix && s.startsWith(p.subwordPrefix)) s = s.slice(p.subwordPrefix.length);
  for (const suf of p.subwordSuffixes) if (s.endsWith(suf)) s = s.slice(0, -suf.length);
  return s;
}

/** Length of the token's text if it occurs at unit u of the piece, else -1. A word's first token is taken as is. */
function matchAt(p: SegmentPipeline, piece: string, t: string, u: number): number {
  const stripped = stripMarkers(p, t);
  const [first, second] = u === 0 ? [t, stripped] : [stripped, t];
  if (first.length > 0 && piece.startsWith(first, u)) return first.length;
  if (second.length > 0 && piece.startsWith(second, u)) return second.length;
  return -1;
}

/** Earliest [position, length] of the token's text at or after unit `from`. */
function findFrom(p: SegmentPipeline, piece: string, t: string, from: number): [number, number] | null {
  let best: [number, number] | null = null;
  for (const c of [t, stripMarkers(p, t)]) {
    if (c.length === 0) continue;
    const at = piece.indexOf(c, from);
    if (at >= 0 && (!best || at < best[0])) best = [at, c.length];
  }
  return best;
}

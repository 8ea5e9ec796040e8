/**
 * Bytes → numbered text lines. Every reader sits on this layer, so line numbers and UTF-8 checking are
 * defined once. Lines are split on the 0x0A byte, which never occurs inside a multi-byte UTF-8 sequence,
 * so a chunk boundary in the middle of a character is harmless: decoding happens per whole line.
 */

export interface Line {
  /** 1-based. */
  line: number;
  /** Without the line break (a trailing `\r` is removed too). */
  text: string;
  /** The bytes were not valid UTF-8; `text` holds them decoded with U+FFFD replacements, for context only. */
  badUtf8?: boolean;
}

export interface ReadOptions {
  /** Called after each chunk with the bytes consumed so far. */
  onBytes?: (loaded: number) => void;
  signal?: AbortSignal;
}

const NL = 0x0a;
const CR = 0x0d;
const MAX_CHUNK = 1 << 20;
const fatal = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

export class AbortError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Yields the lines of each chunk as one batch (async generators cost a promise per yield; per-line yields
 * would dominate the time on a 500 MB file). A whole batch is decoded at once when it is valid UTF-8, and
 * line by line only when it is not, to find the broken line.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: ReadOptions = {},
): AsyncGenerator<Line[]> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNo = 1;
  let loaded = 0;
  let first = true;
  // Decided at the file's first line break: a CR not followed by LF means CR-only line ends (classic Mac
  // Excel exports), read by turning each lone CR into LF, byte for byte, so offsets and columns stay as they
  // are (a CRLF stays one line end). `crAtEnd`: the last chunk ended in a CR that the next byte explains.
  let crOnly: boolean | undefined;
  let crAtEnd = false;
  const heldCrWasLineEnd = () => {
    const k = pending.length - 1;
    pending[k] = pending[k].slice(); // may be the caller's bytes
    pending[k][pending[k].byteLength - 1] = NL;
  };

  // `bytes` holds whole lines without the final line break.
  const decodeBlock = (bytes: Uint8Array): Line[] => {
    const out: Line[] = [];
    let text: string | null = null;
    try {
      text = fatal.decode(bytes);
    } catch {
      text = null;
    }
    if (text !== null) {
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      for (const p of text.split('\n')) out.push({ line: lineNo++, text: stripCr(p) });
    } else {
      for (let start = 0; ; ) {
        const nl = bytes.indexOf(NL, start);
        const end = nl < 0 ? bytes.byteLength : nl;
        out.push(decodeLine(bytes.subarray(start, end), lineNo++));
        if (nl < 0) break;
        start = nl + 1;
      }
    }
    first = false;
    return out;
  };

  for await (const whole of chunks) {
    // Node hands over an in-memory Blob as one chunk: cut it so progress and Cancel keep working.
    for (let at = 0; at < whole.byteLength; at += MAX_CHUNK) {
      let chunk = whole.subarray(at, at + MAX_CHUNK);
      throwIfAborted(opts.signal);
      if (crOnly !== false && chunk.byteLength) {
        if (crAtEnd) {
          const lone = chunk[0] !== NL;
          crOnly ??= lone;
          if (lone && pending.length) heldCrWasLineEnd();
          crAtEnd = false;
        }
        if (crOnly === undefined) [crOnly, crAtEnd] = firstLineEnd(chunk);
        if (crOnly) {
          chunk = loneCrToLf(chunk);
          crAtEnd = chunk[chunk.byteLength - 1] === CR;
        }
      }
      loaded += chunk.byteLength;
      const lastNl = chunk.lastIndexOf(NL);
      if (lastNl < 0) {
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
      } else {
        const head = chunk.subarray(0, lastNl + 1);
        const block = concat([...pending, head], pendingBytes + head.byteLength);
        pending = lastNl + 1 < chunk.byteLength ? [chunk.slice(lastNl + 1)] : [];
        pendingBytes = chunk.byteLength - lastNl - 1;
        const lines = decodeBlock(block.subarray(0, block.byteLength - 1));
        if (lines.length) yield lines;
      }
      opts.onBytes?.(loaded);
    }
  }
  if (pendingBytes > 0) {
    const lines = decodeBlock(concat(pending, pendingBytes));
    if (lines.length) yield lines;
  }
}

/**
 * Whether the first line break in `chunk` is a lone CR (true) or LF / CRLF (false); undefined while none is
 * seen, with `true` second when the chunk ends in a CR whose meaning the next chunk's first byte decides.
 */
function firstLineEnd(chunk: Uint8Array): [boolean | undefined, boolean] {
  for (let i = 0; i < chunk.byteLength; i++) {
    if (chunk[i] === NL) return [false, false];
    if (chunk[i] === CR) return i + 1 < chunk.byteLength ? [chunk[i + 1] !== NL, false] : [undefined, true];
  }
  return [undefined, false];
}

/** A copy with each CR not followed by LF turned into LF; a CR ending the chunk is left for the next byte. */
function loneCrToLf(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice(); // the source's bytes are the caller's
  for (let i = out.indexOf(CR); i >= 0 && i + 1 < out.byteLength; i = out.indexOf(CR, i + 1)) if (out[i + 1] !== NL) out[i] = NL;
  return out;
}

function decodeLine(bytes: Uint8Array, line: number): Line {
  try {
    return { line, text: stripCr(fatal.decode(bytes)) };
  } catch {
    return { line, text: stripCr(lenient.decode(bytes)), badUtf8: true };
  }
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

export const BROKEN_UTF8 = 'broken UTF-8: the line is not valid UTF-8 text';

/** BROKEN_UTF8 with the column of the first bad byte (its U+FFFD in the leniently decoded `text`). */
export function brokenUtf8Reason(text: string): string {
  const at = text.indexOf('\uFFFD');
  return at < 0 ? BROKEN_UTF8 : `${BROKEN_UTF8} (column ${at + 1})`;
}

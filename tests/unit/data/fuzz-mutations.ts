/**
 * Seeded mutations of valid data files for the fuzz test: each takes the file's bytes and a PRNG and returns
 * broken bytes, in one of the ways real files break (cut downloads, bit rot, wrong encodings, hand edits,
 * Windows line ends, spreadsheets' BOMs, one enormous cell).
 */

export type Rand = () => number;
export type Format = 'jsonl' | 'csv' | 'tsv' | 'json' | 'conll' | 'text';

const enc = new TextEncoder();
const dec = new TextDecoder();

const int = (rand: Rand, n: number) => Math.floor(rand() * n);
const pick = <T>(rand: Rand, items: readonly T[]): T => items[int(rand, items.length)];

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** Byte offsets just after each `\n` (line starts), the first line included. */
function lineStarts(bytes: Uint8Array): number[] {
  const out = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && i + 1 < bytes.length) out.push(i + 1);
  return out;
}

export function truncate(bytes: Uint8Array, rand: Rand): Uint8Array {
  return bytes.slice(0, int(rand, bytes.length));
}

export function flipBytes(bytes: Uint8Array, rand: Rand): Uint8Array {
  const out = bytes.slice();
  for (let k = 1 + int(rand, 4); k > 0; k--) out[int(rand, out.length)] = int(rand, 256);
  return out;
}

const INVALID_UTF8 = [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

export function invalidUtf8(bytes: Uint8Array, rand: Rand): Uint8Array {
  let out = bytes;
  for (let k = 1 + int(rand, 3); k > 0; k--) out = splice(out, int(rand, out.length + 1), 0, Uint8Array.from(pick(rand, INVALID_UTF8)));
  return out;
}

/** One field grows to a few MB: the value after some `": "` (JSON), or a whole cell (CSV, TSV, CoNLL). */
export function hugeField(bytes: Uint8Array, rand: Rand, format: Format, size: number): Uint8Array {
  const text = dec.decode(bytes);
  const blob = 'word '.repeat(size / 5).trimEnd();
  if (format === 'jsonl' || format === 'json') {
    const starts = [...text.matchAll(/": "/g)].map((m) => m.index! + 4);
    const at = starts.length ? pick(rand, starts) : 0;
    return enc.encode(text.slice(0, at) + blob + text.slice(at));
  }
  const starts = lineStarts(bytes);
  const at = starts[1 + int(rand, Math.max(1, starts.length - 1))] ?? 0;
  return splice(bytes, at, 0, enc.encode(blob));
}

const ODD_VALUES = ['[]', '{}', '123', '-0.5e9', 'null', 'true', '"x"', '[1, "a", null]', '{"text": {}}', '""'];

/** A JSON value swapped for one of another type; CSV/TSV/CoNLL get a cell that cannot be the column's type. */
export function wrongType(bytes: Uint8Array, rand: Rand, format: Format): Uint8Array {
  const text = dec.decode(bytes);
  if (format === 'jsonl' || format === 'json') {
    const values = [...text.matchAll(/(": )("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|\[[^\]\[{}]*\])/g)];
    if (!values.length) return bytes;
    const m = pick(rand, values);
    const at = m.index! + m[1].length;
    return enc.encode(text.slice(0, at) + pick(rand, ODD_VALUES) + text.slice(at + m[2].length));
  }
  const lines = text.split('\n');
  const i = 1 + int(rand, Math.max(1, lines.length - 1));
  const sep = format === 'csv' ? ',' : format === 'tsv' ? '\t' : ' ';
  const cells = (lines[i] ?? '').split(sep);
  cells[int(rand, cells.length)] = pick(rand, ['', '[1,2]', 'NaN', '{"a":1}', '-', 'B-', 'I-PER I-PER']);
  lines[i] = cells.join(sep);
  return enc.encode(lines.join('\n'));
}

/** A key given twice in one object (JSON), or a column name twice in the header (CSV/TSV). */
export function duplicateKey(bytes: Uint8Array, rand: Rand, format: Format): Uint8Array {
  const text = dec.decode(bytes);
  if (format === 'csv' || format === 'tsv') {
    const sep = format === 'csv' ? ',' : '\t';
    const nl = text.indexOf('\n');
    const header = text.slice(0, nl < 0 ? text.length : nl).split(sep);
    header[int(rand, header.length)] = pick(rand, header);
    return enc.encode(header.join(sep) + (nl < 0 ? '' : text.slice(nl)));
  }
  const keys = [...text.matchAll(/"([A-Za-z_]+)": ("(?:[^"\\]|\\.)*"|-?\d+|true|false|null)/g)];
  if (!keys.length) return bytes;
  const m = pick(rand, keys);
  const at = m.index! + m[0].length;
  return enc.encode(`${text.slice(0, at)}, "${m[1]}": ${pick(rand, ODD_VALUES)}${text.slice(at)}`);
}

/** Some line ends become CRLF or a lone CR, a BOM at the start and maybe one mid-file. */
export function crlfBom(bytes: Uint8Array, rand: Rand): Uint8Array {
  const text = dec.decode(bytes);
  let out = '';
  for (const ch of text) out += ch === '\n' && rand() < 0.5 ? pick(rand, ['\r\n', '\r\n', '\r', '\n\r']) : ch;
  if (rand() < 0.7) out = '\uFEFF' + out;
  if (rand() < 0.3) {
    const at = int(rand, out.length);
    out = out.slice(0, at) + '\uFEFF' + out.slice(at);
  }
  return enc.encode(out);
}

export const MUTATIONS = ['truncate', 'flipBytes', 'invalidUtf8', 'wrongType', 'duplicateKey', 'crlfBom'] as const;
export type Mutation = (typeof MUTATIONS)[number] | 'hugeField';

export function mutate(kind: Mutation, bytes: Uint8Array, rand: Rand, format: Format): Uint8Array {
  switch (kind) {
    case 'truncate':
      return truncate(bytes, rand);
    case 'flipBytes':
      return flipBytes(bytes, rand);
    case 'invalidUtf8':
      return invalidUtf8(bytes, rand);
    case 'wrongType':
      return wrongType(bytes, rand, format);
    case 'duplicateKey':
      return duplicateKey(bytes, rand, format);
    case 'crlfBom':
      return crlfBom(bytes, rand);
    case 'hugeField':
      return hugeField(bytes, rand, format, 3 << 20);
  }
}

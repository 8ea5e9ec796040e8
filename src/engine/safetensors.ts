/**
 * A small safetensors reader/writer (the npm `safetensors` package is an empty stub).
 * Format: u64 LE header length N, N bytes of JSON {name: {dtype, shape, data_offsets}}, then raw LE data.
 */

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** The tensor's bytes (a view into the file buffer). */
  bytes: Uint8Array;
}

interface HeaderEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES_PER: Record<SafetensorsDtype, number> = {
  F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export interface ParsedSafetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

export function parseSafetensors(buffer: ArrayBuffer, fileName = 'model.safetensors'): ParsedSafetensors {
  const headerLen = safetensorsHeaderLength(new Uint8Array(buffer, 0, Math.min(8, buffer.byteLength)), buffer.byteLength, fileName);
  const { tensors: entries, metadata } = parseSafetensorsHeader(new Uint8Array(buffer, 8, headerLen), buffer.byteLength, fileName);
  const tensors = new Map<string, RawTensor>();
  for (const t of entries) tensors.set(t.name, { dtype: t.dtype, shape: t.shape, bytes: new Uint8Array(buffer, t.begin, t.end - t.begin) });
  return { tensors, metadata };
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Floating tensors as float32 (F16 / BF16 / F64 widened or narrowed); null for integer tensors. */
export function toFloat32(t: RawTensor): Float32Array | null {
  const { bytes } = t;
  const n = bytes.byteLength / BYTES_PER[t.dtype];
  // Copy first: the view may be unaligned inside the file buffer.
  const aligned = bytes.slice().buffer;
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(aligned);
    case 'F64':
      return Float32Array.from(new Float64Array(aligned));
    case 'BF16': {
      const src = new Uint16Array(aligned);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i] << 16;
      return new Float32Array(out.buffer);
    }
    case 'F16': {
      const src = new Uint16Array(aligned);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = f16ToF32(src[i]);
      return out;
    }
    default:
      return null;
  }
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  /** F32, or I32 for integer data (token ids, labels); both 4 bytes wide, so the order below holds. */
  data: Float32Array | Int32Array;
}

/** Where each tensor of a file lies (absolute byte offsets), and the header bytes (length prefix included) to write first. */
export interface SafetensorsLayout {
  header: Uint8Array;
  tensors: { name: string; dtype: 'F32' | 'I32'; shape: number[]; begin: number; end: number }[];
  totalBytes: number;
}

/**
 * The file's layout from names and shapes alone, so a writer can put each tensor at its offset one at a time
 * (src/persist/opfs.ts streams GB-sized states this way). Sorted by name, header padded with spaces to a multiple of 8.
 */
export function safetensorsLayout(specs: { name: string; shape: number[]; dtype: 'F32' | 'I32' }[], metadata: Record<string, string> = { format: 'pt' }): SafetensorsLayout {
  const sorted = [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const relative: { name: string; dtype: 'F32' | 'I32'; shape: number[]; begin: number; end: number }[] = [];
  for (const t of sorted) {
    const size = t.shape.reduce((a, b) => a * b, 1) * 4;
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    relative.push({ name: t.name, dtype: t.dtype, shape: t.shape, begin: offset, end: offset + size });
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = json.byteLength + ((8 - (json.byteLength % 8)) % 8);
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  const start = bytes.byteLength;
  return { header: bytes, tensors: relative.map((t) => ({ ...t, begin: start + t.begin, end: start + t.end })), totalBytes: start + offset };
}

/**
 * The header of a file read piecewise: `prefix` holds its first 8 bytes, `json` the N header bytes after them.
 * Offsets come back absolute; each is checked against the file's size, as parseSafetensors does.
 */
export function parseSafetensorsHeader(json: Uint8Array, fileBytes: number, fileName = 'model.safetensors'): { tensors: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[]; metadata: Record<string, string> } {
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    throw new Error(`${fileName}: header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + json.byteLength;
  const tensors: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: [begin, end] } = entry as HeaderEntry;
    const width = BYTES_PER[dtype];
    if (width === undefined) throw new Error(`${fileName}: tensor ${name} has unsupported dtype ${dtype}`);
    if (end - begin !== shape.reduce((a, b) => a * b, 1) * width || dataStart + end > fileBytes) {
      throw new Error(`${fileName}: tensor ${name} (${dtype} ${JSON.stringify(shape)}) has bad offsets [${begin}, ${end}]`);
    }
    tensors.push({ name, dtype, shape, begin: dataStart + begin, end: dataStart + end });
  }
  return { tensors, metadata };
}

/** The header length a file's first 8 bytes announce (u64 LE). */
export function safetensorsHeaderLength(prefix: Uint8Array, fileBytes: number, fileName = 'model.safetensors'): number {
  if (fileBytes < 8 || prefix.byteLength < 8) throw new Error(`${fileName}: too short to be a safetensors file`);
  const n = Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
  if (n <= 0 || 8 + n > fileBytes) throw new Error(`${fileName}: header length ${n} does not fit in ${fileBytes} bytes`);
  return n;
}

/**
 * Writes F32 (or I32) tensors like the Python library: tensors sorted by (dtype size desc, name), header padded with
 * spaces to a multiple of 8, `{"format": "pt"}` metadata so `transformers` loads it as a PyTorch checkpoint.
 */
export function writeSafetensors(tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of sorted) {
    const size = t.data.length * 4;
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) throw new Error(`writeSafetensors: ${t.name} has ${t.data.length} values for shape ${JSON.stringify(t.shape)}`);
    header[t.name] = { dtype: t.data instanceof Int32Array ? 'I32' : 'F32', shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.byteLength + ((8 - (json.byteLength % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const t of sorted) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

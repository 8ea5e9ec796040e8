/**
 * safetensors checkpoints on disk read tensor by tensor (Node): only the headers are read up front, and each
 * tensor's bytes when asked, so exporting a large model holds one tensor at a time instead of the whole file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncoderConfig } from '../../src/engine/config.ts';
import { toFloat32, type RawTensor, type SafetensorsDtype } from '../../src/engine/safetensors.ts';
import type { WeightSource } from '../../src/export/onnx/index.ts';
import { checkpointName } from '../../src/export/onnx/weights.ts';

export interface TensorOnDisk {
  dtype: SafetensorsDtype;
  shape: number[];
  file: string;
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

async function readHeader(path: string): Promise<Map<string, TensorOnDisk>> {
  const fh = await open(path, 'r');
  try {
    const lenBytes = Buffer.alloc(8);
    await fh.read(lenBytes, 0, 8, 0);
    const headerLen = Number(lenBytes.readBigUInt64LE(0));
    const header = Buffer.alloc(headerLen);
    await fh.read(header, 0, headerLen, 8);
    const entries = JSON.parse(header.toString('utf8')) as Record<string, { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] }>;
    const out = new Map<string, TensorOnDisk>();
    for (const [name, e] of Object.entries(entries)) {
      if (name === '__metadata__') continue;
      out.set(name, { dtype: e.dtype, shape: e.shape, file: path, begin: 8 + headerLen + e.data_offsets[0], end: 8 + headerLen + e.data_offsets[1] });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** The tensors of `dir`'s model.safetensors or its shards; null when the folder has neither. */
export async function safetensorsOnDisk(dir: string): Promise<Map<string, TensorOnDisk> | null> {
  if (existsSync(join(dir, 'model.safetensors'))) return readHeader(join(dir, 'model.safetensors'));
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (!existsSync(indexPath)) return null;
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map: Record<string, string> };
  const out = new Map<string, TensorOnDisk>();
  for (const shard of new Set(Object.values(index.weight_map))) for (const [k, v] of await readHeader(join(dir, shard))) out.set(k, v);
  return out;
}

/** Reads one tensor's bytes and converts them to float32 (null for integer tensors). */
export async function readTensor(t: TensorOnDisk, handles: Map<string, FileHandle>): Promise<Float32Array | null> {
  let fh = handles.get(t.file);
  if (!fh) handles.set(t.file, (fh = await open(t.file, 'r')));
  const bytes = new Uint8Array(t.end - t.begin);
  await fh.read(bytes, 0, bytes.byteLength, t.begin);
  // F32 needs no conversion: the fresh buffer is aligned and the tensor's own.
  if (t.dtype === 'F32') return new Float32Array(bytes.buffer);
  const raw: RawTensor = { dtype: t.dtype, shape: t.shape, bytes };
  return toFloat32(raw);
}

/** A WeightSource over the tensors on disk (graph names resolved like the in-memory one); `close` the files after. */
export function weightsOnDisk(tensors: ReadonlyMap<string, TensorOnDisk>, cfg: EncoderConfig): WeightSource & { close(): Promise<void> } {
  const handles = new Map<string, FileHandle>();
  const find = (name: string) => {
    const n = checkpointName(name, cfg, (c) => tensors.has(c));
    return n === undefined ? undefined : tensors.get(n);
  };
  return {
    shapeOf: (name) => find(name)?.shape,
    async read(name) {
      const t = find(name);
      if (!t) throw new Error(`no tensor "${name}" in the checkpoint`);
      const values = await readTensor(t, handles);
      if (!values) throw new Error(`${t.file}: "${name}" has dtype ${t.dtype}, not a floating-point type`);
      return values;
    },
    async close() {
      for (const fh of handles.values()) await fh.close();
    },
  };
}

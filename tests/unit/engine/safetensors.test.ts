import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSafetensors, toFloat32, writeSafetensors } from '../../../src/engine/safetensors';

const FIX = 'tests/fixtures/hf-reference';
const load = (p: string) => {
  const b = readFileSync(p);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

/** A hand-built file with one tensor of the given dtype and raw bytes. */
function fileWith(dtype: string, shape: number[], bytes: Uint8Array): ArrayBuffer {
  const header = new TextEncoder().encode(JSON.stringify({ t: { dtype, shape, data_offsets: [0, bytes.byteLength] } }));
  const out = new Uint8Array(8 + header.byteLength + bytes.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  out.set(header, 8);
  out.set(bytes, 8 + header.byteLength);
  return out.buffer;
}

describe('safetensors', () => {
  test('reads an HF checkpoint: F32 tensors, the I64 position_ids buffer, metadata', () => {
    const { tensors, metadata } = parseSafetensors(load(`${FIX}/bert-seqcls/model.safetensors`));
    expect(metadata).toEqual({ format: 'pt' });
    const pos = tensors.get('bert.embeddings.position_ids')!;
    expect(pos.dtype).toBe('I64');
    expect(toFloat32(pos)).toBeNull();
    const w = tensors.get('bert.embeddings.word_embeddings.weight')!;
    expect(w.shape).toEqual([99, 32]);
    expect(toFloat32(w)!.length).toBe(99 * 32);
  });

  test('writer output reads back bit-identically and is laid out like the Python library', () => {
    const { tensors } = parseSafetensors(load(`${FIX}/roberta-qa/model.safetensors`));
    const list = [...tensors].filter(([, t]) => t.dtype === 'F32').map(([name, t]) => ({ name, shape: t.shape, data: toFloat32(t)! }));
    const bytes = writeSafetensors(list);
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const back = parseSafetensors(bytes.buffer as ArrayBuffer);
    expect(back.metadata).toEqual({ format: 'pt' });
    for (const t of list) {
      const r = back.tensors.get(t.name)!;
      expect(r.shape).toEqual(t.shape);
      expect(Buffer.from(toFloat32(r)!.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
    const names = [...back.tensors.keys()];
    expect(names).toEqual([...names].sort());
  });

  test('F16 and BF16 are widened exactly', () => {
    // 1.0, -2.0, 0.5, 65504 (max f16), smallest subnormal
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001]);
    const a = toFloat32(parseSafetensors(fileWith('F16', [5], new Uint8Array(f16.buffer))).tensors.get('t')!)!;
    expect(Array.from(a)).toEqual([1, -2, 0.5, 65504, 2 ** -24]);
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x4049]); // 1, -3, 3.140625
    const b = toFloat32(parseSafetensors(fileWith('BF16', [3], new Uint8Array(bf16.buffer))).tensors.get('t')!)!;
    expect(Array.from(b)).toEqual([1, -3, 3.140625]);
  });

  test('corrupt files get a message naming the file', () => {
    expect(() => parseSafetensors(new ArrayBuffer(4), 'x.safetensors')).toThrow(/x\.safetensors: too short/);
    const bad = fileWith('F32', [3], new Uint8Array(8)); // 3 floats need 12 bytes
    expect(() => parseSafetensors(bad, 'y.safetensors')).toThrow(/y\.safetensors: tensor t .* bad offsets/);
  });
});

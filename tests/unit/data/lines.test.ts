import { describe, expect, it } from 'vitest';
import { AbortError, readLines, type Line } from '../../../src/data/lines.ts';
import { collect } from './helpers.ts';

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.slice(at, at + size));
  return out;
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('readLines', () => {
  const text = '첫 줄 한국어\r\n\nsecond 😀 line\n세 번째, "quoted"\nno newline at end é';
  const expected = ['첫 줄 한국어', '', 'second 😀 line', '세 번째, "quoted"', 'no newline at end é'];

  it('gives the same numbered lines for every chunk size, boundaries inside multi-byte characters included', async () => {
    const bytes = enc(text);
    for (let size = 1; size <= 11; size++) {
      const lines = await collect(readLines(chunked(bytes, size)));
      expect(lines.map((l) => l.text)).toEqual(expected);
      expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
      expect(lines.some((l) => l.badUtf8)).toBe(false);
    }
  });

  it('drops a BOM and a final empty line, keeps blank lines in the numbering', async () => {
    const lines = await collect(readLines([enc('\uFEFFa\n\nb\n')]));
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: '' },
      { line: 3, text: 'b' },
    ]);
  });

  it('flags broken UTF-8 on its own line only, whatever the chunking', async () => {
    const bytes = new Uint8Array([...enc('좋다\n'), ...enc('ok\n'), 0x62, 0xff, 0xe2, 0x82, 0x0a, ...enc('끝\n')]);
    for (const size of [1, 2, 3, 5, 64]) {
      const lines: Line[] = await collect(readLines(chunked(bytes, size)));
      expect(lines.map((l) => [l.line, !!l.badUtf8])).toEqual([
        [1, false],
        [2, false],
        [3, true],
        [4, false],
      ]);
      expect(lines[3].text).toBe('끝');
    }
  });

  it('reads CR-only line ends (classic Mac exports) as lines, for every chunking, without touching the source', async () => {
    const bytes = enc('text,label\r"two\rlines",pos\r한국어,neg\r');
    const copy = bytes.slice();
    for (let size = 1; size <= 9; size++) {
      const lines = await collect(readLines(chunked(bytes, size)));
      expect(lines.map((l) => [l.line, l.text])).toEqual([
        [1, 'text,label'],
        [2, '"two'],
        [3, 'lines",pos'],
        [4, '한국어,neg'],
      ]);
    }
    await collect(readLines([bytes]));
    expect(bytes).toEqual(copy);
    // A CR-only file with some CRLF lines: a CRLF is still one line end, for every chunking.
    const mixed = enc('a\rb\r\nc\rd');
    for (let size = 1; size <= 6; size++) {
      expect((await collect(readLines(chunked(mixed, size)))).map((l) => [l.line, l.text])).toEqual([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
        [4, 'd'],
      ]);
    }
    // CRLF and LF files are not CR-only: a later lone CR stays inside its line.
    expect((await collect(readLines([enc('a\r\nb\rc\n')]))).map((l) => l.text)).toEqual(['a', 'b\rc']);
  });

  it('reports bytes consumed and stops when aborted', async () => {
    const seen: number[] = [];
    await collect(readLines(chunked(enc('a\nb\nc\n'), 2), { onBytes: (n) => seen.push(n) }));
    expect(seen).toEqual([2, 4, 6]);
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(collect(readLines([enc('a\n')], { signal: ctrl.signal }))).rejects.toBeInstanceOf(AbortError);
  });
});

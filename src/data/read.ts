import { readConll } from './conll.ts';
import { readDelimited } from './csv.ts';
import { readJsonDocument } from './json-stream.ts';
import { readJsonl } from './jsonl.ts';
import { readText } from './text.ts';
import { readLines, type Line, type ReadOptions } from './lines.ts';
import { detectFormat, FileFormatError, type FileFormat, type RawRecord } from './records.ts';

/** A file to read: `File`/`Blob` in the browser, a read stream in Node, bytes in tests. */
export interface DataSource {
  name: string;
  /** Total bytes, for progress; 0 when unknown. */
  size: number;
  /** A fresh stream of the file's bytes. */
  chunks(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface OpenedFile {
  format: FileFormat;
  batches: AsyncGenerator<RawRecord[]>;
}

/** Peeks at the first chunk to settle the format, then streams the rest through the matching reader. */
export async function openRecords(src: DataSource, opts: ReadOptions & { format?: FileFormat } = {}): Promise<OpenedFile> {
  const chunks = src.chunks();
  const it: AsyncIterator<Uint8Array> =
    Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : toAsync(chunks[Symbol.iterator]());
  const first = await it.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  if (head.byteLength === 0 && first.done) throw new FileFormatError('the file is empty');
  const format = opts.format ?? detectFormat(src.name, new TextDecoder().decode(head.subarray(0, 4096)));
  if (!format) throw new FileFormatError('unknown format: expected .jsonl, .json, .csv, .tsv, .txt (plain text or CoNLL)');
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (!first.done) yield first.value;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
  const lines = readLines(rest, opts);
  return { format, batches: readerFor(format)(lines) };
}

function readerFor(format: FileFormat) {
  switch (format) {
    case 'jsonl':
      return readJsonl;
    case 'json':
      return readJsonDocument;
    case 'csv':
      return (l: AsyncIterable<Line[]>) => readDelimited(l, ',');
    case 'tsv':
      return (l: AsyncIterable<Line[]>) => readDelimited(l, '\t');
    case 'conll':
      return readConll;
    case 'text':
      return readText;
  }
}

async function* toAsync<T>(it: Iterator<T>): AsyncGenerator<T> {
  for (let r = it.next(); !r.done; r = it.next()) yield r.value;
}

/** A `Blob`/`File` (browser, or Node's `fs.openAsBlob`) as a data source. */
export function blobSource(blob: Blob, name: string): DataSource {
  return {
    name,
    size: blob.size,
    chunks: () => {
      const stream = blob.stream() as ReadableStream<Uint8Array>;
      return {
        async *[Symbol.asyncIterator]() {
          const reader = stream.getReader();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return;
              yield value;
            }
          } finally {
            await reader.cancel().catch(() => undefined);
          }
        },
      };
    },
  };
}

/** Bytes or text in memory, cut into chunks (tests; pasted data). */
export function memoryDataSource(name: string, data: Uint8Array | string, chunkSize = 65536): DataSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.byteLength,
    *chunks() {
      for (let at = 0; at < bytes.byteLength; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    },
  };
}

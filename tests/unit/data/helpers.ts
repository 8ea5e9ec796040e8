import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryDataSource, openRecords, type DataSource } from '../../../src/data/read.ts';
import type { RawRecord } from '../../../src/data/records.ts';

export const ROOT = join(__dirname, '..', '..', '..');
export const DATA = join(ROOT, 'tests', 'fixtures', 'data');
export const MALFORMED = join(ROOT, 'tests', 'fixtures', 'malformed');

/** A fixture file as a data source, cut into `chunkSize`-byte chunks. */
export function fixture(dir: string, name: string, chunkSize = 65536): DataSource {
  return memoryDataSource(name, new Uint8Array(readFileSync(join(dir, name))), chunkSize);
}

export async function readAll(src: DataSource): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const batch of (await openRecords(src)).batches) out.push(...batch);
  return out;
}

export async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of it) out.push(...batch);
  return out;
}

/**
 * A fixed sample whose lengths are known by hand: row i is "the" repeated LENGTH_SAMPLE_WORDS[i] times, so
 * bert-base-uncased gives words + 2 tokens ([CLS] … [SEP]) and the text has 4·words − 1 characters.
 */
export const LENGTH_SAMPLE_WORDS = [7, 2, 12, 4, 1, 9, 3, 5, 10, 6, 2, 8, 4, 15, 3, 11, 5, 1, 6, 30];
export const lengthSampleJsonl = (): string =>
  LENGTH_SAMPLE_WORDS.map((n, i) => JSON.stringify({ text: Array(n).fill('the').join(' '), label: i % 2 ? 'a' : 'b' })).join('\n');

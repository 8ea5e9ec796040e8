/**
 * `npm run test:slow`: a generated JSONL of SLOW_MB megabytes (default 500) goes through what the data worker runs
 * (DataSession: streamed parse, validation, task detection, split, token statistics with the built-in model's
 * tokenizer), in this Node process, sampling its memory. Prints the timings, the peak RSS and the heap retained
 * after garbage collection, and asserts that what is retained stays within twice the file (the examples are kept
 * for encoding; nothing else grows with the file: the reader streams, token statistics keep one length per row).
 * The peak RSS is reported, not asserted: it is mostly V8's collection slack.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { dirSource } from '../../scripts/lib/node-source.ts';
import { nodeDataSource } from '../../scripts/lib/train-data.ts';
import { DataSession } from '../../src/data/session.ts';
import { rng } from '../../src/engine/random.ts';
import { loadTokenizer } from '../../src/tokenize/index.ts';

const MB = Number(process.env.SLOW_MB ?? 500);
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const retained = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const dir = mkdtempSync(join(tmpdir(), 'slow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = 'the a movie film story plot actor acting great terrible boring wonderful slow fast music scene ending character script director good bad funny sad long short 영화 배우 연기 최고 별로 재미'.split(' ');

/** Reviews of 5–60 words with a label, written in 1 MiB chunks until the file has `mb` MiB. */
async function generate(path: string, mb: number): Promise<number> {
  const out = createWriteStream(path);
  const random = rng(7);
  let bytes = 0;
  let rows = 0;
  while (bytes < mb * 2 ** 20) {
    const lines: string[] = [];
    let chunk = 0;
    while (chunk < 2 ** 20) {
      const n = 5 + Math.floor(random() * 56);
      const text = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
      const line = JSON.stringify({ text, label: random() < 0.5 ? 'pos' : 'neg' });
      lines.push(line);
      chunk += Buffer.byteLength(line) + 1;
      rows++;
    }
    if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    bytes += chunk;
  }
  await new Promise<void>((r) => out.end(() => r()));
  return rows;
}

test(`a ${MB} MB JSONL is parsed, validated and token-counted with memory bounded by the file`, async () => {
  const path = join(dir, 'big_train.jsonl');
  const rows = await generate(path, MB);
  const size = statSync(path).size;
  const baseHeap = retained();
  const base = process.memoryUsage();
  let peak = { rss: base.rss, heap: base.heapUsed };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, m.rss), heap: Math.max(peak.heap, m.heapUsed) };
  }, 100);
  const session = new DataSession();
  let progressEvents = 0;
  const t0 = performance.now();
  const summary = await session.parse([{ source: nodeDataSource(path) }], { split: { validation: 0.1, test: 0, seed: 42 }, onProgress: () => progressEvents++ });
  const t1 = performance.now();
  const afterParse = retained() - baseHeap;
  session.useTokenizer(await loadTokenizer(dirSource('public/models/tiny-bert')));
  const stats = await session.tokenStats({ maxLength: 128 });
  const t2 = performance.now();
  clearInterval(sampler);
  const afterStats = retained() - baseHeap;
  const mib = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(
    `${mib(size)} MiB, ${rows} rows: parse + validate ${((t1 - t0) / 1000).toFixed(1)} s (${(size / 2 ** 20 / ((t1 - t0) / 1000)).toFixed(1)} MiB/s), ` +
      `token stats ${((t2 - t1) / 1000).toFixed(1)} s; retained heap +${mib(afterParse)} MiB after parsing, +${mib(afterStats)} MiB after token stats; ` +
      `peak RSS ${mib(peak.rss)} MiB (+${mib(peak.rss - base.rss)}), peak heap ${mib(peak.heap)} MiB (+${mib(peak.heap - base.heapUsed)})`,
  );
  expect(summary.error ?? null).toBeNull();
  expect(summary.task).toBe('classification');
  expect(summary.splits.train + summary.splits.validation).toBe(rows);
  expect(stats.tokens.max).toBeGreaterThan(5);
  expect(progressEvents).toBeGreaterThan(10);
  // The kept examples are about the file's size in memory (one-byte strings, a small object per row).
  expect(afterStats).toBeLessThan(2 * size);
}, 3_600_000);

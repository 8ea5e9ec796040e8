import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDataHandler } from '../../../src/data/handler.ts';
import { transfersOf, type DataEvent, type DataRequest } from '../../../src/protocol/data.ts';
import { dirSource } from '../../../scripts/lib/node-source.ts';
import { DATA, lengthSampleJsonl, ROOT } from './helpers.ts';

const TOKENIZER = join(ROOT, 'tests', 'fixtures', 'hf-reference', 'tokenizers', 'bert-base-uncased');
const blobOf = (name: string) => ({ name, blob: new Blob([readFileSync(join(DATA, name))]) });

function harness() {
  const events: DataEvent[] = [];
  const handle = createDataHandler((e) => events.push(e), { modelSource: () => dirSource(TOKENIZER) });
  const last = (type: DataEvent['type']) => events.filter((e) => e.type === type).at(-1);
  return { events, handle, last };
}

describe('data worker handler', () => {
  it('parse → summary with a seeded stratified split; cancel stops a parse in progress', async () => {
    const { handle, last, events } = harness();
    await handle({ type: 'parse', id: 1, files: [blobOf('en_sentiment_poem_train.sample.jsonl')], split: { validation: 0.2, test: 0, seed: 3 } });
    const parsed = last('parsed') as Extract<DataEvent, { type: 'parsed' }>;
    expect(parsed.summary.task).toBe('classification');
    expect(parsed.summary.splits).toEqual({ train: 48, validation: 12, test: 0 });
    expect(parsed.summary.chars.max).toBeGreaterThan(0);
    expect(parsed.summary).not.toHaveProperty('examples');

    const big = Array.from({ length: 300_000 }, (_, i) => `{"text": "row ${i}", "label": "${i % 3}"}`).join('\n');
    const running = handle({ type: 'parse', id: 2, files: [{ name: 'big.jsonl', blob: new Blob([big]) }] });
    while (!events.some((e) => e.type === 'progress' && e.id === 2)) await new Promise((r) => setTimeout(r, 1));
    await handle({ type: 'cancel', id: 2 });
    await running;
    expect(events.filter((e) => e.id === 2 && e.type !== 'progress').map((e) => e.type)).toEqual(['cancelled']);
  });

  it('token statistics and encoding with a tokenizer; features go out as transferable buffers', async () => {
    const { handle, last } = harness();
    const ask = async (req: DataRequest) => {
      await handle(req);
      const e = last('error');
      if (e) throw new Error((e as { message: string }).message);
    };
    await ask({ type: 'parse', id: 1, files: [blobOf('en_qa_xquad_en.sample.jsonl')] });
    await ask({ type: 'loadTokenizer', id: 2, model: { kind: 'hub', modelId: 'unused' } });
    expect(last('tokenizerLoaded')).toMatchObject({ tokenizer: { vocabSize: 30522 } });
    await ask({ type: 'tokenStats', id: 3, maxLength: 384, stride: 128 });
    const { stats } = last('tokenStats') as Extract<DataEvent, { type: 'tokenStats' }>;
    expect(stats.tokens.count).toBe(30);
    expect(stats.tokens.p50).toBeLessThanOrEqual(stats.tokens.p95);
    expect(stats.qa).toMatchObject({ questions: 30, unanswerable: 0, answer_coverage_rate: 1 });
    expect(stats.qa!.windows).toBeGreaterThanOrEqual(30);

    await ask({ type: 'encode', id: 4, split: 'train', maxLength: 384, stride: 128 });
    const encoded = last('encoded') as Extract<DataEvent, { type: 'encoded' }>;
    expect(encoded.features.count).toBe(stats.qa!.windows);
    expect(encoded.features.inputIds).toHaveLength(encoded.features.count * 384);
    expect(transfersOf(encoded).length).toBeGreaterThanOrEqual(4);
  });

  it('length quantiles are nearest-rank values of a fixed sample (stats.ts), not interpolated', async () => {
    const { handle, last } = harness();
    // LENGTH_SAMPLE_WORDS words per row: words + 2 tokens, 4·words − 1 characters.
    await handle({ type: 'parse', id: 1, files: [{ name: 'the.jsonl', blob: new Blob([lengthSampleJsonl()]) }] });
    await handle({ type: 'loadTokenizer', id: 2, model: { kind: 'hub', modelId: 'unused' } });
    await handle({ type: 'tokenStats', id: 3, maxLength: 16 });
    const { stats } = last('tokenStats') as Extract<DataEvent, { type: 'tokenStats' }>;
    // Sorted words: 1 1 2 2 3 3 4 4 5 5 | 6 6 7 8 9 10 11 12 15 30 (sum 144). Nearest rank of q over n = 20 is the
    // ceil(20·q)-th value: p50 the 10th (5 words; linear interpolation would give 5.5), p95 the 19th (15; numpy's
    // default 15.75), p99 the 20th (30). Tokens add 2: 7, 17, 32, max 32, mean 7.2 + 2 = 9.2; 2 rows exceed 16.
    expect(stats.tokens).toMatchObject({ count: 20, mean: 9.2, p50: 7, p95: 17, p99: 32, max: 32, truncated: 2 });
    // Characters 4·words − 1: 19, 59, 119, max 119, mean 4 · 7.2 − 1 = 27.8.
    const { summary } = last('parsed') as Extract<DataEvent, { type: 'parsed' }>;
    expect(summary.chars).toMatchObject({ count: 20, mean: 27.8, p50: 19, p95: 59, p99: 119, max: 119 });
  });

  it('encodes single-label classification with the saved label ids', async () => {
    const { handle, last } = harness();
    await handle({ type: 'parse', id: 1, files: [blobOf('en_sentiment_poem_train.sample.jsonl')] });
    await handle({ type: 'loadTokenizer', id: 2, model: { kind: 'hub', modelId: 'unused' } });
    await handle({ type: 'encode', id: 3, split: 'train', maxLength: 64 });
    const { summary } = last('parsed') as Extract<DataEvent, { type: 'parsed' }>;
    const { features } = last('encoded') as Extract<DataEvent, { type: 'encoded' }>;
    expect(summary.labels).toEqual(['mixed', 'negative', 'no_impact', 'positive']);
    expect(features.count).toBe(60);
    expect(features.labels![0]).toBe(summary.labels.indexOf('positive')); // first row: "positive"
  });

  it('examples: a split\'s parsed examples after the random split, all or the first `limit`', async () => {
    const { handle, last } = harness();
    await handle({ type: 'parse', id: 1, files: [blobOf('en_sentiment_poem_train.sample.jsonl')], split: { validation: 0.2, test: 0, seed: 3 } });
    await handle({ type: 'examples', id: 2, split: 'validation' });
    const all = last('examples') as Extract<DataEvent, { type: 'examples' }>;
    expect(all).toMatchObject({ id: 2, split: 'validation' });
    expect(all.examples).toHaveLength(12);
    expect(all.examples[0]).toHaveProperty('text');
    await handle({ type: 'examples', id: 3, split: 'validation', limit: 3 });
    const some = last('examples') as Extract<DataEvent, { type: 'examples' }>;
    expect(some.examples).toEqual(all.examples.slice(0, 3));
    await handle({ type: 'examples', id: 4, split: 'test' });
    expect((last('examples') as Extract<DataEvent, { type: 'examples' }>).examples).toEqual([]);
    expect(transfersOf(some)).toEqual([]);
  });

  it('reports requests that cannot run as errors', async () => {
    const { handle, last } = harness();
    await handle({ type: 'tokenStats', id: 9 });
    expect(last('error')).toEqual({ type: 'error', id: 9, message: 'no parsed data: parse the files first' });
    await handle({ type: 'examples', id: 10, split: 'train' });
    expect(last('error')).toEqual({ type: 'error', id: 10, message: 'no parsed data: parse the files first' });
  });
});

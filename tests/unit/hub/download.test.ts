/**
 * Hub downloads without the network: fetch is replaced by a fake Hub (a map of URLs to responses), Cache Storage by
 * an in-memory one. Checks the messages a person gets for gated, missing and .bin-only models, progress, shards, and
 * that the second load of a model is served from the cache without a request.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { downloadModelFiles, hubBaseUrl, isCached, ModelDownloadError, type DownloadProgress } from '../../../src/hub/download.ts';

type Route = { status: number; body?: string | Uint8Array; type?: string } | 'network-error';

let routes: Map<string, Route>;
let requested: string[];

function fakeFetch(input: RequestInfo | URL): Promise<Response> {
  const url = String(input);
  requested.push(url);
  const r = routes.get(url) ?? { status: 404, body: 'Entry not found' };
  if (r === 'network-error') return Promise.reject(new TypeError('Failed to fetch'));
  const body = typeof r.body === 'string' ? new TextEncoder().encode(r.body) : (r.body ?? new Uint8Array());
  return Promise.resolve(
    new Response(body as BodyInit, {
      status: r.status,
      headers: { 'content-type': r.type ?? 'application/octet-stream', 'content-length': String(body.byteLength) },
    }),
  );
}

/** Enough of CacheStorage for download.ts: open → match / put. */
class MemoryCache {
  readonly entries = new Map<string, Response>();
  async match(url: string) {
    return this.entries.get(url)?.clone();
  }
  async put(url: string, res: Response) {
    this.entries.set(url, res);
  }
}

const ID = 'someone/tiny-model';
const base = hubBaseUrl(ID);
const weights = new Uint8Array(300_000).map((_, i) => i % 251);

function serve(files: Record<string, Route>) {
  for (const [name, r] of Object.entries(files)) routes.set(base + name, r);
}

async function failure(p: Promise<unknown>): Promise<ModelDownloadError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelDownloadError);
  return e as ModelDownloadError;
}

beforeEach(() => {
  routes = new Map();
  requested = [];
  vi.stubGlobal('fetch', fakeFetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('downloadModelFiles', () => {
  test('config, tokenizer files that exist and the weights, with byte progress', async () => {
    serve({
      'config.json': { status: 200, body: '{"model_type":"bert"}', type: 'application/json' },
      'vocab.txt': { status: 200, body: '[PAD]\n[UNK]\n' },
      'tokenizer_config.json': { status: 200, body: '{}' },
      'model.safetensors': { status: 200, body: weights },
    });
    const progress: DownloadProgress[] = [];
    const files = await downloadModelFiles(base, ID, (p) => progress.push(p), { cache: false });
    expect(files.map((f) => f.name).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
    const w = files.find((f) => f.name === 'model.safetensors')!;
    expect(new Uint8Array(await w.arrayBuffer())).toEqual(weights);
    const last = progress.filter((p) => p.file === 'model.safetensors').at(-1)!;
    expect(last).toMatchObject({ loaded: weights.byteLength, total: weights.byteLength, fromCache: false });
  });

  test('a gated or private model says so and what to do', async () => {
    serve({ 'config.json': { status: 401, body: 'Access to model is restricted' } });
    const e = await failure(downloadModelFiles(base, ID, () => {}, { cache: false }));
    expect(e.kind).toBe('gated');
    expect(e.message).toContain(`${ID} is gated or private (HTTP 401)`);
    expect(e.message).toContain('Accept its licence');
  });

  test('an unknown id names the missing config.json', async () => {
    const e = await failure(downloadModelFiles(base, ID, () => {}, { cache: false }));
    expect(e.kind).toBe('not_found');
    expect(e.message).toBe(`${ID}: no config.json; check the model id (owner/name)`);
  });

  test('a model with only pytorch_model.bin explains how to convert it', async () => {
    serve({ 'config.json': { status: 200, body: '{}' }, 'pytorch_model.bin': { status: 200, body: weights } });
    const e = await failure(downloadModelFiles(base, ID, () => {}, { cache: false }));
    expect(e.kind).toBe('no_safetensors');
    expect(e.message).toContain('safe_serialization=True');
  });

  test('sharded weights: the index and every shard it names, once each', async () => {
    const index = { weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: 'model-00001-of-00002.safetensors' } };
    serve({
      'config.json': { status: 200, body: '{}' },
      'model.safetensors.index.json': { status: 200, body: JSON.stringify(index) },
      'model-00001-of-00002.safetensors': { status: 200, body: weights },
      'model-00002-of-00002.safetensors': { status: 200, body: weights.slice(0, 10) },
    });
    const files = await downloadModelFiles(base, ID, () => {}, { cache: false });
    expect(files.map((f) => f.name)).toEqual(['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(requested.filter((u) => u.endsWith('model-00001-of-00002.safetensors'))).toHaveLength(1);
  });

  test('a missing shard and a network failure are errors with the file named', async () => {
    serve({
      'config.json': { status: 200, body: '{}' },
      'model.safetensors.index.json': { status: 200, body: JSON.stringify({ weight_map: { a: 'model-1.safetensors' } }) },
    });
    const missing = await failure(downloadModelFiles(base, ID, () => {}, { cache: false }));
    expect(missing.message).toBe(`${ID}: shard model-1.safetensors is missing`);
    routes.set(base + 'config.json', 'network-error');
    const offline = await failure(downloadModelFiles(base, ID, () => {}, { cache: false }));
    expect(offline.kind).toBe('network');
    expect(offline.message).toContain(`${ID}/config.json: network error`);
  });

  test('the second load comes from the cache, with no request', async () => {
    const cache = new MemoryCache();
    vi.stubGlobal('caches', { open: async () => cache });
    serve({ 'config.json': { status: 200, body: '{}' }, 'model.safetensors': { status: 200, body: weights } });
    expect(await isCached(base)).toBe(false);
    await downloadModelFiles(base, ID, () => {});
    expect(await isCached(base)).toBe(true);
    requested = [];
    const progress: DownloadProgress[] = [];
    const again = await downloadModelFiles(base, ID, (p) => progress.push(p));
    // Not even the optional tokenizer files the repo lacks: offline, those requests would fail the load.
    expect(requested).toEqual([]);
    expect(progress.filter((p) => p.file === 'model.safetensors')).toEqual([
      expect.objectContaining({ fromCache: true, loaded: weights.byteLength }),
    ]);
    expect(new Uint8Array(await again.find((f) => f.name === 'model.safetensors')!.arrayBuffer())).toEqual(weights);
    expect(again.map((f) => f.name)).toEqual(['config.json', 'model.safetensors']);
  });
});

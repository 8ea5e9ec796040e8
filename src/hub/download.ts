/**
 * Fetches a model's files once, with progress (bytes and speed), into the browser's Cache Storage, so the
 * second load of the same Hub model is instant and works offline. The result is a list of `File`s that both
 * workers read through `localFilesSource` (a File clones into a worker without copying its bytes).
 */

/** Weights and config first; tokenizer files are optional (whichever the repo has). */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

export interface DownloadProgress {
  file: string;
  loaded: number;
  /** 0 when the server sends no length. */
  total: number;
  bytesPerSecond: number;
  fromCache: boolean;
}

export class ModelDownloadError extends Error {
  constructor(message: string, readonly kind: 'gated' | 'not_found' | 'no_safetensors' | 'network') {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

const CACHE = 'studio-models-v1';

export function hubBaseUrl(id: string, revision = 'main'): string {
  return `https://huggingface.co/${id}/resolve/${encodeURIComponent(revision)}/`;
}

async function openCache(): Promise<Cache | null> {
  try {
    return 'caches' in globalThis ? await caches.open(CACHE) : null;
  } catch {
    return null;
  }
}

/** One file: from the cache, else the network (streamed, with progress), then cached. null on 404. */
async function fetchOne(base: string, name: string, onProgress: (p: DownloadProgress) => void, label: string, useCache = true): Promise<Blob | null> {
  const url = base + name;
  const cache = useCache ? await openCache() : null;
  const hit = await cache?.match(url);
  if (hit) {
    const blob = await hit.blob();
    onProgress({ file: name, loaded: blob.size, total: blob.size, bytesPerSecond: 0, fromCache: true });
    return blob;
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelDownloadError(`${label}/${name}: network error (${(e as Error).message}); check the connection`, 'network');
  }
  // A dev server's SPA fallback answers a missing file with the page itself.
  if (res.status === 404 || (res.ok && (res.headers.get('content-type') ?? '').includes('text/html'))) return null;
  if (res.status === 401 || res.status === 403) {
    throw new ModelDownloadError(
      `${label} is gated or private (HTTP ${res.status}). Accept its licence on huggingface.co and download the files, then drop the folder here.`,
      'gated',
    );
  }
  if (!res.ok) throw new ModelDownloadError(`${label}/${name}: HTTP ${res.status} ${res.statusText}`, 'network');
  const total = Number(res.headers.get('content-length') ?? 0);
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const started = performance.now();
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      const seconds = (performance.now() - started) / 1000;
      onProgress({ file: name, loaded, total, bytesPerSecond: seconds > 0 ? loaded / seconds : 0, fromCache: false });
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    loaded = buf.byteLength;
  }
  const blob = new Blob(chunks as BlobPart[], { type });
  await cache?.put(url, new Response(blob, { headers: { 'content-type': type, 'content-length': String(blob.size) } })).catch(() => undefined);
  return blob;
}

/**
 * config.json, model.safetensors (or the sharded index and its shards) and the tokenizer files under `base`.
 * Throws ModelDownloadError with a message meant for a person.
 */
export async function downloadModelFiles(
  base: string,
  label: string,
  onProgress: (p: DownloadProgress) => void,
  opts: { cache?: boolean } = {},
): Promise<File[]> {
  const useCache = opts.cache ?? true;
  const fetchFile = (b: string, n: string, p: typeof onProgress, l: string) => fetchOne(b, n, p, l, useCache);
  const files: File[] = [];
  const add = (name: string, blob: Blob) => files.push(new File([blob], name, { type: blob.type }));
  // A complete earlier download: its file list says which optional files the repo lacks, so none is asked
  // for again (offline, asking would fail).
  const known = useCache ? await readManifest(base) : null;
  if (known) {
    for (const name of known) {
      const blob = await fetchFile(base, name, onProgress, label);
      if (!blob) throw new ModelDownloadError(`${label}/${name}: missing on the Hub now`, 'not_found');
      add(name, blob);
    }
    return files;
  }
  const config = await fetchFile(base, 'config.json', onProgress, label);
  if (!config) throw new ModelDownloadError(`${label}: no config.json; check the model id (owner/name)`, 'not_found');
  add('config.json', config);
  for (const name of TOKENIZER_FILES) {
    const blob = await fetchFile(base, name, onProgress, label);
    if (blob) add(name, blob);
  }
  const weights = await fetchFile(base, 'model.safetensors', onProgress, label);
  if (weights) add('model.safetensors', weights);
  else {
    const index = await fetchFile(base, 'model.safetensors.index.json', onProgress, label);
    if (!index) {
      throw new ModelDownloadError(
        `${label} has no model.safetensors (only PyTorch .bin weights, which cannot be read safely in a browser). ` +
          'Convert it with `model.save_pretrained(dir, safe_serialization=True)` and drop the folder here.',
        'no_safetensors',
      );
    }
    add('model.safetensors.index.json', index);
    const map = (JSON.parse(await index.text()) as { weight_map: Record<string, string> }).weight_map;
    for (const shard of [...new Set(Object.values(map))]) {
      const blob = await fetchFile(base, shard, onProgress, label);
      if (!blob) throw new ModelDownloadError(`${label}: shard ${shard} is missing`, 'not_found');
      add(shard, blob);
    }
  }
  if (useCache) await writeManifest(base, files.map((f) => f.name));
  return files;
}

const manifestUrl = (base: string) => `${base}.studio-files.json`;

async function readManifest(base: string): Promise<string[] | null> {
  const hit = await (await openCache())?.match(manifestUrl(base));
  return hit ? ((await hit.json()) as string[]) : null;
}

async function writeManifest(base: string, names: string[]): Promise<void> {
  const body = JSON.stringify(names);
  await (await openCache())?.put(manifestUrl(base), new Response(body, { headers: { 'content-type': 'application/json' } })).catch(() => undefined);
}

/** Whether a Hub model's weights are already in the browser cache (the picker marks them). */
export async function isCached(base: string): Promise<boolean> {
  const cache = await openCache();
  return !!(await cache?.match(`${base}model.safetensors`));
}

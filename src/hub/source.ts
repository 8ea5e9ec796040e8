/**
 * Where model and tokenizer files come from: the Hugging Face Hub, a folder the user dropped, or (in Node
 * scripts) a directory on disk. Every consumer reads files by their repo-relative name through this one
 * interface, so loading code never knows which of them it is talking to.
 */
export interface FileSource {
  /** Human-readable origin for messages, e.g. `hub:google-bert/bert-base-uncased` or `local:my-model`. */
  readonly label: string;
  /** The file's bytes, or null when the source has no such file (a 404, a file missing from the folder). */
  read(path: string, onProgress?: (loaded: number, total: number) => void): Promise<ArrayBuffer | null>;
}

export async function readText(source: FileSource, path: string): Promise<string | null> {
  const bytes = await source.read(path);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

export async function readJson<T>(source: FileSource, path: string): Promise<T | null> {
  const text = await readText(source, path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${source.label}/${path}: invalid JSON (${(e as Error).message})`);
  }
}

/** Any base URL that serves files by name: the Hub's `https://huggingface.co/<id>/resolve/<revision>/`, a test server. */
export function urlSource(baseUrl: string, label = baseUrl, init?: RequestInit): FileSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    label,
    async read(path, onProgress) {
      const res = await fetch(base + path, init);
      if (res.status === 404) return null;
      if (res.status === 401 || res.status === 403) {
        throw new Error(`${label}/${path}: access denied (HTTP ${res.status}); the model may be gated or private`);
      }
      if (!res.ok) throw new Error(`${label}/${path}: HTTP ${res.status} ${res.statusText}`);
      const total = Number(res.headers.get('content-length') ?? 0);
      if (!onProgress || !res.body) return res.arrayBuffer();
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let loaded = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        onProgress(loaded, total);
      }
      const out = new Uint8Array(loaded);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      return out.buffer;
    },
  };
}

/** A model on the Hugging Face Hub by id, e.g. `prajjwal1/bert-tiny`, at a branch, tag or commit. */
export function hubSource(modelId: string, revision = 'main'): FileSource {
  return urlSource(`https://huggingface.co/${modelId}/resolve/${encodeURIComponent(revision)}/`, `hub:${modelId}`);
}

/**
 * Files the user dropped or picked (a folder or loose files). Matching is by the path below the folder
 * (`webkitRelativePath` minus its first segment) or, failing that, by bare file name.
 */
export function localFilesSource(files: readonly File[], label = 'local'): FileSource {
  const byPath = new Map<string, File>();
  for (const f of files) {
    const rel = f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name;
    byPath.set(rel, f);
    if (!byPath.has(f.name)) byPath.set(f.name, f);
  }
  return {
    label: `local:${label}`,
    async read(path) {
      const file = byPath.get(path);
      return file ? file.arrayBuffer() : null;
    },
  };
}

/** In-memory files (tests, a zip the user dropped back in). */
export function memorySource(files: Record<string, ArrayBuffer | Uint8Array | string>, label = 'memory'): FileSource {
  return {
    label,
    async read(path) {
      const f = files[path];
      if (f === undefined) return null;
      if (typeof f === 'string') return new TextEncoder().encode(f).buffer as ArrayBuffer;
      if (f instanceof Uint8Array) return f.slice().buffer as ArrayBuffer;
      return f;
    },
  };
}

import { hubSource, localFilesSource, type FileSource } from '../hub/source.ts';
import type { DataEvent, DataRequest, ModelRef } from '../protocol/data.ts';
import { blobSource } from './read.ts';
import { DataSession, tokenizeModule } from './session.ts';

/** Progress events are sent at most this often: the page redraws a bar, not a log. */
const PROGRESS_MS = 100;

export interface DataHandlerOptions {
  session?: DataSession;
  /** Model → files; the worker resolves Hub ids and dropped folders, Node passes a directory source. */
  modelSource?: (ref: ModelRef) => FileSource;
}

/**
 * Request → session call → events. The worker file wires this to `postMessage`; tests and the CLI call it
 * directly. Long requests run concurrently with later messages, which is how a `cancel` reaches them.
 */
export function createDataHandler(post: (e: DataEvent) => void, opts: DataHandlerOptions = {}): (req: DataRequest) => Promise<void> {
  const session = opts.session ?? new DataSession();
  const resolve = opts.modelSource ?? defaultModelSource;
  const running = new Map<number, AbortController>();

  const progress = (id: number) => {
    let last = 0;
    return (e: Omit<Extract<DataEvent, { type: 'progress' }>, 'type' | 'id'>) => {
      const now = Date.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      post({ type: 'progress', id, ...e });
    };
  };

  const run = async (id: number, work: (signal: AbortSignal) => Promise<DataEvent>) => {
    const ctrl = new AbortController();
    running.set(id, ctrl);
    try {
      post(await work(ctrl.signal));
    } catch (e) {
      post(ctrl.signal.aborted ? { type: 'cancelled', id } : { type: 'error', id, message: (e as Error).message ?? String(e) });
    } finally {
      running.delete(id);
    }
  };

  return async (req) => {
    switch (req.type) {
      case 'cancel':
        running.get(req.id)?.abort();
        return;
      case 'parse':
        return run(req.id, async (signal) => {
          const report = progress(req.id);
          const summary = await session.parse(
            req.files.map((f) => ({ source: blobSource(f.blob, f.name), split: f.split })),
            {
              task: req.task,
              columns: req.columns,
              split: req.split,
              signal,
              onProgress: (p) => report({ stage: 'read', file: p.file, fileIndex: p.fileIndex, fileCount: p.fileCount, loaded: p.loaded, total: p.total, rows: p.rows }),
            },
          );
          return { type: 'parsed', id: req.id, summary };
        });
      case 'loadTokenizer':
        return run(req.id, async () => {
          const { loadTokenizer } = await tokenizeModule();
          const tok = await loadTokenizer(resolve(req.model));
          session.useTokenizer(tok);
          return { type: 'tokenizerLoaded', id: req.id, tokenizer: { label: tok.label, modelMaxLength: tok.modelMaxLength, vocabSize: tok.vocabSize } };
        });
      case 'tokenStats':
        return run(req.id, async (signal) => {
          const report = progress(req.id);
          const stats = await session.tokenStats(req, { signal, onProgress: (loaded, total) => report({ stage: 'tokenize', loaded, total }) });
          return { type: 'tokenStats', id: req.id, stats };
        });
      case 'encode':
        return run(req.id, async (signal) => {
          const report = progress(req.id);
          const features = await session.encode(req.split, req, { signal, onProgress: (loaded, total) => report({ stage: 'encode', loaded, total }) });
          return { type: 'encoded', id: req.id, split: req.split, features };
        });
      case 'mlmVocab':
        return run(req.id, async () => ({ type: 'mlmVocab', id: req.id, vocab: await session.mlmVocab() }));
      case 'examples':
        return run(req.id, async () => ({ type: 'examples', id: req.id, split: req.split, examples: session.examples(req.split, req.limit) }));
    }
  };
}

function defaultModelSource(ref: ModelRef): FileSource {
  return ref.kind === 'hub' ? hubSource(ref.modelId, ref.revision) : localFilesSource(ref.files, ref.label);
}

/** Typed calls into the page's data worker (one worker, created on first use). */
import type { Example, Task } from '../data/types';
import type { ColumnMapping, DataEvent, DataFile, DataRequest, DataSummary, SplitName, SplitRequest, TokenizerInfo, TokenStats } from '../protocol/data';
import type { FeatureSet } from '../tokenize/features';
import type { MaskedLmVocab } from '../tokenize/mlm';
import { WorkerRpc } from './rpc';

export type DataProgress = Extract<DataEvent, { type: 'progress' }>;
type OnProgress = (p: DataProgress) => void;

let rpc: WorkerRpc<DataRequest, DataEvent> | null = null;
function worker(): WorkerRpc<DataRequest, DataEvent> {
  rpc ??= new WorkerRpc(new Worker(new URL('../data/data.worker.ts', import.meta.url), { type: 'module', name: 'data' }));
  return rpc;
}

const progressOf = (cb?: OnProgress) => (cb ? (e: DataEvent) => e.type === 'progress' && cb(e) : undefined);

export async function parseFiles(
  files: DataFile[],
  opts: { task?: Task | 'auto'; columns?: Partial<ColumnMapping>; split?: SplitRequest },
  onProgress?: OnProgress,
): Promise<DataSummary> {
  const ev = await worker().request<Extract<DataEvent, { type: 'parsed' }>>({ type: 'parse', files, ...opts }, { progress: progressOf(onProgress) }).done;
  return ev.summary;
}

export async function loadTokenizer(files: File[], label: string): Promise<TokenizerInfo> {
  const ev = await worker().request<Extract<DataEvent, { type: 'tokenizerLoaded' }>>({ type: 'loadTokenizer', model: { kind: 'files', files, label } }).done;
  return ev.tokenizer;
}

export async function tokenStats(maxLength: number | undefined, onProgress?: OnProgress): Promise<TokenStats> {
  const ev = await worker().request<Extract<DataEvent, { type: 'tokenStats' }>>({ type: 'tokenStats', maxLength }, { progress: progressOf(onProgress) }).done;
  return ev.stats;
}

export async function encode(split: SplitName, maxLength: number, onProgress?: OnProgress, opts: { lineByLine?: boolean } = {}): Promise<FeatureSet> {
  const ev = await worker().request<Extract<DataEvent, { type: 'encoded' }>>({ type: 'encode', split, maxLength, ...opts }, { progress: progressOf(onProgress) }).done;
  return ev.features;
}

/** Masked LM: the loaded tokenizer's vocabulary for the train worker. */
export async function mlmVocab(): Promise<MaskedLmVocab> {
  return (await worker().request<Extract<DataEvent, { type: 'mlmVocab' }>>({ type: 'mlmVocab' }).done).vocab;
}

export async function examples(split: SplitName, limit?: number): Promise<Example[]> {
  const ev = await worker().request<Extract<DataEvent, { type: 'examples' }>>({ type: 'examples', split, limit }).done;
  return ev.examples;
}

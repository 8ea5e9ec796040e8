/**
 * Page side of `npm run train`: fetches the features the CLI prepared, starts the real train worker
 * (src/train/train.worker.ts) and relays its events to Node through an exposed function.
 */
import { trainTransferList, type EvalSplitData, type ModelRef, type TrainCommand, type TrainData, type TrainEvent } from '../../src/protocol/train';
import type { KernelMode } from '../../src/engine/kernels/modes';
import type { TrainConfigInput } from '../../src/train/config';
import type { FeatureSet } from '../../src/tokenize/features';
import type { MaskedLmVocab } from '../../src/tokenize/mlm';
import type { SplitManifest } from '../lib/train-data';

export interface TrainManifest {
  task: TrainData['task'];
  labels: string[];
  config: TrainConfigInput;
  model: ModelRef;
  splits: { train: SplitManifest; validation?: SplitManifest; test?: SplitManifest };
  kernels: KernelMode;
  init: 'pretrained' | 'random';
  /** Masked LM: the tokenizer's vocabulary (word starts as a plain array in JSON). */
  mlm?: Omit<MaskedLmVocab, 'wordStart'> & { wordStart: number[] };
}

async function loadSplit(base: string, name: string, m: SplitManifest): Promise<EvalSplitData> {
  const buf = await (await fetch(`${base}${name}.bin`)).arrayBuffer();
  const all = new Int32Array(buf);
  const get = (k: keyof SplitManifest['arrays']): Int32Array | null => {
    const span = m.arrays[k];
    return span ? all.slice(span[0], span[0] + span[1]) : null;
  };
  const features: FeatureSet = {
    count: m.count,
    seqLen: m.seqLen,
    labelWidth: m.labelWidth,
    inputIds: get('inputIds')!,
    attentionMask: get('attentionMask')!,
    tokenTypeIds: get('tokenTypeIds'),
    labels: get('labels'),
    startPositions: get('startPositions'),
    endPositions: get('endPositions'),
    exampleIndex: get('exampleIndex'),
    offsets: get('offsets'),
  };
  return { features, ...(m.examples ? { examples: m.examples } : {}) };
}

type Relay = (event: TrainEvent) => void;

/** Starts the run; `relay` gets every event. Returns once the worker is started (events keep coming). */
export async function startTraining(base: string, relay: Relay): Promise<void> {
  const manifest = (await (await fetch(`${base}manifest.json`)).json()) as TrainManifest;
  const train = await loadSplit(base, 'train', manifest.splits.train);
  const validation = manifest.splits.validation ? await loadSplit(base, 'validation', manifest.splits.validation) : undefined;
  const test = manifest.splits.test ? await loadSplit(base, 'test', manifest.splits.test) : undefined;
  const worker = new Worker(new URL('/src/train/train.worker.ts', location.origin), { type: 'module', name: 'train' });
  let nextRequest = 1;
  worker.onmessage = (m: MessageEvent<TrainEvent>) => {
    const e = m.data;
    if (e.type === 'exported' && e.kind === 'best') {
      // Uint8Arrays do not survive page.exposeFunction: send base64.
      const files: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.files)) files[k] = toBase64(v);
      relay({ ...e, files: files as unknown as Record<string, Uint8Array> });
      return;
    }
    relay(e);
    if (e.type === 'done' || (e.type === 'error' && e.kind !== 'invalid_config' && e.kind !== 'load_failed' && e.kind !== 'invalid_data')) {
      const cmd: TrainCommand = { type: 'export', requestId: nextRequest++, kind: 'best' };
      worker.postMessage(cmd);
    }
  };
  worker.onerror = (err) => {
    err.preventDefault();
    relay({ type: 'error', kind: 'internal', message: err.message || 'the train worker crashed', step: 0, checkpointStep: null });
  };
  const cmd: TrainCommand = {
    type: 'start',
    model: manifest.model,
    data: {
      task: manifest.task,
      labels: manifest.labels,
      train: train.features,
      ...(validation ? { validation } : {}),
      ...(test ? { test } : {}),
      ...(manifest.mlm ? { mlm: { ...manifest.mlm, wordStart: Uint8Array.from(manifest.mlm.wordStart) } } : {}),
    },
    config: manifest.config,
    kernels: manifest.kernels,
    init: manifest.init,
  };
  worker.postMessage(cmd, trainTransferList(cmd));
  (globalThis as Record<string, unknown>).__trainWorker = worker;
}

/** Forwards pause/resume/stop from Node. */
export function sendCommand(cmd: TrainCommand): void {
  ((globalThis as Record<string, unknown>).__trainWorker as Worker).postMessage(cmd);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Typed calls into the playground's predict worker. */
import type { Example, Task } from '../data/types';
import type { PredictEvent, PredictRequest } from '../predict/protocol';
import { WorkerRpc } from './rpc';

let rpc: WorkerRpc<PredictRequest, PredictEvent> | null = null;
function worker(): WorkerRpc<PredictRequest, PredictEvent> {
  rpc ??= new WorkerRpc(new Worker(new URL('../predict/predict.worker.ts', import.meta.url), { type: 'module', name: 'predict' }), { progressTypes: [] });
  return rpc;
}

export async function loadPredictor(files: File[], task?: Task, labels?: string[]) {
  return worker().request<Extract<PredictEvent, { type: 'loaded' }>>({ type: 'load', files, task, labels }).done;
}

export async function predict(examples: Example[], maxLength: number) {
  return worker().request<Extract<PredictEvent, { type: 'predicted' }>>({ type: 'predict', examples, maxLength }).done;
}

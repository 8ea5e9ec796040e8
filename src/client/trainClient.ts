/**
 * The train worker, behind the train protocol and client/rpc.ts. Requests that expect an answer (`predict`,
 * `export`) get a promise that always settles (answer, error answer, worker crash, terminate, timeout); every
 * other event goes to one listener (the store), and a worker crash reaches it as an `internal` error. The
 * worker module is looked up with a glob so the page builds (and says so) while the trainer is not there yet.
 */
import { trainTransferList, type CheckpointKind, type TrainCommand, type TrainEvent } from '../protocol/train';
import { WorkerRpc, type WorkerPort } from './rpc';

const modules = import.meta.glob<{ default: new (opts?: { name?: string }) => Worker }>('../train/train.worker.ts', { query: '?worker' });

type Exported = Extract<TrainEvent, { type: 'exported' }>;

/**
 * An export answers between two training steps; a step of BERT-base on a slow GPU takes seconds, serialising
 * its checkpoint a few more. Past this the worker is taken to be stuck and the request fails.
 */
export const EXPORT_TIMEOUT_MS = 5 * 60_000;

export class TrainClient {
  private readonly rpc: WorkerRpc<TrainCommand, TrainEvent, 'requestId'>;

  constructor(worker: WorkerPort, onEvent: (e: TrainEvent) => void) {
    this.rpc = new WorkerRpc(worker, {
      idKey: 'requestId',
      progressTypes: [],
      onEvent,
      onCrash: (message) =>
        onEvent({ type: 'error', kind: 'internal', message: message || 'the train worker crashed', step: 0, checkpointStep: null }),
    });
  }

  static available(): boolean {
    return Object.keys(modules).length > 0;
  }

  static async create(onEvent: (e: TrainEvent) => void): Promise<TrainClient> {
    const load = Object.values(modules)[0];
    if (!load) throw new Error('The trainer (src/train/train.worker.ts) is not part of this build yet.');
    const Ctor = (await load()).default;
    return new TrainClient(new Ctor({ name: 'train' }), onEvent);
  }

  send(cmd: TrainCommand): void {
    this.rpc.post(cmd, trainTransferList(cmd));
  }

  /**
   * 'best': Hugging Face files of the best weights; 'last': the resume state of the last evaluation. With `to`, the
   * worker writes it to OPFS under that run and answers with where (`stored`), where it can.
   */
  exportCheckpoint<K extends CheckpointKind>(kind: K, to?: { runId: string }): Promise<Extract<Exported, { kind: K }>> {
    return this.rpc.request<Extract<Exported, { kind: K }>>({ type: 'export', kind, ...(to ? { to } : {}) }, { timeoutMs: EXPORT_TIMEOUT_MS }).done;
  }

  terminate(): void {
    this.rpc.terminate();
  }
}

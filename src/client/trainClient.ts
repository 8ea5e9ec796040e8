/**
 * The train worker, behind the train protocol. Events go to one listener (the store); requests that
 * expect an answer (`predict`, `export`) get a promise. The worker module is looked up with a glob so the
 * page builds (and says so) while the trainer is not there yet.
 */
import { trainTransferList, type CheckpointKind, type TrainCommand, type TrainEvent } from '../protocol/train';

const modules = import.meta.glob<{ default: new (opts?: { name?: string }) => Worker }>('../train/train.worker.ts', { query: '?worker' });

type Exported = Extract<TrainEvent, { type: 'exported' }>;
type Predicted = Extract<TrainEvent, { type: 'prediction' }>;

export class TrainClient {
  private nextRequest = 1;
  private readonly waiting = new Map<number, (e: Exported | Predicted) => void>();

  private constructor(private readonly worker: Worker, private readonly onEvent: (e: TrainEvent) => void) {
    worker.onmessage = (m: MessageEvent<TrainEvent>) => {
      const e = m.data;
      if ((e.type === 'exported' || e.type === 'prediction') && this.waiting.has(e.requestId)) {
        this.waiting.get(e.requestId)!(e);
        this.waiting.delete(e.requestId);
      }
      this.onEvent(e);
    };
    worker.onerror = (err) => {
      err.preventDefault();
      this.onEvent({ type: 'error', kind: 'internal', message: err.message || 'the train worker crashed', step: 0, checkpointStep: null });
    };
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
    this.worker.postMessage(cmd, trainTransferList(cmd));
  }

  /** 'best': Hugging Face files of the best weights; 'last': the resume state of the last evaluation. */
  exportCheckpoint<K extends CheckpointKind>(kind: K): Promise<Extract<Exported, { kind: K }>> {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve as (e: Exported | Predicted) => void);
      this.send({ type: 'export', requestId, kind });
    });
  }

  terminate(): void {
    this.worker.terminate();
    this.waiting.clear();
  }
}

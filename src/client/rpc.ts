/**
 * Request/answer over a worker: every request gets an id, its progress events go to a callback, and the
 * first event of another type settles the promise (an `error` event rejects it).
 */
type Msg = { type: string; id: number };
/** Omit that keeps a union a union. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class WorkerRpc<Req extends Msg, Ev extends Msg> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (e: Ev) => void; reject: (e: Error) => void; progress?: (e: Ev) => void }>();

  constructor(private readonly worker: Worker, private readonly progressTypes: readonly string[] = ['progress']) {
    worker.onmessage = (e: MessageEvent<Ev>) => this.receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'worker failed to start'));
      this.pending.clear();
    };
  }

  request<T extends Ev>(req: WithoutId<Req>, progress?: (e: Ev) => void, transfer: Transferable[] = []): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (e: Ev) => void, reject, progress });
    });
    this.worker.postMessage({ ...req, id }, transfer);
    return { id, done };
  }

  post(msg: Req, transfer: Transferable[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private receive(e: Ev): void {
    const p = this.pending.get(e.id);
    if (!p) return;
    if (this.progressTypes.includes(e.type)) {
      p.progress?.(e);
      return;
    }
    this.pending.delete(e.id);
    if (e.type === 'error') p.reject(new Error((e as unknown as { message: string }).message));
    else if (e.type === 'cancelled') p.reject(new Error('cancelled'));
    else p.resolve(e);
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('worker stopped'));
    this.pending.clear();
  }
}

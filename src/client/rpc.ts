/**
 * Request/answer over a worker, the one mechanism every worker client uses. A request gets an id; events
 * carrying that id are its progress (types in `progressTypes`) or its answer, which settles it: an `error`
 * event rejects it, a `cancelled` event rejects it, anything else resolves it. A request always settles:
 *   - the worker answers (or answers with an error: the protocol puts the request's id on error events);
 *   - the worker dies (an uncaught error, a message that cannot be read): every pending request is rejected;
 *   - terminate(): every pending request is rejected;
 *   - no event for the request within its timeout (progress restarts the clock): it is rejected.
 * Events that answer no pending request (the train worker's step / eval stream, errors of the run itself)
 * go to `onEvent`.
 */

/** Omit that keeps a union a union. */
export type WithoutKey<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type WithoutId<T> = WithoutKey<T, 'id'>;

/** The parts of a Worker this uses (a fake in tests). */
export interface WorkerPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
}

export interface RpcOptions<Ev, K extends string> {
  /** Event types that report progress of a request without settling it. */
  progressTypes?: readonly string[];
  /** The field of requests and of their events that holds the request id. */
  idKey?: K;
  /** Events that answer no pending request. */
  onEvent?: (e: Ev) => void;
  /** The worker died (after every pending request was rejected). */
  onCrash?: (message: string) => void;
}

export interface RequestOptions<Ev> {
  progress?: (e: Ev) => void;
  transfer?: Transferable[];
  /** Reject when no event for this request arrives for this long (ms); none when undefined. */
  timeoutMs?: number;
}

interface Pending<Ev> {
  resolve: (e: Ev) => void;
  reject: (e: Error) => void;
  progress?: (e: Ev) => void;
  timeoutMs?: number;
  timer?: ReturnType<typeof setTimeout>;
}

type Msg = { type: string };

export class WorkerRpc<Req extends Msg, Ev extends Msg, K extends string = 'id'> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Ev>>();
  private readonly idKey: K;
  private readonly progressTypes: readonly string[];

  constructor(
    private readonly worker: WorkerPort,
    private readonly opts: RpcOptions<Ev, K> = {},
  ) {
    this.idKey = opts.idKey ?? ('id' as K);
    this.progressTypes = opts.progressTypes ?? ['progress'];
    worker.onmessage = (e: MessageEvent<Ev>) => this.receive(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.crash(e.message || 'the worker failed');
    };
    worker.onmessageerror = () => this.crash('a message from the worker could not be read');
  }

  /** Pending requests (for tests and diagnostics). */
  get pendingCount(): number {
    return this.pending.size;
  }

  request<T extends Ev>(req: WithoutKey<Req, K>, opts: RequestOptions<Ev> = {}): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => {
      const p: Pending<Ev> = { resolve: resolve as (e: Ev) => void, reject, progress: opts.progress, timeoutMs: opts.timeoutMs };
      this.pending.set(id, p);
      this.arm(id, p);
    });
    try {
      this.worker.postMessage({ ...req, [this.idKey]: id }, opts.transfer ?? []);
    } catch (e) {
      this.settle(id, (p) => p.reject(e as Error));
    }
    return { id, done };
  }

  /** A message that expects no answer (its events, if any, go to onEvent). */
  post(msg: Req, transfer: Transferable[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  terminate(): void {
    this.worker.terminate();
    this.rejectAll('the worker was stopped');
  }

  private receive(e: Ev): void {
    const id = (e as unknown as Record<string, unknown>)[this.idKey];
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!p) {
      this.opts.onEvent?.(e);
      return;
    }
    if (this.progressTypes.includes(e.type)) {
      this.arm(id as number, p);
      p.progress?.(e);
      return;
    }
    this.settle(id as number, (q) => {
      if (e.type === 'error') q.reject(new Error((e as unknown as { message?: string }).message ?? 'the worker reported an error'));
      else if (e.type === 'cancelled') q.reject(new Error('cancelled'));
      else q.resolve(e);
    });
  }

  /** (Re)starts a request's timeout. */
  private arm(id: number, p: Pending<Ev>): void {
    if (p.timeoutMs === undefined) return;
    if (p.timer) clearTimeout(p.timer);
    const ms = p.timeoutMs;
    p.timer = setTimeout(() => this.settle(id, (q) => q.reject(new Error(`no answer from the worker within ${Math.round(ms / 1000)} s`))), ms);
  }

  private settle(id: number, f: (p: Pending<Ev>) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    f(p);
  }

  private rejectAll(message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(new Error(message)));
  }

  private crash(message: string): void {
    this.rejectAll(`the worker crashed: ${message}`);
    this.opts.onCrash?.(message);
  }
}

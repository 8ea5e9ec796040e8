import { afterEach, describe, expect, test, vi } from 'vitest';
import { WorkerRpc, type WorkerPort } from '../../../src/client/rpc';
import { EXPORT_TIMEOUT_MS, TrainClient } from '../../../src/client/trainClient';
import type { TrainEvent } from '../../../src/protocol/train';

/** A worker whose side of the conversation the test plays: `sent` holds what was posted to it. */
class FakeWorker implements WorkerPort {
  sent: Record<string, unknown>[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  failPost: Error | null = null;

  postMessage(message: unknown): void {
    if (this.failPost) throw this.failPost;
    this.sent.push(message as Record<string, unknown>);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The worker sends an event. */
  emit(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  /** An uncaught error in the worker. */
  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
}

type Req = { type: 'work'; id: number; n: number };
type Ev = { type: 'progress' | 'done' | 'error' | 'cancelled' | 'tick'; id?: number; value?: number; message?: string };

function setup(opts: ConstructorParameters<typeof WorkerRpc<Req, Ev>>[1] = {}) {
  const worker = new FakeWorker();
  const rpc = new WorkerRpc<Req, Ev>(worker, opts);
  return { worker, rpc };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkerRpc', () => {
  test('an answer resolves its request; progress does not settle it; other events go to onEvent', async () => {
    const onEvent = vi.fn();
    const { worker, rpc } = setup({ onEvent });
    const progress = vi.fn();
    const a = rpc.request<Ev>({ type: 'work', n: 1 }, { progress });
    const b = rpc.request<Ev>({ type: 'work', n: 2 });
    expect(worker.sent).toEqual([{ type: 'work', n: 1, id: a.id }, { type: 'work', n: 2, id: b.id }]);
    worker.emit({ type: 'progress', id: a.id, value: 0.5 });
    worker.emit({ type: 'tick' });
    worker.emit({ type: 'done', id: 999 });
    worker.emit({ type: 'done', id: b.id, value: 2 });
    worker.emit({ type: 'done', id: a.id, value: 1 });
    await expect(a.done).resolves.toEqual({ type: 'done', id: a.id, value: 1 });
    await expect(b.done).resolves.toEqual({ type: 'done', id: b.id, value: 2 });
    expect(progress).toHaveBeenCalledTimes(1);
    expect(onEvent.mock.calls.map(([e]) => e)).toEqual([{ type: 'tick' }, { type: 'done', id: 999 }]);
    expect(rpc.pendingCount).toBe(0);
  });

  test('an error answer rejects that request only, with its message; the next request still works', async () => {
    const { worker, rpc } = setup();
    const a = rpc.request({ type: 'work', n: 1 });
    const b = rpc.request({ type: 'work', n: 2 });
    worker.emit({ type: 'error', id: a.id, message: 'nothing to export' });
    await expect(a.done).rejects.toThrow('nothing to export');
    expect(rpc.pendingCount).toBe(1);
    worker.emit({ type: 'cancelled', id: b.id });
    await expect(b.done).rejects.toThrow('cancelled');
    const c = rpc.request({ type: 'work', n: 3 });
    worker.emit({ type: 'done', id: c.id });
    await expect(c.done).resolves.toMatchObject({ type: 'done' });
  });

  test('a worker crash rejects everything pending and is reported once', async () => {
    const onCrash = vi.fn();
    const { worker, rpc } = setup({ onCrash });
    const pending = [rpc.request({ type: 'work', n: 1 }), rpc.request({ type: 'work', n: 2 })];
    worker.crash('out of memory');
    for (const p of pending) await expect(p.done).rejects.toThrow('the worker crashed: out of memory');
    expect(onCrash).toHaveBeenCalledWith('out of memory');
    expect(rpc.pendingCount).toBe(0);
  });

  test('an unreadable message counts as a crash', async () => {
    const { worker, rpc } = setup();
    const a = rpc.request({ type: 'work', n: 1 });
    worker.onmessageerror?.({} as MessageEvent);
    await expect(a.done).rejects.toThrow(/could not be read/);
  });

  test('terminate mid-request rejects it and stops the worker', async () => {
    const { worker, rpc } = setup();
    const a = rpc.request({ type: 'work', n: 1 });
    rpc.terminate();
    await expect(a.done).rejects.toThrow('the worker was stopped');
    expect(worker.terminated).toBe(true);
    worker.emit({ type: 'done', id: a.id }); // a late answer changes nothing
  });

  test('no event within the timeout rejects; progress restarts the clock', async () => {
    vi.useFakeTimers();
    const { worker, rpc } = setup();
    const a = rpc.request({ type: 'work', n: 1 }, { timeoutMs: 1000 });
    const settled = vi.fn();
    a.done.then(settled, settled);
    await vi.advanceTimersByTimeAsync(800);
    worker.emit({ type: 'progress', id: a.id });
    await vi.advanceTimersByTimeAsync(800);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    await expect(a.done).rejects.toThrow('no answer from the worker within 1 s');
    expect(rpc.pendingCount).toBe(0);
  });

  test('a message that cannot be posted rejects its request at once', async () => {
    const { worker, rpc } = setup();
    worker.failPost = new Error('DataCloneError');
    await expect(rpc.request({ type: 'work', n: 1 }).done).rejects.toThrow('DataCloneError');
    expect(rpc.pendingCount).toBe(0);
  });
});

describe('TrainClient', () => {
  function client() {
    const worker = new FakeWorker();
    const events: TrainEvent[] = [];
    return { worker, events, train: new TrainClient(worker, (e) => events.push(e)) };
  }

  test('export: answered by requestId, and the run stream goes to the listener', async () => {
    const { worker, events, train } = client();
    const done = train.exportCheckpoint('last');
    const { requestId } = worker.sent[0] as { requestId: number };
    expect(worker.sent[0]).toMatchObject({ type: 'export', kind: 'last' });
    worker.emit({ type: 'state', state: 'training' });
    worker.emit({ type: 'exported', requestId, kind: 'last', step: 4, resume: null });
    await expect(done).resolves.toMatchObject({ step: 4 });
    expect(events).toEqual([{ type: 'state', state: 'training' }]);
  });

  test('an error answer to an export rejects it and is not a run error', async () => {
    const { worker, events, train } = client();
    const done = train.exportCheckpoint('best');
    const { requestId } = worker.sent[0] as { requestId: number };
    worker.emit({ type: 'error', kind: 'invalid_config', message: 'nothing to export: start a run first', step: 0, checkpointStep: null, requestId });
    await expect(done).rejects.toThrow('nothing to export');
    expect(events).toEqual([]);
  });

  test('a crash rejects a pending export and reaches the listener as an internal error', async () => {
    const { worker, events, train } = client();
    const done = train.exportCheckpoint('best');
    worker.crash('device lost');
    await expect(done).rejects.toThrow(/device lost/);
    expect(events).toEqual([{ type: 'error', kind: 'internal', message: 'device lost', step: 0, checkpointStep: null }]);
  });

  test('exports time out', async () => {
    vi.useFakeTimers();
    const { train } = client();
    const done = train.exportCheckpoint('best');
    const check = expect(done).rejects.toThrow(/no answer/);
    await vi.advanceTimersByTimeAsync(EXPORT_TIMEOUT_MS + 1);
    await check;
  });
});

describe('TrainSession answers requests it cannot serve with an error for that request', () => {
  test.each([
    [{ type: 'export', requestId: 7, kind: 'best' } as const, /nothing to export/],
    [{ type: 'predict', requestId: 8, data: {} } as never, /predict needs a loaded model/],
  ])('%o', async (cmd, message) => {
    const { TrainSession } = await import('../../../src/train/session');
    const events: TrainEvent[] = [];
    await new TrainSession((e) => events.push(e)).handle(cmd);
    expect(events).toHaveLength(1); // no 'failed' state: the run (if any) goes on
    expect(events[0]).toMatchObject({ type: 'error', kind: 'invalid_config', requestId: (cmd as { requestId: number }).requestId });
    expect((events[0] as { message: string }).message).toMatch(message);
  });
});

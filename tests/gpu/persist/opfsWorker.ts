/// <reference lib="webworker" />
/** The train worker's storage path in a worker of its own: OPFS through sync access handles (opfs.test.ts). */
import { readResumeState, writeResumeState } from '../../../src/persist/opfs';
import type { ResumeState } from '../../../src/protocol/train';

type Request = { op: 'write'; runId: string; state: ResumeState } | { op: 'read'; runId: string; file: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<Request>) => {
  try {
    const r = e.data;
    if (r.op === 'write') scope.postMessage({ ok: true, stored: await writeResumeState(r.runId, r.state), sync: 'createSyncAccessHandle' in FileSystemFileHandle.prototype });
    else scope.postMessage({ ok: true, state: await readResumeState(r.runId, r.file) });
  } catch (err) {
    scope.postMessage({ ok: false, message: (err as Error).message });
  }
};

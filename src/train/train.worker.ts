/// <reference lib="webworker" />
/** The train worker: forwards commands to a TrainSession and its events back, transferring big arrays. */
import { eventTransferList, type TrainCommand, type TrainEvent } from '../protocol/train';
import { TrainSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainSession((event: TrainEvent) => scope.postMessage(event, eventTransferList(event)));

scope.onmessage = (e: MessageEvent<TrainCommand>) => {
  // Not awaited: a running `start` must not block pause/stop, which arrive while it runs.
  session.handle(e.data).catch((err: unknown) => {
    scope.postMessage({ type: 'error', kind: 'internal', message: (err as Error).message ?? String(err), step: 0, checkpointStep: null } satisfies TrainEvent);
  });
};

/// <reference lib="webworker" />
/** The train worker: forwards commands to a TrainSession and its events back, transferring big arrays. */
import { eventTransferList, type TrainCommand, type TrainEvent } from '../protocol/train';
import { TrainSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainSession((event: TrainEvent) => scope.postMessage(event, eventTransferList(event)));

scope.onmessage = (e: MessageEvent<TrainCommand>) => {
  // Not awaited: a running `start` must not block pause/stop, which arrive while it runs.
  const cmd = e.data;
  session.handle(cmd).catch((err: unknown) => {
    // A failed request is that request's answer (its promise rejects); anything else is the run's error.
    const requestId = 'requestId' in cmd ? cmd.requestId : undefined;
    const message = (err as Error).message ?? String(err);
    scope.postMessage({ type: 'error', kind: 'internal', message, step: 0, checkpointStep: null, ...(requestId === undefined ? {} : { requestId }) } satisfies TrainEvent);
  });
};

/// <reference lib="webworker" />
/**
 * The data worker (the page's only one): parsing, validation, statistics, encoding and the parsed examples off
 * the main thread. Only wiring lives here; the logic is in `handler.ts` and the pure modules it calls.
 */
import { transfersOf, type DataRequest } from '../protocol/data.ts';
import { createDataHandler } from './handler.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createDataHandler((event) => scope.postMessage(event, transfersOf(event)));

scope.onmessage = (e: MessageEvent<DataRequest>) => {
  void handle(e.data);
};

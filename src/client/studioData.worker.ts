/// <reference lib="webworker" />
/**
 * The data worker of the page: the project's data handler, plus one request it lacks, `examples`, which
 * returns a split's parsed examples (QA contexts and NER words for evaluation, results and the model card).
 */
import { createDataHandler } from '../data/handler';
import { DataSession } from '../data/session';
import { transfersOf } from '../protocol/data';
import type { StudioDataEvent, StudioDataRequest } from './dataProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new DataSession();
const post = (e: StudioDataEvent) => scope.postMessage(e, e.type === 'examples' ? [] : transfersOf(e));
const handle = createDataHandler(post, { session });

scope.onmessage = (e: MessageEvent<StudioDataRequest>) => {
  const req = e.data;
  if (req.type === 'examples') {
    const all = session.result?.examples[req.split] ?? [];
    post({ type: 'examples', id: req.id, split: req.split, examples: req.limit ? all.slice(0, req.limit) : all });
    return;
  }
  void handle(req);
};

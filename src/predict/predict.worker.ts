/// <reference lib="webworker" />
/** The playground's worker: wiring only (see predictor.ts). */
import type { PredictEvent, PredictRequest } from './protocol';
import { loadForPrediction, maskTokenOf, predictExamples, type Loaded } from './predictor';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (e: PredictEvent) => scope.postMessage(e);
let loaded: Loaded | null = null;

scope.onmessage = async (e: MessageEvent<PredictRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'load') {
      loaded?.model.dispose();
      loaded = await loadForPrediction(req.files, req.task, req.labels);
      post({ type: 'loaded', id: req.id, task: loaded.task, labels: loaded.labels, label: loaded.tokenizer.label, maskToken: maskTokenOf(loaded) });
    } else {
      if (!loaded) throw new Error('no model loaded');
      const t0 = performance.now();
      const predictions = await predictExamples(loaded, req.examples, req.maxLength);
      post({ type: 'predicted', id: req.id, predictions, elapsedMs: performance.now() - t0 });
    }
  } catch (err) {
    post({ type: 'error', id: req.id, message: (err as Error).message ?? String(err) });
  }
};

import { useStudio } from '../state/store';
import { taskSpec } from '../tasks/index';
import { DropZone } from './DropZone';
import { PredictionView } from './PredictionView';

/** Step 6: type something, see what the model says. */
export function PlaygroundPanel() {
  const runId = useStudio((s) => s.runId);
  const checkpointStep = useStudio((s) => s.checkpointStep);
  const status = useStudio((s) => s.pgStatus);
  const label = useStudio((s) => s.pgLabel);
  const task = useStudio((s) => s.pgTask);
  const form = task ? taskSpec(task).views.playground : null;
  const input = useStudio((s) => s.pgInput);
  const maskToken = useStudio((s) => s.pgMaskToken);
  const result = useStudio((s) => s.pgResult);
  const error = useStudio((s) => s.pgError);
  const { setPlaygroundInput, loadPlaygroundFromRun, loadPlaygroundFiles, predictPlayground } = useStudio.getState();
  return (
    <section className="panel" aria-labelledby="pg-title" id="playground">
      <h2 id="pg-title">6 · Playground</h2>
      <div className="row">
        <button type="button" disabled={!runId || checkpointStep === null || status === 'loading'} onClick={() => runId && void loadPlaygroundFromRun(runId)}>
          Use this run’s model{checkpointStep !== null ? ` (step ${checkpointStep})` : ''}
        </button>
      </div>
      <DropZone testId="playground-drop" label="Choose a model zip" hint="…or drop a zip exported by this studio (or a model folder) to try it." accept=".zip,.json,.safetensors,.txt" onFiles={(f) => void loadPlaygroundFiles(f, f[0]?.name ?? 'dropped model')} />
      {status === 'loading' && <p aria-live="polite">Loading the model…</p>}
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {task && (
        <form
          className="playground"
          onSubmit={(e) => {
            e.preventDefault();
            void predictPlayground();
          }}
        >
          <p className="muted">
            Model: {label} ({task})
          </p>
          {form === 'question-context' ? (
            <>
              <label>
                Question
                <input value={input.question} onChange={(e) => setPlaygroundInput({ question: e.target.value })} />
              </label>
              <label>
                Context
                <textarea rows={5} value={input.context} onChange={(e) => setPlaygroundInput({ context: e.target.value })} />
              </label>
            </>
          ) : (
            <label>
              {form === 'pair' ? 'First text' : form === 'fill-mask' ? `Text with ${maskToken ?? 'the mask token'} where a word is missing` : 'Text'}
              <textarea
                rows={3}
                value={input.text}
                placeholder={form === 'fill-mask' && maskToken ? `The movie was ${maskToken}.` : undefined}
                onChange={(e) => setPlaygroundInput({ text: e.target.value })}
              />
            </label>
          )}
          {form === 'pair' && (
            <label>
              Second text
              <textarea rows={3} value={input.textPair} onChange={(e) => setPlaygroundInput({ textPair: e.target.value })} />
            </label>
          )}
          <button type="submit" className="primary" disabled={status === 'predicting'}>
            Predict
          </button>
        </form>
      )}
      {result && <PredictionView result={result} />}
    </section>
  );
}

import { useState } from 'react';
import { fineTuneFromRun } from '../state/exportRun';
import { useStudio } from '../state/store';
import { TrainerProjectExport } from './TrainerProjectExport';

/** Step 7: the zip that `from_pretrained` loads, with the config, metrics and model card. */
export function ExportPanel() {
  const runId = useStudio((s) => s.runId);
  const checkpointStep = useStudio((s) => s.checkpointStep);
  const status = useStudio((s) => s.exportStatus);
  const error = useStudio((s) => s.exportError);
  const downloadZip = useStudio((s) => s.downloadZip);
  const isMlm = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.task === 'mlm');
  const [fineTune, setFineTune] = useState<{ state: 'idle' | 'loading' | 'done' } | { state: 'error'; message: string }>({ state: 'idle' });
  if (!runId) return null;
  const startFineTune = () => {
    setFineTune({ state: 'loading' });
    fineTuneFromRun(runId).then(
      () => setFineTune({ state: 'done' }),
      (e: Error) => setFineTune({ state: 'error', message: e.message }),
    );
  };
  return (
    <section className="panel" aria-labelledby="export-title" id="export">
      <h2 id="export-title">7 · Export</h2>
      <p>
        A zip with <code>config.json</code>, <code>model.safetensors</code> and the tokenizer files (load it in Python with <code>from_pretrained</code>),{' '}
        <code>onnx/model.onnx</code> (load the folder with transformers.js&apos;s <code>pipeline()</code>), plus{' '}
        <code>training_config.json</code>, <code>metrics.json</code>, <code>predictions.jsonl</code> and a <code>README.md</code> model card.
      </p>
      <button type="button" className="primary" disabled={checkpointStep === null || status === 'building'} onClick={() => void downloadZip(runId)}>
        {checkpointStep === null ? 'No checkpoint yet (saved at each evaluation)' : `Download the model (.zip, step ${checkpointStep})`}
      </button>
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {!isMlm && <TrainerProjectExport runId={runId} />}
      {isMlm && (
        <div className="row">
          <button type="button" data-testid="fine-tune-this" disabled={checkpointStep === null || fineTune.state === 'loading'} onClick={startFineTune}>
            Fine-tune this model
          </button>
          <span className="muted small">
            {fineTune.state === 'done'
              ? 'Model step now holds this checkpoint: drop labelled data (classification, QA or NER) in step 1.'
              : 'Use this checkpoint as the base of a classification, QA or NER run, without downloading it.'}
          </span>
          {fineTune.state === 'error' && (
            <p className="bad" role="alert">
              {fineTune.message}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

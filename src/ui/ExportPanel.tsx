import { useStudio } from '../state/store';

/** Step 7: the zip that `from_pretrained` loads, with the config, metrics and model card. */
export function ExportPanel() {
  const runId = useStudio((s) => s.runId);
  const checkpointStep = useStudio((s) => s.checkpointStep);
  const status = useStudio((s) => s.exportStatus);
  const error = useStudio((s) => s.exportError);
  const downloadZip = useStudio((s) => s.downloadZip);
  if (!runId) return null;
  return (
    <section className="panel" aria-labelledby="export-title" id="export">
      <h2 id="export-title">7 · Export</h2>
      <p>
        A zip with <code>config.json</code>, <code>model.safetensors</code> and the tokenizer files (load it in Python with <code>from_pretrained</code>), plus{' '}
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
    </section>
  );
}

import { useState } from 'react';
import { importTrainerRun, type TrainerImportResult } from '../state/importTrainerRun';
import { DropZone } from './DropZone';

/** A finished Trainer run (its output folder) into the runs list: charts, metrics and, with safetensors, the model. */
export function ImportTrainerRun() {
  const [result, setResult] = useState<TrainerImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const onFiles = async (files: File[]) => {
    setBusy(true);
    setResult(await importTrainerRun(files));
    setBusy(false);
  };
  return (
    <details className="import-trainer" data-testid="import-trainer">
      <summary>Import a Trainer run</summary>
      <DropZone
        label="Choose a Trainer output folder"
        hint="The output folder of train.py (config.json, model.safetensors, trainer_state.json); add the project's training_config.json to compare settings."
        directory
        onFiles={(f) => void onFiles(f)}
        testId="trainer-drop"
      />
      {busy && <p aria-live="polite">Importing…</p>}
      {result && (
        <div role="status" data-testid="import-result" className={result.ok ? undefined : 'bad'}>
          {result.ok ? <p>Imported “{result.name}”.</p> : <p>Not imported:</p>}
          {result.messages.length > 0 && (
            <ul className="small">
              {result.messages.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </details>
  );
}

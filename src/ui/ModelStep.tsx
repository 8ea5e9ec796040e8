import { useStudio } from '../state/store';
import { DownloadStatus } from './DownloadStatus';
import { DropZone } from './DropZone';
import { ModelPicker } from './ModelPicker';
import { ModelSummary } from './ModelSummary';

/** Step 2: a model from the Hub, a local folder, or the built-in one. */
export function ModelStep() {
  const chooseLocal = useStudio((s) => s.chooseLocalModel);
  const initRandom = useStudio((s) => s.initRandom);
  const setInitRandom = useStudio((s) => s.setInitRandom);
  return (
    <section className="panel" aria-labelledby="model-title" id="model">
      <h2 id="model-title">2 · Model</h2>
      <ModelPicker />
      <DropZone
        testId="model-drop"
        label="Choose a model folder"
        hint="…or drop a model folder (config.json, model.safetensors, tokenizer files) or a zip exported by this studio."
        directory
        onFiles={(f) => void chooseLocal(f, f[0]?.webkitRelativePath?.split('/')[0] || f[0]?.name || 'local model')}
      />
      <DownloadStatus />
      <ModelSummary />
      <label className="check">
        <input type="checkbox" data-testid="init-random" checked={initRandom} onChange={(e) => setInitRandom(e.target.checked)} />
        Train from scratch: re-initialise every weight (HF's init, the run's seed), keeping the architecture and the tokenizer
      </label>
      <p className="muted small">Hub downloads are kept in this browser: the second load is instant and works offline.</p>
    </section>
  );
}

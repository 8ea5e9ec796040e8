import { CONFIG_FIELDS } from '../state/configFields';
import { useStudio } from '../state/store';
import { DEFAULT_LORA } from '../train/config';
import { ConfigField } from './ConfigField';
import { MaskingSettings } from './MaskingSettings';
import { PresetPicker } from './PresetPicker';
import { RunControls } from './RunControls';

/** Step 3: the TrainConfig form and the run controls. */
export function TrainStep() {
  const headOnly = useStudio((s) => s.config.freeze.encoder);
  const lora = useStudio((s) => s.config.lora !== null);
  const patience = useStudio((s) => s.config.earlyStopping.patience);
  const mixed = useStudio((s) => s.config.mixedPrecision);
  const setConfig = useStudio((s) => s.setConfig);
  const config = useStudio((s) => s.config);
  return (
    <section className="panel" aria-labelledby="train-title" id="train">
      <h2 id="train-title">3 · Train</h2>
      <PresetPicker />
      <div className="fields">
        {CONFIG_FIELDS.filter((f) => !f.advanced).map((f) => (
          <ConfigField key={f.key} field={f} />
        ))}
      </div>
      <MaskingSettings />
      <label className="check">
        <input type="checkbox" data-testid="cfg-mixedPrecision" checked={mixed} onChange={(e) => setConfig('mixedPrecision', e.target.checked)} />
        Mixed precision (fp16): activations stored as f16 for less GPU memory, weights and AdamW stay f32; steps whose gradients overflow are skipped and the loss scale adapts
      </label>
      <details>
        <summary>More settings</summary>
        <div className="fields">
          {CONFIG_FIELDS.filter((f) => f.advanced).map((f) => (
            <ConfigField key={f.key} field={f} />
          ))}
          <div className="field">
            <label htmlFor="cfg-patience">Early stopping patience</label>
            <input id="cfg-patience" type="number" min={0} value={patience} aria-describedby="cfg-patience-help" onChange={(e) => setConfig('earlyStopping', { ...config.earlyStopping, patience: Number(e.target.value) })} />
            <small id="cfg-patience-help">Stop after this many evaluations without improvement; 0 = off.</small>
          </div>
        </div>
        <label className="check">
          <input type="checkbox" checked={headOnly} onChange={(e) => setConfig('freeze', { ...config.freeze, encoder: e.target.checked })} />
          Train only the task head (frozen encoder: least memory, fastest, weakest)
        </label>
        <label className="check">
          <input type="checkbox" checked={lora} onChange={(e) => setConfig('lora', e.target.checked ? { ...DEFAULT_LORA, targetModules: [...DEFAULT_LORA.targetModules] } : null)} />
          LoRA adapters (rank {DEFAULT_LORA.rank} on query and value; merged into the weights on export)
        </label>
      </details>
      <RunControls />
    </section>
  );
}

import { TRAIN_PRESETS } from '../train/config';
import { useStudio } from '../state/store';

/** Presets as radio buttons, each with its one-line description. */
export function PresetPicker() {
  const presetId = useStudio((s) => s.presetId);
  const applyPreset = useStudio((s) => s.applyPreset);
  return (
    <fieldset className="presets">
      <legend>Preset</legend>
      {TRAIN_PRESETS.map((p) => (
        <label key={p.id} className="preset">
          <input type="radio" name="preset" value={p.id} checked={presetId === p.id} onChange={() => applyPreset(p.id)} />
          <strong>{p.name}</strong>
          <span className="muted">{p.description}</span>
        </label>
      ))}
      {presetId === null && <p className="muted small">Custom settings (a preset was edited).</p>}
    </fieldset>
  );
}

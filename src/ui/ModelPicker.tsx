import { CURATED_MODELS } from '../hub/curated';
import { useStudio } from '../state/store';

/** Hub id box with a curated list, the built-in offline model, and loading from the Hub. */
export function ModelPicker() {
  const hubInput = useStudio((s) => s.hubInput);
  const busy = useStudio((s) => s.modelStatus === 'downloading');
  const { setHubInput, chooseHubModel, chooseBuiltinModel } = useStudio.getState();
  return (
    <div className="model-picker">
      <button type="button" className="primary" disabled={busy} onClick={() => void chooseBuiltinModel()} data-testid="builtin-model">
        Use the built-in tiny model (offline; random weights, for trying the studio)
      </button>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void chooseHubModel(hubInput);
        }}
      >
        <label className="grow">
          Hugging Face model id
          <input list="curated-models" value={hubInput} placeholder="owner/name, e.g. google-bert/bert-base-uncased" onChange={(e) => setHubInput(e.target.value)} />
        </label>
        <datalist id="curated-models">
          {CURATED_MODELS.map((m) => (
            <option key={m.id} value={m.id}>{`${m.language}: ${m.note}`}</option>
          ))}
        </datalist>
        <button type="submit" disabled={busy || !hubInput.trim()}>
          Load from the Hub
        </button>
      </form>
      <details>
        <summary>Suggested models</summary>
        <ul className="curated">
          {CURATED_MODELS.map((m) => (
            <li key={m.id}>
              <button type="button" className="link" disabled={busy} onClick={() => void chooseHubModel(m.id)}>
                {m.id}
              </button>{' '}
              <span className="tag">{m.language}</span> <span className="muted">{m.note}</span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

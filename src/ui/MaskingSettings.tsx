import { useStudio } from '../state/store';

/** Masked-LM runs only: how many tokens are masked, and whether whole words are (DataCollatorForLanguageModeling / WholeWordMask). */
export function MaskingSettings() {
  const isMlm = useStudio((s) => s.summary?.task === 'mlm');
  const probability = useStudio((s) => s.config.mlmProbability);
  const wholeWord = useStudio((s) => s.config.wholeWordMask);
  const setConfig = useStudio((s) => s.setConfig);
  if (!isMlm) return null;
  return (
    <fieldset className="fields" aria-label="Masking">
      <div className="field">
        <label htmlFor="cfg-mlmProbability">Masking probability</label>
        <input id="cfg-mlmProbability" type="number" min={0.01} max={0.99} step={0.01} value={probability} aria-describedby="cfg-mlmProbability-help" onChange={(e) => setConfig('mlmProbability', Number(e.target.value))} />
        <small id="cfg-mlmProbability-help">Share of tokens to predict (run_mlm.py's mlm_probability); 80% of them become the mask token, 10% a random token, 10% stay. New masks every epoch.</small>
      </div>
      <label className="check">
        <input type="checkbox" data-testid="cfg-wholeWordMask" checked={wholeWord} onChange={(e) => setConfig('wholeWordMask', e.target.checked)} />
        Whole-word masking: mask every sub-token of a chosen word together
      </label>
    </fieldset>
  );
}

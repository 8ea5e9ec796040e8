import { quickStart } from '../state/quickStart';
import { useStudio } from '../state/store';

/** One click: demo data + built-in model + Quick try, training. Offline. */
export function QuickStart() {
  const hasRun = useStudio((s) => s.runId !== null);
  const busy = useStudio((s) => s.dataStatus === 'parsing' || s.modelStatus === 'downloading' || s.runState === 'preparing');
  if (hasRun) return null;
  return (
    <section className="panel quick" aria-labelledby="quick-title">
      <h2 id="quick-title">Try it in one click</h2>
      <p>
        Trains the built-in tiny model on 5,000 Korean movie reviews (NSMC, positive / negative) for one epoch: Quick
        try with a learning rate for a model that starts from scratch. Works offline; validation accuracy climbs from
        0.5 to about 0.75.
      </p>
      <p className="muted small">
        The built-in model is randomly initialised (2 layers, hidden 32): it is for trying the studio, not for real
        work. For that, pick a pretrained model in step 2 (the Hugging Face id box lists English and Korean ones).
      </p>
      <button type="button" className="primary" disabled={busy} onClick={() => void quickStart()}>
        Train the demo
      </button>
    </section>
  );
}

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
      <p>Trains the built-in tiny model on a small demo dataset (Poem Sentiment) with the Quick try preset. Works offline.</p>
      <button type="button" className="primary" disabled={busy} onClick={() => void quickStart()}>
        Train the demo
      </button>
    </section>
  );
}

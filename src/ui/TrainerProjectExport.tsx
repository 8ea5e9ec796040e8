import { useState } from 'react';
import { saveZip } from '../state/exportRun';
import { trainerProjectZip } from '../state/trainerProjectZip';

/** "Continue on a bigger machine": the run as a transformers Trainer project (train.py, its data and settings); fine-tuning runs only. */
export function TrainerProjectExport({ runId }: { runId: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'building' } | { kind: 'error'; message: string }>({ kind: 'idle' });
  const build = () => {
    setState({ kind: 'building' });
    trainerProjectZip(runId).then(
      ({ name, bytes }) => {
        saveZip(name, bytes);
        setState({ kind: 'idle' });
      },
      (e: Error) => setState({ kind: 'error', message: e.message }),
    );
  };
  return (
    <div>
      <h3>Continue on a bigger machine</h3>
      <p className="muted small">
        The same run as a <code>transformers</code> Trainer project: <code>train.py</code> with every setting of this run, the exact train / validation / test
        rows, and <code>python train.py --same-order</code> to reproduce this run's losses step by step. Runs as <code>python train.py</code>,{' '}
        <code>accelerate launch train.py</code> or <code>torchrun --nproc_per_node N train.py</code>.
      </p>
      <button type="button" data-testid="trainer-project" disabled={state.kind === 'building'} onClick={build}>
        {state.kind === 'building' ? 'Building the project…' : 'Download the Trainer project (.zip)'}
      </button>
      {state.kind === 'error' && (
        <p className="bad" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}

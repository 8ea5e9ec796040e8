import { useStudio } from '../state/store';
import { CompareRuns } from './CompareRuns';
import { ImportTrainerRun } from './ImportTrainerRun';

/** A run's OPFS folder (resume state and best checkpoint); deleting the run frees it. */
const formatBytes = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.ceil(n / 1e3)} KB`);

/** Runs saved in this browser: open (charts, results, export), resume, delete, compare; Trainer runs imported. */
export function RunsPanel() {
  const runs = useStudio((s) => s.runs);
  const current = useStudio((s) => s.runId);
  const runBytes = useStudio((s) => s.runBytes);
  const { openRun, resumeSavedRun, deleteSavedRun } = useStudio.getState();
  // One tree with or without runs: the import keeps its state (and its message) when the first run appears.
  return (
    <section className="panel" aria-labelledby="runs-title" id="runs">
      <h2 id="runs-title">Runs in this browser</h2>
      {runs.length > 0 && (
        <table className="grid" data-testid="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Step</th>
              <th>Best</th>
              <th>Stored</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} aria-current={r.id === current ? 'true' : undefined}>
                <td>{r.name}</td>
                <td>{r.status}</td>
                <td>
                  {r.lastStep} / {r.totalSteps || '?'}
                </td>
                <td>{r.bestMetric ? `${r.bestMetric.name} ${r.bestMetric.value.toFixed(3)} @ ${r.bestStep}` : '–'}</td>
                <td data-testid="run-bytes">{runBytes[r.id] ? formatBytes(runBytes[r.id]) : '–'}</td>
                <td>
                  <button type="button" onClick={() => void openRun(r.id)} aria-label={`Open ${r.name}`} disabled={r.id === current}>
                    Open
                  </button>{' '}
                  {(r.status === 'paused' || r.status === 'failed' || r.status === 'stopped' || r.status === 'running') && r.id !== current && (
                    <button type="button" onClick={() => void resumeSavedRun(r.id)} aria-label={`Resume ${r.name}`}>
                      Resume
                    </button>
                  )}{' '}
                  {(r.status === 'finished' || r.status === 'stopped') && r.totalSteps > 0 && r.id !== current && (
                    <button type="button" onClick={() => void resumeSavedRun(r.id, r.totalSteps)} aria-label={`Train ${r.name} for ${r.totalSteps} more steps`}>
                      +{r.totalSteps} steps
                    </button>
                  )}{' '}
                  <button type="button" onClick={() => void deleteSavedRun(r.id)} aria-label={`Delete ${r.name}`} disabled={r.id === current}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CompareRuns />
      <ImportTrainerRun />
    </section>
  );
}

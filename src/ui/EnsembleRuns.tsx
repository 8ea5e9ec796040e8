import { useState } from 'react';
import type { EnsembleResult } from '../ensemble/index';
import type { RunRecord } from '../persist/runs';
import { ensembleSavedRuns, ensembleZip } from '../state/ensembleRuns';
import { saveZip } from '../state/exportRun';
import { useStudio } from '../state/store';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

type State = { kind: 'idle' | 'running' } | { kind: 'error'; message: string } | { kind: 'done'; members: RunRecord[]; result: EnsembleResult };

/** The picked runs as an ensemble: probabilities averaged (weights equal or searched on validation), scored, exported. */
export function EnsembleRuns({ ids }: { ids: string[] }) {
  const [weights, setWeights] = useState<'equal' | 'search'>('equal');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = () => {
    setState({ kind: 'running' });
    ensembleSavedRuns(ids, weights).then(
      ({ members, result }) => setState({ kind: 'done', members, result }),
      (e: Error) => setState({ kind: 'error', message: e.message }),
    );
  };
  const download = async (members: RunRecord[], result: EnsembleResult) => {
    try {
      saveZip('ensemble.zip', await ensembleZip(members, result));
    } catch (e) {
      setState({ kind: 'error', message: (e as Error).message });
    }
  };
  return (
    <div data-testid="ensemble">
      <h3>Ensemble these runs</h3>
      <div className="row">
        <label>
          Weights{' '}
          <select value={weights} onChange={(e) => setWeights(e.target.value as 'equal' | 'search')}>
            <option value="equal">equal</option>
            <option value="search">searched on validation</option>
          </select>
        </label>
        <button type="button" disabled={state.kind === 'running'} onClick={run}>
          {state.kind === 'running' ? 'Ensembling…' : 'Ensemble'}
        </button>
      </div>
      {state.kind === 'error' && (
        <p className="bad" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'done' && (
        <>
          <table className="grid" aria-label="Ensemble and its members" data-testid="ensemble-table">
            <thead>
              <tr>
                <th />
                <th>weight</th>
                <th>{state.result.metric}</th>
              </tr>
            </thead>
            <tbody>
              {state.result.members.map((m, i) => (
                <tr key={i}>
                  <td>{state.members[i].name}</td>
                  <td>{m.weight.toFixed(3)}</td>
                  <td>{fmt(m.tunedScore ?? m.score)}</td>
                </tr>
              ))}
              <tr>
                <td>
                  <strong>ensemble</strong>
                </td>
                <td />
                <td>
                  <strong>{fmt(state.result.score)}</strong>
                </td>
              </tr>
            </tbody>
          </table>
          <p className="muted small">
            {state.result.method}. {Object.entries(state.result.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(' · ')}
          </p>
          {state.result.notes.map((n) => (
            <p key={n} className="muted small">
              {n}
            </p>
          ))}
          <div className="row">
            <button type="button" onClick={() => void download(state.members, state.result)}>
              Download the ensemble (.zip: every member&apos;s checkpoint and ensemble.json)
            </button>
            <button
              type="button"
              data-testid="ensemble-playground"
              onClick={() => {
                const [first] = state.members;
                useStudio.getState().loadPlaygroundEnsemble({ task: first.task, labels: first.labels, runIds: state.members.map((m) => m.id), weights: state.result.weights, thresholds: state.result.thresholds });
                document.getElementById('playground')?.scrollIntoView({ behavior: 'smooth' });
              }}
            >
              Try the ensemble in the playground
            </button>
          </div>
        </>
      )}
    </div>
  );
}

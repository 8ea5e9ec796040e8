import { useEffect, useMemo, useState } from 'react';
import { emptyHistory, type History } from '../charts/history';
import { StaticChart } from '../charts/StaticChart';
import { loadHistory, type RunRecord } from '../persist/runs';
import { configDifferences, lossOverlay, metricOverlay, metricsTable, sharedEvalMetrics, type ComparedRun } from '../state/compare';
import { useStudio } from '../state/store';
import { EnsembleRuns } from './EnsembleRuns';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0d9488', '#a16207', '#db2777'];
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));

const compared = (r: RunRecord): ComparedRun => ({
  name: r.name,
  task: r.task,
  modelLabel: r.modelLabel,
  maxLength: r.maxLength,
  labels: r.labels,
  // An imported Trainer run without its training_config.json has no settings to compare.
  config: r.datasetId === '' && Object.keys(r.config).length === 0 ? null : r.config,
  validation: r.final?.validation?.metrics ?? null,
});

/** Pick two or more saved runs (browser or imported): overlaid curves, their metrics, the settings that differ. */
export function CompareRuns() {
  const runs = useStudio((s) => s.runs);
  const [picked, setPicked] = useState<string[]>([]);
  // Keyed by the runs they belong to, so a new pick never draws the previous pick's curves.
  const [loaded, setLoaded] = useState<{ key: string; histories: History[] } | null>(null);
  const chosen = useMemo(() => picked.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunRecord => !!r), [picked, runs]);

  useEffect(() => {
    if (chosen.length < 2) return;
    let live = true;
    const key = chosen.map((r) => r.id).join('\n');
    void Promise.all(chosen.map((r) => loadHistory(r.id))).then((hs) => {
      if (live) setLoaded({ key, histories: hs.map((h) => h ?? emptyHistory()) });
    });
    return () => {
      live = false;
    };
  }, [chosen]);
  // Stable identities: StaticChart rebuilds its plot when its data or series change.
  // Short legend labels (#1, #2…): the run names head the tables, in the same colours.
  const series = useMemo(() => chosen.map((_, i) => ({ label: `#${i + 1}`, color: COLORS[i % COLORS.length], points: true })), [chosen]);
  const lines = useMemo(() => series.map((s) => ({ ...s, points: false })), [series]);
  const histories = loaded && loaded.key === chosen.map((r) => r.id).join('\n') ? loaded.histories : null;
  const curves = useMemo(
    () => (histories ? { loss: lossOverlay(histories), metrics: sharedEvalMetrics(histories).map((m) => [m, metricOverlay(histories, m)] as const) } : null),
    [histories],
  );

  if (runs.length < 2) return null;
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <details className="compare" data-testid="compare-runs">
      <summary>Compare runs</summary>
      <fieldset>
        <legend className="small muted">Pick two or more runs</legend>
        {runs.map((r) => (
          <label key={r.id} className="small" style={{ display: 'block' }}>
            <input type="checkbox" checked={picked.includes(r.id)} onChange={() => toggle(r.id)} /> {r.name}
          </label>
        ))}
      </fieldset>
      {chosen.length >= 2 && <CompareTables runs={chosen.map(compared)} />}
      {chosen.length >= 2 && chosen.every((r) => r.task === chosen[0].task) && <EnsembleRuns ids={chosen.map((r) => r.id)} />}
      {chosen.length >= 2 && curves && curves.loss[0].length + curves.metrics.length > 0 && (
        <div className="charts">
          <StaticChart testId="compare-train-loss" title="Training loss" series={lines} data={curves.loss} />
          {curves.metrics.map(([m, data]) => (
            <StaticChart key={m} testId={`compare-eval-${m}`} title={`Validation ${m}`} series={series} data={data} />
          ))}
        </div>
      )}
    </details>
  );
}

function CompareTables({ runs }: { runs: ComparedRun[] }) {
  const metrics = metricsTable(runs);
  const diffs = configDifferences(runs);
  const head = (
    <thead>
      <tr>
        <th />
        {runs.map((r, i) => (
          <th key={i} style={{ color: COLORS[i % COLORS.length] }}>
            #{i + 1} {r.name}
          </th>
        ))}
      </tr>
    </thead>
  );
  return (
    <div className="scroll-x">
      <table className="grid" aria-label="Metrics of the compared runs" data-testid="compare-metrics">
        {head}
        <tbody>
          {metrics.map((row) => (
            <tr key={row.metric}>
              <td>{row.metric}</td>
              {row.values.map((v, i) => (
                <td key={i}>{v === null ? '–' : row.best.includes(i) ? <strong>{fmt(v)}</strong> : fmt(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Settings that differ</h3>
      {diffs.length === 0 ? (
        <p className="muted small">None: the runs share every known setting.</p>
      ) : (
        <table className="grid" aria-label="Settings that differ" data-testid="compare-config">
          {head}
          <tbody>
            {diffs.map((d) => (
              <tr key={d.field}>
                <td>{d.field}</td>
                {d.values.map((v, i) => (
                  <td key={i}>{v ?? '?'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { useMemo } from 'react';
import { evalSeries, hasLossScale, lossScaleData, stepSeries, trainLossData } from '../charts/build';
import { progressOf } from '../charts/history';
import { formatDuration } from '../charts/series';
import { UPlotChart } from '../charts/UPlotChart';
import { fmtCount } from '../state/selectors';
import { useStudio } from '../state/store';
import { DEFAULT_TASK, taskSpec } from '../tasks/index';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

/** Step 4: where the run is and how it is going, live. */
export function LivePanel() {
  const runId = useStudio((s) => s.runId);
  const runState = useStudio((s) => s.runState);
  const prepare = useStudio((s) => s.prepareMessage);
  const error = useStudio((s) => s.runError);
  const task = useStudio((s) => s.summary?.task ?? null);
  const logs = useStudio((s) => s.logs);
  const notice = useStudio((s) => s.runNotice);
  if (!runId) return null;
  const spec = taskSpec(task ?? DEFAULT_TASK);
  const metrics = spec.chartedMetrics;
  // Perplexity runs from the vocabulary size (thousands) down to tens: its own chart, on a log axis.
  const perplexity = spec.metrics.includes('perplexity');
  return (
    <section className="panel" aria-labelledby="live-title" id="live">
      <h2 id="live-title">4 · Live</h2>
      <RunProgress />
      {prepare && <p aria-live="polite">{prepare}</p>}
      {notice && (
        <p className="warn-text" role="status" data-testid="run-notice">
          {notice}
        </p>
      )}
      {error && (
        <div className="bad" role="alert">
          <strong>{error.message}</strong>
          {error.hint && <p>{error.hint}</p>}
          {error.checkpointStep !== null && <p>The checkpoint of step {error.checkpointStep} was kept: you can export it or resume from it.</p>}
        </div>
      )}
      <div className="charts" key={runId} data-state={runState}>
        <UPlotChart testId="chart-loss" title="Training loss (raw and smoothed)" build={trainLossData} series={[{ label: 'loss', color: '#93c5fd', width: 1 }, { label: 'smoothed', color: '#1d4ed8', width: 2 }]} />
        <UPlotChart testId="chart-val-loss" title="Validation loss" build={(h) => evalSeries(h, ['loss'])} series={[{ label: 'validation loss', color: '#dc2626', width: 2, points: true }]} />
        <UPlotChart testId="chart-metrics" title="Validation metrics" build={(h) => evalSeries(h, metrics)} series={metrics.map((m, i) => ({ label: m, color: COLORS[i % COLORS.length], width: 2, points: true }))} />
        {perplexity && (
          <UPlotChart testId="chart-perplexity" title="Validation perplexity (masked tokens)" build={(h) => evalSeries(h, ['perplexity'])} yLog series={[{ label: 'perplexity', color: '#0891b2', width: 2, points: true }]} />
        )}
        <UPlotChart testId="chart-lr" title="Learning rate" build={(h) => stepSeries(h, 'lr')} series={[{ label: 'lr', color: '#9333ea' }]} />
        <UPlotChart testId="chart-grad" title="Gradient norm (before clipping)" build={(h) => stepSeries(h, 'gradNorm')} series={[{ label: 'grad norm', color: '#ea580c' }]} />
        <UPlotChart testId="chart-tps" title="Throughput (tokens/s)" build={(h) => stepSeries(h, 'tokensPerSecond')} series={[{ label: 'tokens/s', color: '#0d9488' }]} />
        <LossScaleChart />
      </div>
      {logs.length > 0 && (
        <details>
          <summary>Log ({logs.length})</summary>
          <pre className="log">{logs.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}

/** Mixed precision only: the GradScaler's scale and the skipped steps; appears with the first loss-scale event. */
function LossScaleChart() {
  const history = useStudio((s) => s.history);
  const show = useMemo(() => hasLossScale(history), [history]);
  if (!show) return null;
  return (
    <UPlotChart
      testId="chart-loss-scale"
      title="Loss scale (mixed precision; red points: skipped steps, gradients overflowed)"
      build={lossScaleData}
      yLog
      series={[{ label: 'loss scale', color: '#0891b2' }, { label: 'skipped step', color: '#dc2626', width: 0, points: true }]}
    />
  );
}

/** Step counter, ETA and throughput; re-renders with the history, nothing else does. */
function RunProgress() {
  const history = useStudio((s) => s.history);
  const total = useStudio((s) => s.totalSteps);
  const runState = useStudio((s) => s.runState);
  const trainable = useStudio((s) => s.trainableParameters);
  const best = useStudio((s) => s.bestStep);
  const p = useMemo(() => progressOf(history, total), [history, total]);
  return (
    <div className="run-progress" aria-live="polite">
      <span className={`state state-${runState}`} data-testid="run-state">
        {runState}
      </span>
      <progress value={p.step} max={total || undefined} aria-label="Training progress" />
      <span data-testid="run-step">
        step {p.step} / {total || '?'}
      </span>
      {p.etaSeconds !== null && runState === 'training' && <span>ETA {formatDuration(p.etaSeconds)}</span>}
      {p.tokensPerSecond !== null && <span>{fmtCount(Math.round(p.tokensPerSecond))} tokens/s</span>}
      {trainable > 0 && <span>{fmtCount(trainable)} trainable parameters</span>}
      {best !== null && <span>best step {best}</span>}
    </div>
  );
}

import { isClassificationReport, isMultilabelReport } from '../state/selectors';
import { useStudio } from '../state/store';
import { ConfusionMatrix } from './ConfusionMatrix';
import { ExampleResults } from './ExampleResults';
import { MetricsTable } from './MetricsTable';
import { PerClassTable } from './PerClassTable';
import { ThresholdTable } from './ThresholdTable';

/** Step 5: how good the model is, per class and per example. */
export function ResultsPanel() {
  const lastEval = useStudio((s) => s.lastEval);
  const lastTest = useStudio((s) => s.lastTest);
  const bestStep = useStudio((s) => s.bestStep);
  const bestMetric = useStudio((s) => s.bestMetric);
  const done = useStudio((s) => s.doneReason);
  if (!lastEval) return null;
  const report = lastEval.result.report;
  return (
    <section className="panel" aria-labelledby="results-title" id="results">
      <h2 id="results-title">5 · Results</h2>
      <p>
        {done ? 'Final evaluation with the best checkpoint. ' : `Latest evaluation (step ${lastEval.step}); training continues. `}
        {bestStep !== null && bestMetric && (
          <strong data-testid="best-step">
            Best step {bestStep}: {bestMetric.name} {bestMetric.value.toFixed(4)}
          </strong>
        )}
      </p>
      <MetricsTable validation={lastEval} test={lastTest} />
      {isClassificationReport(report) && (
        <div className="stats">
          <div>
            <h3>Confusion matrix</h3>
            <ConfusionMatrix report={report} />
          </div>
          <div>
            <h3>Per class</h3>
            <PerClassTable perClass={report.per_class} />
          </div>
        </div>
      )}
      {isMultilabelReport(report) && (
        <>
          <h3>Per-class thresholds</h3>
          <ThresholdTable report={report} />
        </>
      )}
      <ExampleResults />
    </section>
  );
}

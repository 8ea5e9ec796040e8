import { useMemo } from 'react';
import type { MultilabelMetrics } from '../metrics';
import { thresholdRows } from '../state/selectors';
import { useStudio } from '../state/store';

/** Multi-label: one threshold slider per class, with precision / recall / F1 at that threshold. */
export function ThresholdTable({ report }: { report: MultilabelMetrics }) {
  const predictions = useStudio((s) => s.predictions);
  const examples = useStudio((s) => s.resultExamples);
  const thresholds = useStudio((s) => s.thresholds);
  const setThreshold = useStudio((s) => s.setThreshold);
  const rows = useMemo(() => thresholdRows(report, predictions, examples, thresholds), [report, predictions, examples, thresholds]);
  return (
    <table className="grid" aria-label="Per-class thresholds">
      <thead>
        <tr>
          <th>Class</th>
          <th>Threshold</th>
          <th>Precision</th>
          <th>Recall</th>
          <th>F1</th>
          <th>Support</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} className="slider-row">
            <td>{r.label}</td>
            <td>
              <input type="range" min={0} max={1} step={0.01} value={r.threshold} aria-label={`Threshold for ${r.label}`} onChange={(e) => setThreshold(r.label, Number(e.target.value))} />{' '}
              {r.threshold.toFixed(2)}{' '}
              <button type="button" className="link" onClick={() => setThreshold(r.label, r.tuned)} aria-label={`Use the tuned threshold ${r.tuned.toFixed(2)} for ${r.label}`}>
                tuned {r.tuned.toFixed(2)}
              </button>
            </td>
            <td>{r.precision.toFixed(3)}</td>
            <td>{r.recall.toFixed(3)}</td>
            <td>{r.f1.toFixed(3)}</td>
            <td>{r.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

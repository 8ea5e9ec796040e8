import type { EvalView } from '../state/trainSlice';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));

/** Flat metrics of the validation (and test) evaluation side by side. */
export function MetricsTable({ validation, test }: { validation: EvalView | null; test: EvalView | null }) {
  const names = [...new Set([...Object.keys(validation?.result.metrics ?? {}), ...Object.keys(test?.result.metrics ?? {})])];
  if (!names.length) return null;
  return (
    <table className="grid" aria-label="Metrics" data-testid="metrics-table">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Validation{validation ? ` (step ${validation.step})` : ''}</th>
          {test && <th>Test</th>}
        </tr>
      </thead>
      <tbody>
        {names.map((n) => (
          <tr key={n}>
            <td>{n}</td>
            <td>{validation?.result.metrics[n] !== undefined ? fmt(validation.result.metrics[n]) : '–'}</td>
            {test && <td>{test.result.metrics[n] !== undefined ? fmt(test.result.metrics[n]) : '–'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import type { PerClassMetrics } from '../metrics';

const f = (v: number) => v.toFixed(3);

/** Precision, recall, F1 and support per class. */
export function PerClassTable({ perClass }: { perClass: Record<string, PerClassMetrics> }) {
  return (
    <table className="grid" aria-label="Per-class metrics" data-testid="per-class">
      <thead>
        <tr>
          <th>Class</th>
          <th>Precision</th>
          <th>Recall</th>
          <th>F1</th>
          <th>Support</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(perClass).map(([label, m]) => (
          <tr key={label}>
            <td>{label}</td>
            <td>{f(m.precision)}</td>
            <td>{f(m.recall)}</td>
            <td>{f(m.f1)}</td>
            <td>{m.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

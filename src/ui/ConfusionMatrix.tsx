import { useMemo } from 'react';
import type { ClassificationMetrics } from '../metrics';
import { confusionCells } from '../state/selectors';

/** Rows = gold, columns = predicted; colour = share of the gold row (recall view). */
export function ConfusionMatrix({ report }: { report: ClassificationMetrics }) {
  const { labels, rows } = useMemo(() => confusionCells(report), [report]);
  return (
    <div className="scroll-x">
      <table className="grid heatmap" data-testid="confusion-matrix" aria-label="Confusion matrix: rows are gold labels, columns predicted labels">
        <thead>
          <tr>
            <th scope="col">gold ↓ / predicted →</th>
            {labels.map((l) => (
              <th key={l} scope="col">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={labels[i]}>
              <th scope="row">{labels[i]}</th>
              {row.map((c, j) => (
                <td
                  key={j}
                  style={{ background: `rgba(${i === j ? '22,163,74' : '220,38,38'},${(c.share * 0.8).toFixed(3)})`, color: c.share > 0.55 ? '#fff' : undefined }}
                  title={`${c.count} of the ${labels[i]} examples predicted ${labels[j]}`}
                >
                  {c.count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

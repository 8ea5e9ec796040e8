import type { Bar } from '../state/selectors';

/** Horizontal bars with their values: label distributions and histograms. */
export function BarList({ bars, label, mark }: { bars: Bar[]; label: string; mark?: (b: Bar, i: number) => boolean }) {
  return (
    <ul className="bars" aria-label={label}>
      {bars.map((b, i) => (
        <li key={b.label} className={mark?.(b, i) ? 'marked' : undefined}>
          <span className="bar-label">{b.label}</span>
          <span className="bar" style={{ width: `${Math.max(1, b.share * 100)}%` }} />
          <span className="bar-value">{b.value}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * A uPlot chart of data given as a prop (UPlotChart follows the live run's history instead): the compare view's
 * overlaid curves. Rebuilt when the data or the series change; they change on a click, not per step.
 */
import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SeriesSpec } from './UPlotChart';

interface Props {
  title: string;
  series: SeriesSpec[];
  data: AlignedData;
  height?: number;
  testId: string;
}

export function StaticChart({ title, series, data, height = 200, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const u = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height,
        legend: { live: true },
        scales: { x: { time: false } },
        axes: [{ label: 'step', size: 36 }, { size: 56 }],
        series: [{ label: 'step' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, spanGaps: true, points: { show: s.points ?? false, size: 6 } }))],
      },
      data,
      el,
    );
    el.dataset.points = String(data[0].length);
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
    };
  }, [data, series, height]);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={host} data-testid={testId} />
    </figure>
  );
}

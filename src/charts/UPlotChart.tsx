/**
 * A uPlot chart that follows the run's history without re-rendering React: it subscribes to the store's
 * history (a new object on every append) and redraws with `setData` in a shared, time-budgeted frame queue.
 */
import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { History } from './history';
import { useStudio } from '../state/store';
import { cancelRedraw, scheduleRedraw } from './frameQueue';

export interface SeriesSpec {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw the points (sparse series such as evaluations, where one point is no line). */
  points?: boolean;
}

interface Props {
  title: string;
  series: SeriesSpec[];
  build: (h: History) => AlignedData;
  yLog?: boolean;
  height?: number;
  /** Identifies the chart for tests and assistive tech. */
  testId: string;
}

export function UPlotChart({ title, series, build, yLog = false, height = 180, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const buildRef = useRef(build);
  buildRef.current = build;

  useEffect(() => {
    const el = host.current!;
    const opts: Options = {
      width: Math.max(240, el.clientWidth),
      height,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: yLog ? { distr: 3 } : {} },
      axes: [{ label: 'step', size: 36 }, { size: 56 }],
      series: [{ label: 'step' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 1.5, dash: s.dash, spanGaps: true, points: { show: s.points ?? false, size: 6 } }))],
    };
    const u = new uPlot(opts, buildRef.current(useStudio.getState().history), el);
    plot.current = u;
    const redraw = () => {
      const data = buildRef.current(useStudio.getState().history);
      u.setData(data);
      el.dataset.points = String(data[0].length);
    };
    el.dataset.points = String(u.data[0].length);
    const unsubscribe = useStudio.subscribe((s, prev) => {
      if (s.history !== prev.history) scheduleRedraw(redraw);
    });
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      cancelRedraw(redraw);
      u.destroy();
      plot.current = null;
    };
    // The series layout is fixed per mount; the parent remounts (key) when it changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={host} data-testid={testId} />
    </figure>
  );
}

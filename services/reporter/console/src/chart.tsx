import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: number[];
  /** A colour that keeps 3:1 contrast against the white background. */
  color: string;
}

export interface TimeChartProps {
  /** What the chart shows, for screen readers and the table's caption. */
  title: string;
  /** The x values: seconds since the epoch, or plain numbers with `xLabel`. */
  x: number[];
  series: ChartSeries[];
  bars?: boolean;
  /** Formats an x value for the table (and the axis when not time). */
  xFormat?: (x: number) => string;
  /** Plain numbers on the x axis instead of times (hours of the day). */
  plainX?: boolean;
  /** Points only, no line (events at moments, not a series). */
  dots?: boolean;
  /** Labels of the y axis (kinds by index); ticks between two labels stay empty. */
  yFormat?: (y: number) => string;
  height?: number;
}

/**
 * A uPlot chart sized to its container, and the same figures as a table for those who do not
 * see the chart (and for the tests, which read figures, not pixels).
 */
export function TimeChart(p: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  // Drawn again only when the figures change, not on every render of a polling page.
  const figures = JSON.stringify([p.x, p.series.map((s) => s.values), p.bars, p.dots, p.height]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const bars = p.bars ? uPlot.paths.bars?.({ size: [0.7, 40] }) : undefined;
    // Half a step of room at each end, so the first and the last bar are drawn whole.
    const step = p.x.length > 1 ? ((p.x.at(-1) ?? 0) - (p.x[0] ?? 0)) / (p.x.length - 1) : 1;
    const pad = (min: number, max: number): uPlot.Range.MinMax => [min - step / 2, max + step / 2];
    const opts: uPlot.Options = {
      width: width(),
      height: p.height ?? 180,
      scales: {
        x: { time: !p.plainX, ...(bars ? { range: (_u, min, max) => pad(min, max) } : {}) },
        // Bars stand on zero: a bar's height is its count.
        ...(bars ? { y: { range: (_u, _min, max): uPlot.Range.MinMax => [0, Math.max(1, max * 1.1)] } } : {}),
      },
      legend: { show: true },
      axes: [
        p.plainX ? { values: (_u, ticks) => ticks.map((t) => (p.xFormat ? p.xFormat(t) : String(t))) } : {},
        p.yFormat
          ? {
              size: 130,
              values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (p.yFormat?.(t) ?? '') : '')),
            }
          : { size: 44 },
      ],
      series: [
        {},
        ...p.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: p.dots ? undefined : `${s.color}33`,
          ...(bars ? { paths: bars, points: { show: false } } : {}),
          ...(p.dots ? { paths: () => null, points: { show: true, size: 7, fill: s.color } } : {}),
        })),
      ],
    };
    const chart = new uPlot(opts, [p.x, ...p.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: p.height ?? 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [figures]);
  const fmt = p.xFormat ?? ((x: number) => new Date(x * 1000).toLocaleString());
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={p.title} />
      <details>
        <summary>{p.title}: as a table</summary>
        <table>
          <caption>{p.title}</caption>
          <thead>
            <tr>
              <th scope="col">{p.plainX ? 'x' : 'time'}</th>
              {p.series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.x.map((x, i) => (
              <tr key={x}>
                <th scope="row">{fmt(x)}</th>
                {p.series.map((s) => (
                  <td key={s.label}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Colours with at least 3:1 against white (WCAG non-text contrast). */
export const COLORS = {
  error: '#c62828',
  warning: '#b45309',
  info: '#1d4ed8',
  ok: '#15803d',
  other: '#6d28d9',
};

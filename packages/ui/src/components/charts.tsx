/** Small SVG charts (no chart library): a line chart of values over time and a stacked bar chart by day. */
import { useId, useState } from 'react';
import { formatDateTime } from './format.ts';

export interface Point {
  t: number;
  v: number | null;
  /** Shown on hover. */
  label?: string;
  href?: string;
}

/** Values over time; gaps for nulls; hover shows the point's label. */
export function LineChart({ points, height = 120, format, color = 'var(--accent)', title }: {
  points: Point[]; height?: number; format: (v: number) => string; color?: string; title: string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const id = useId();
  const width = 480;
  const pad = { l: 52, r: 10, t: 10, b: 22 };
  const values = points.flatMap((p) => (p.v === null ? [] : [p.v]));
  if (!values.length) return <div className="chart-empty" style={{ height }}>No data yet</div>;
  const ts = points.map((p) => p.t);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const vMax = Math.max(...values, 1) * 1.1;
  const vMin = Math.min(0, ...values);
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - vMin) / (vMax - vMin)) * (height - pad.t - pad.b);
  const path = points.reduce((d, p, i) => (p.v === null ? d : `${d}${i && points[i - 1]?.v !== null ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`), '');
  const shown = hover === null ? null : points[hover];
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" onMouseLeave={() => setHover(null)}>
        {[0, 0.5, 1].map((f) => {
          const v = vMin + f * (vMax - vMin);
          return (
            <g key={f}>
              <line x1={pad.l} x2={width - pad.r} y1={y(v)} y2={y(v)} className="grid" />
              <text x={pad.l - 6} y={y(v) + 4} textAnchor="end" className="axis">{format(v)}</text>
            </g>
          );
        })}
        <path d={path} fill="none" stroke={color} strokeWidth={2} />
        {points.map((p, i) => p.v === null ? null : (
          <circle key={i} cx={x(p.t)} cy={y(p.v)} r={hover === i ? 5 : 3} fill={color} onMouseEnter={() => setHover(i)}>
            <title>{`${formatDateTime(p.t)}: ${format(p.v)}${p.label ? ` · ${p.label}` : ''}`}</title>
          </circle>
        ))}
        {shown && shown.v !== null ? (
          <text x={Math.min(x(shown.t), width - 120)} y={height - 4} className="axis strong">{`${format(shown.v)} · ${formatDateTime(shown.t)}`}</text>
        ) : (
          <>
            <text x={pad.l} y={height - 4} className="axis">{formatDateTime(t0)}</text>
            <text x={width - pad.r} y={height - 4} textAnchor="end" className="axis">{formatDateTime(t1)}</text>
          </>
        )}
      </svg>
    </figure>
  );
}

export interface StackedBar {
  label: string;
  parts: Array<{ key: string; value: number; color: string }>;
}

/** One bar per label (a day), stacked by part (a status). */
export function StackedBars({ bars, height = 140, title }: { bars: StackedBar[]; height?: number; title: string }) {
  const width = 560;
  const pad = { l: 28, r: 6, t: 8, b: 22 };
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0)));
  const slot = (width - pad.l - pad.r) / Math.max(1, bars.length);
  const y = (v: number) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img">
        <line x1={pad.l} x2={width - pad.r} y1={y(0)} y2={y(0)} className="grid" />
        <text x={pad.l - 6} y={y(max) + 8} textAnchor="end" className="axis">{max}</text>
        {bars.map((bar, i) => {
          let acc = 0;
          const total = bar.parts.reduce((s, p) => s + p.value, 0);
          return (
            <g key={bar.label}>
              <title>{`${bar.label}: ${total} run${total === 1 ? '' : 's'}${bar.parts.filter((p) => p.value).map((p) => `, ${p.value} ${p.key.toLowerCase()}`).join('')}`}</title>
              {bar.parts.map((p) => {
                const top = y(acc + p.value);
                const h = y(acc) - top;
                acc += p.value;
                return p.value ? <rect key={p.key} x={pad.l + i * slot + slot * 0.18} width={slot * 0.64} y={top} height={h} fill={p.color} rx={2} /> : null;
              })}
              {i % Math.ceil(bars.length / 7) === 0 ? <text x={pad.l + i * slot + slot / 2} y={height - 6} textAnchor="middle" className="axis">{bar.label}</text> : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Small SVG charts (no chart library): a line chart of values over time and a stacked bar chart by day. */
import { useId, useState } from 'react';
import { niceTicks, timeTicks, type TimeTick } from './chart-ticks.ts';
import { formatDateTime, plural } from './format.ts';

const TICK_FORMATS: Record<TimeTick['unit'], Intl.DateTimeFormat> = {
  second: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
  minute: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }),
};

export interface Point {
  t: number;
  v: number | null;
  /** Shown on hover. */
  label?: string;
  href?: string;
}

/** Values over time; gaps for nulls; hover shows the point's label. */
export function LineChart({ points, height = 120, format, color = 'var(--accent)', title, integer }: {
  points: Point[]; height?: number; format: (v: number) => string; color?: string; title: string;
  /** Values are counts: ticks at whole numbers. */
  integer?: boolean;
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
  const axis = niceTicks(Math.min(0, ...values), Math.max(...values), { intervals: 4, integer });
  const vMax = axis.max;
  const vMin = axis.min;
  const xTicks = points.length > 1 ? timeTicks(t0, t1, { maxTicks: 4, utcOffsetMinutes: -new Date().getTimezoneOffset() }) : [];
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - vMin) / (vMax - vMin)) * (height - pad.t - pad.b);
  const path = points.reduce((d, p, i) => (p.v === null ? d : `${d}${i && points[i - 1]?.v !== null ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`), '');
  const shown = hover === null ? null : points[hover];
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" onMouseLeave={() => setHover(null)}>
        {axis.ticks.map((v) => {
          return (
            <g key={v}>
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
          xTicks.length ? xTicks.map((tick) => (
            <text key={tick.t} x={x(tick.t)} y={height - 4} textAnchor="middle" className="axis">{TICK_FORMATS[tick.unit].format(tick.t)}</text>
          )) : <text x={pad.l} y={height - 4} className="axis">{formatDateTime(t0)}</text>
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
  const axis = niceTicks(0, Math.max(1, ...bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0))), { intervals: 3, integer: true });
  const max = axis.max;
  const slot = (width - pad.l - pad.r) / Math.max(1, bars.length);
  const y = (v: number) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img">
        {axis.ticks.map((v) => (
          <g key={v}>
            <line x1={pad.l} x2={width - pad.r} y1={y(v)} y2={y(v)} className="grid" />
            <text x={pad.l - 6} y={y(v) + 4} textAnchor="end" className="axis">{v.toLocaleString()}</text>
          </g>
        ))}
        {bars.map((bar, i) => {
          let acc = 0;
          const total = bar.parts.reduce((s, p) => s + p.value, 0);
          return (
            <g key={bar.label}>
              <title>{`${bar.label}: ${plural(total, 'run')}${bar.parts.filter((p) => p.value).map((p) => `, ${p.value} ${p.key.toLowerCase()}`).join('')}`}</title>
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

/**
 * Draws ganttLayout's geometry: step names on the left, bars on a time axis, check markers, a "now" line while
 * running. The chart scrolls both ways inside its box; the time axis stays on top and the step names stay on the
 * left (CSS sticky cells of one grid, so the rows and their names can never drift apart).
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiCheckEvaluation, StepSummary } from '../../api/types.ts';
import { formatDuration } from '../../components/format.ts';
import { StatusDot } from '../../components/StatusBadge.tsx';
import { labelOf, toneColor } from '../../components/status.ts';
import { AXIS_HEIGHT, axisWidth, GANTT_ZOOMS, ganttLayout, ROW_HEIGHT } from './gantt-geometry.ts';

/** The chart's visible height (its max-height in styles.css) and how much is drawn beyond it. */
const VIEW_HEIGHT_PX = 420;
const VIEW_MARGIN_PX = 300;
/** Room for the bars' rounded ends and the last tick's label. */
const BARS_PADDING_PX = 8;
/** How often the bars of running steps are redrawn. */
const LIVE_TICK_MS = 250;

export function GanttChart({ steps, checks, runStartedAt, runEndedAt, activeStep, onSelectStep }: {
  steps: readonly StepSummary[]; checks: readonly ApiCheckEvaluation[]; runStartedAt: number | null; runEndedAt: number | null;
  activeStep: string | null; onSelectStep(key: string | null): void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewWidth, setViewWidth] = useState(800);
  const [zoomIndex, setZoomIndex] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [scrollTop, setScrollTop] = useState(0);
  const isLive = runEndedAt === null && runStartedAt !== null;
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // The bars get what the step names leave of the box.
    const observer = new ResizeObserver(() => setViewWidth(el.clientWidth - (el.querySelector('.gantt-corner')?.clientWidth ?? 220) - 2 * BARS_PADDING_PX));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (!isLive) return;
    const timer = setInterval(() => setNow(Date.now()), LIVE_TICK_MS);
    return () => clearInterval(timer);
  }, [isLive]);

  const zoom = GANTT_ZOOMS[zoomIndex]!;
  const width = axisWidth(viewWidth, zoom);
  // Zooming keeps the moment in the middle of the view where it was.
  const setZoom = (next: number) => {
    const el = scroller.current;
    const to = Math.max(0, Math.min(GANTT_ZOOMS.length - 1, next));
    if (el) {
      const labels = el.clientWidth - viewWidth - 2 * BARS_PADDING_PX;
      const middle = (el.scrollLeft + (el.clientWidth - labels) / 2) / width;
      requestAnimationFrame(() => { el.scrollLeft = middle * axisWidth(viewWidth, GANTT_ZOOMS[to]!) - (el.clientWidth - labels) / 2; });
    }
    setZoomIndex(to);
  };

  const layout = ganttLayout({ steps, checks, runStartedAt, runEndedAt, now: () => now, width });
  // Only the rows in view (plus a margin) are drawn: a run of 1,000 steps stays as quick as one of 20.
  const inView = (y: number) => y >= scrollTop - VIEW_MARGIN_PX && y <= scrollTop + VIEW_HEIGHT_PX + VIEW_MARGIN_PX;
  const rows = layout.rows.filter((row) => inView(row.y));
  const select = (key: string) => onSelectStep(activeStep === key ? null : key);
  return (
    <div className="gantt" ref={scroller} role="figure" aria-label="Steps over time" data-testid="gantt" data-zoom={zoom}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div className="gantt-grid" style={{ gridTemplateColumns: `var(--gantt-labels) ${width + 2 * BARS_PADDING_PX}px` }}>
        <div className="gantt-corner">
          <span>Step</span>
          <span className="spacer" />
          <button type="button" className="btn ghost tiny" aria-label="Zoom out of the timeline" title="Zoom out" disabled={zoomIndex === 0} onClick={() => setZoom(zoomIndex - 1)}>−</button>
          <span className="zoom" aria-live="polite" aria-label={`Zoom ${zoom} times`}>{zoom}×</span>
          <button type="button" className="btn ghost tiny" aria-label="Zoom into the timeline" title="Zoom in" disabled={zoomIndex === GANTT_ZOOMS.length - 1} onClick={() => setZoom(zoomIndex + 1)}>+</button>
        </div>
        <div className="gantt-axis" data-testid="gantt-axis">
          <svg width={width + 2 * BARS_PADDING_PX} height={AXIS_HEIGHT} aria-hidden="true">
            <g transform={`translate(${BARS_PADDING_PX} 0)`}>
              {layout.ticks.map((t) => (
                <g key={t.label}>
                  <line className="tick" x1={t.x} x2={t.x} y1={AXIS_HEIGHT - 5} y2={AXIS_HEIGHT} />
                  <text className="tick-label" x={t.x + 3} y={14}>{t.label}</text>
                </g>
              ))}
              {isLive ? <line className="now" x1={layout.x(now)} x2={layout.x(now)} y1={0} y2={AXIS_HEIGHT} /> : null}
            </g>
          </svg>
        </div>
        <div className="gantt-labels" style={{ height: layout.height }}>
          {rows.map((row) => (
            <div key={row.id} style={{ top: row.y }} className={`gantt-label${row.attempt > 1 ? ' retry' : ''}${activeStep === row.stepKey ? ' active' : ''}`}
              role="button" tabIndex={0} aria-pressed={activeStep === row.stepKey} data-step={row.id}
              onClick={() => select(row.stepKey)}
              onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(row.stepKey); } }}
              title={`${row.stepKey}: ${labelOf(row.status)}${row.reason ? ` (${row.reason})` : ''}`}>
              <StatusDot status={row.status} />
              <span className="name">{row.attempt > 1 ? `attempt ${row.attempt}` : row.stepKey}</span>
            </div>
          ))}
        </div>
        <div className="gantt-bars">
          <svg width={width + 2 * BARS_PADDING_PX} height={layout.height} style={{ display: 'block' }}>
            <g transform={`translate(${BARS_PADDING_PX} 0)`}>
              {layout.ticks.map((t) => <line key={t.label} className="tick" x1={t.x} x2={t.x} y1={0} y2={layout.height} />)}
              {rows.map((row) => row.bar ? (
                <g key={row.id} transform={`translate(0 ${row.y})`} style={{ cursor: 'pointer' }} onClick={() => onSelectStep(row.stepKey)}>
                  <rect x={row.bar.x} y={5} width={row.bar.width} height={ROW_HEIGHT - 10} rx={3}
                    fill={toneColor(row.bar.state === 'retry' ? 'retry' : row.bar.state)} opacity={activeStep && activeStep !== row.stepKey ? 0.35 : 0.9}
                    data-testid={`bar-${row.id}`} data-state={row.bar.state} data-width={row.bar.width.toFixed(1)} data-duration-ms={row.bar.endedAt - row.bar.startedAt}>
                    <title>{`${row.stepKey} · attempt ${row.bar.attempt} · ${labelOf(row.bar.state)} · ${formatDuration(row.bar.endedAt - row.bar.startedAt)}${row.bar.error ? `\n${row.bar.error}` : ''}`}</title>
                  </rect>
                </g>
              ) : (
                <text key={row.id} x={4} y={row.y + 17} className="tick-label">{labelOf(row.status)}{row.reason ? ` · ${row.reason}` : ''}</text>
              ))}
              {layout.markers.filter((m) => inView(m.y)).map((m, i) => (
                <g key={i} transform={`translate(${m.x} ${m.y + ROW_HEIGHT / 2})`}>
                  {/* Passed: a diamond; anything else: a triangle. The shape tells the outcome as well as the colour. */}
                  <path d={m.outcome === 'passed' ? 'M0,-6 L6,0 L0,6 L-6,0 Z' : 'M0,-7 L7,6 L-7,6 Z'}
                    fill={toneColor(m.outcome === 'failed' ? 'check_failed' : m.outcome)} stroke="var(--surface)" strokeWidth={1.5}>
                    <title>{`check ${m.checkName}: ${labelOf(m.outcome).toLowerCase()}`}</title>
                  </path>
                </g>
              ))}
              {isLive ? <line className="now" x1={layout.x(now)} x2={layout.x(now)} y1={0} y2={layout.height} /> : null}
            </g>
          </svg>
        </div>
      </div>
    </div>
  );
}

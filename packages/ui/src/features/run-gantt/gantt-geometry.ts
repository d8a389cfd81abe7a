/**
 * Geometry of a run's Gantt chart: one row per step attempt, bars from start to end on a shared time axis, running
 * attempts reaching the injected clock, check evaluations as markers. Pure: the component only draws these numbers.
 */
import { checkOutcomeOf, type CheckOutcome } from '../../../../weir/src/events/check-outcome.ts';

export interface GanttStep {
  key: string;
  status: string;
  attempts: ReadonlyArray<{ attempt: number; startedAt: number; endedAt?: number; outcome?: 'succeeded' | 'failed' | 'retry' | 'canceled'; error?: string }>;
  reason?: string;
}
export interface GanttCheck {
  assetKey: string;
  checkName: string;
  timestamp: number;
  passed: boolean;
  severity: 'error' | 'warn';
  outcome?: CheckOutcome;
}
export interface GanttInput {
  steps: readonly GanttStep[];
  checks?: readonly GanttCheck[];
  runStartedAt: number | null;
  /** Null while the run goes on: the axis then ends at `now()`. */
  runEndedAt: number | null;
  now: () => number;
  /** Pixels for the time axis. */
  width: number;
  rowHeight?: number;
}

/** `running` for an attempt without an end; `pending` and `skipped` rows have no bar. */
export type BarState = 'succeeded' | 'failed' | 'retry' | 'canceled' | 'running';
export interface GanttBar {
  attempt: number;
  x: number;
  width: number;
  state: BarState;
  startedAt: number;
  endedAt: number;
  error?: string;
}
export interface GanttRow {
  /** `orders` or `orders#2` for a retry's row. */
  id: string;
  stepKey: string;
  /** 1 for the step's first row. */
  attempt: number;
  status: string;
  reason?: string;
  y: number;
  bar: GanttBar | null;
}
export interface GanttMarker {
  stepKey: string;
  checkName: string;
  x: number;
  y: number;
  passed: boolean;
  severity: 'error' | 'warn';
  /** How the check came out (events/check-outcome.ts): the marker's colour and title. */
  outcome: CheckOutcome;
}
export interface GanttLayout {
  start: number;
  end: number;
  rows: GanttRow[];
  markers: GanttMarker[];
  ticks: Array<{ x: number; label: string }>;
  height: number;
  /** Time to x, for anything else drawn on the axis. */
  x(t: number): number;
}

export const ROW_HEIGHT = 26;
/** The time axis above the rows; it stays in view while the rows scroll. */
export const AXIS_HEIGHT = 22;
/** Zoom factors of the time axis: at 1 the run fits the chart's width; above, the chart scrolls sideways. */
export const GANTT_ZOOMS = [1, 2, 4, 8, 16, 32] as const;
/** A bar is never thinner than this, so a 3 ms step is still visible and clickable. */
export const MIN_BAR_WIDTH = 3;
const MIN_SPAN_MS = 100;
const TICK_STEPS_MS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000];

/**
 * @example
 * ganttLayout({ steps: [{ key: 'orders', status: 'running', attempts: [{ attempt: 1, startedAt: 1000 }] }],
 *   runStartedAt: 1000, runEndedAt: null, now: () => 3000, width: 200 }).rows[0].bar
 * // { attempt: 1, x: 0, width: 200, state: 'running', startedAt: 1000, endedAt: 3000 }
 */
export function ganttLayout(input: GanttInput): GanttLayout {
  const rowHeight = input.rowHeight ?? ROW_HEIGHT;
  const now = input.now();
  const starts = input.steps.flatMap((s) => s.attempts.map((a) => a.startedAt));
  const start = input.runStartedAt ?? (starts.length ? Math.min(...starts) : now);
  const ends = input.steps.flatMap((s) => s.attempts.map((a) => a.endedAt ?? input.runEndedAt ?? now));
  // At least 100 ms, so a run of a few milliseconds still has a readable axis.
  const end = Math.max(input.runEndedAt ?? now, ...ends, start + MIN_SPAN_MS);
  const scale = input.width / (end - start);
  const x = (t: number) => (t - start) * scale;

  // Started steps in start order, then the rest in plan order: the chart reads top-left to bottom-right.
  const order = input.steps.map((step, i) => ({ step, i, first: step.attempts[0]?.startedAt ?? Infinity }));
  order.sort((a, b) => a.first - b.first || a.i - b.i);

  const rows: GanttRow[] = [];
  const firstRowOf = new Map<string, GanttRow>();
  for (const { step } of order) {
    const attempts = step.attempts.length ? step.attempts : [null];
    attempts.forEach((attempt, i) => {
      const last = i === attempts.length - 1;
      let bar: GanttBar | null = null;
      if (attempt) {
        const endedAt = attempt.endedAt ?? (input.runEndedAt ?? now);
        const state: BarState = attempt.endedAt === undefined ? (input.runEndedAt === null ? 'running' : 'failed') : attempt.outcome ?? 'succeeded';
        bar = {
          attempt: attempt.attempt, x: x(attempt.startedAt), width: Math.max(MIN_BAR_WIDTH, (endedAt - attempt.startedAt) * scale),
          state, startedAt: attempt.startedAt, endedAt, ...(attempt.error ? { error: attempt.error } : {}),
        };
      }
      const row: GanttRow = {
        id: i === 0 ? step.key : `${step.key}#${attempt?.attempt ?? i + 1}`, stepKey: step.key, attempt: attempt?.attempt ?? 1,
        status: last ? step.status : 'retry', y: rows.length * rowHeight, bar, ...(step.reason && last ? { reason: step.reason } : {}),
      };
      if (i === 0) firstRowOf.set(step.key, row);
      rows.push(row);
    });
  }

  const markers: GanttMarker[] = [];
  for (const check of input.checks ?? []) {
    const row = rows.filter((r) => r.stepKey === check.assetKey && r.bar && r.bar.startedAt <= check.timestamp).pop() ?? firstRowOf.get(check.assetKey);
    if (!row) continue;
    markers.push({ stepKey: check.assetKey, checkName: check.checkName, x: x(check.timestamp), y: row.y, passed: check.passed, severity: check.severity, outcome: checkOutcomeOf(check) });
  }

  return { start, end, rows, markers, ticks: ticks(end - start, x, start, input.width), height: rows.length * rowHeight, x };
}

/** About one tick per 100 px, on a round interval, labelled with the time since the run started. */
function ticks(span: number, x: (t: number) => number, start: number, width: number): GanttLayout['ticks'] {
  const wanted = Math.max(1, Math.floor(width / 100));
  const step = TICK_STEPS_MS.find((s) => span / s <= wanted) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const out: GanttLayout['ticks'] = [];
  for (let t = 0; t <= span; t += step) out.push({ x: x(start + t), label: formatTick(t, step, span) });
  return out;
}

/**
 * One unit along an axis, so labels read as a ruler ('0.45s 0.5s 0.55s', not '450ms 0.5s 550ms'): milliseconds
 * on an axis under a second, seconds with as many decimals as the step needs under a minute, then minutes.
 *
 * @example
 * formatTick(450, 50, 2000) // '0.45s'; formatTick(40, 20, 100) // '40ms'; formatTick(90_000, 30_000, 600_000) // '1m30s'
 */
export function formatTick(t: number, step: number, span: number): string {
  if (span < 1000) return `${Math.round(t)}ms`;
  if (step < 1000) return `${(t / 1000).toFixed(step % 100 ? 2 : 1)}s`;
  return formatOffset(t);
}

/**
 * Pixels for the time axis at a zoom factor: never narrower than `minWidth`, so a phone still shows readable bars.
 *
 * @example
 * axisWidth(800, 1) // 800; axisWidth(800, 4) // 3200; axisWidth(120, 1) // 320
 */
export function axisWidth(viewWidth: number, zoom: number, minWidth = 320): number {
  return Math.round(Math.max(minWidth, viewWidth) * zoom);
}

/**
 * @example
 * formatOffset(1500) // '1.5s'; formatOffset(90_000) // '1m30s'; formatOffset(0) // '0s'; formatOffset(40) // '40ms'
 */
export function formatOffset(ms: number): string {
  if (ms > 0 && ms < 1000 && ms % 100) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms % 1000 ? 1 : 0))}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}

/**
 * The tick decider: given a schedule, what is stored about it and the clock, which ticks to launch and which to skip
 * (and why). Pure: no I/O, no Date.now(); the schedule loop records and acts on what it returns.
 */
import type { CatchupPolicy, ScheduleDefinition } from '../definitions/schedule.js';
import { compileCron } from '../shared/cron.js';

/** What the decider needs from the store: the cursor and the switch. */
export interface ScheduleCursor {
  paused: boolean;
  /** Every tick at or before this instant has been decided; absent for a schedule never evaluated. */
  cursorMs?: number;
}

export interface SkippedTick {
  tickMs: number;
  reason: string;
}

export interface TickDecisions {
  /** Ticks to launch, oldest first. */
  launch: number[];
  /** Ticks not launched, oldest first, each with why. */
  skipped: SkippedTick[];
  /** The new cursor: store it with the ticks, so no tick is decided twice. */
  cursorMs: number;
  /**
   * More ticks were missed before the first one listed (over MAX_TICKS_PER_DECISION of them, e.g. a minutely
   * schedule after a month of downtime): they are skipped without a record each.
   */
  olderMissed: boolean;
}

/** At most this many ticks are listed per decision: what a catch-up may record, whatever the downtime. */
export const MAX_TICKS_PER_DECISION = 1000;
/**
 * With `catchup: 'skip'`, a tick is still run when the pass that sees it comes at most this late: passes run every
 * second or so, but a busy machine or a slow pass must not turn an on-time tick into a missed one.
 */
export const ON_TIME_WINDOW_MS = 60_000;

/**
 * Decides the ticks of one schedule at `nowMs`. A schedule seen for the first time starts now (no tick from the
 * past). A paused schedule launches nothing and moves its cursor on: its ticks are not caught up on resume.
 *
 * @example
 * // 0 6 * * * in UTC, last decided yesterday at 06:00, now 06:00:00.4 today
 * decideScheduleTicks(daily, { paused: false, cursorMs: Date.parse('2026-03-01T06:00:00Z') }, Date.parse('2026-03-02T06:00:00.400Z'))
 * // { launch: [Date.parse('2026-03-02T06:00:00Z')], skipped: [], cursorMs: Date.parse('2026-03-02T06:00:00.400Z'), olderMissed: false }
 */
export function decideScheduleTicks(
  schedule: Pick<ScheduleDefinition, 'cron' | 'timezone' | 'catchup'>, state: ScheduleCursor | undefined, nowMs: number,
): TickDecisions {
  const none = { launch: [], skipped: [], cursorMs: nowMs, olderMissed: false };
  if (state?.cursorMs === undefined || state.paused) return none;
  // A clock that went back (NTP, a restored VM): keep the cursor, decide nothing until the clock passes it again.
  if (state.cursorMs >= nowMs) return { ...none, cursorMs: state.cursorMs };
  const { ticks, olderMissed } = dueTicks(schedule, state.cursorMs, nowMs);
  return { ...applyCatchup(schedule.catchup, ticks, nowMs, olderMissed), cursorMs: nowMs, olderMissed };
}

/** Ticks in (afterMs, nowMs], oldest first: the latest MAX_TICKS_PER_DECISION when there are more. */
function dueTicks(schedule: Pick<ScheduleDefinition, 'cron' | 'timezone'>, afterMs: number, nowMs: number): { ticks: number[]; olderMissed: boolean } {
  const cron = compileCron(schedule.cron, schedule.timezone);
  const ticks: number[] = [];
  // The common pass: one nextRun() call, answering "nothing yet".
  for (let next = cron.nextRun(new Date(afterMs)); next && next.getTime() <= nowMs; next = cron.nextRun(next)) {
    if (ticks.length === MAX_TICKS_PER_DECISION) {
      // Too many to list: the latest ones matter (what catch-up runs), found backwards from now.
      const latest = cron.previousRuns(MAX_TICKS_PER_DECISION, new Date(nowMs + 1)).map((d) => d.getTime()).filter((t) => t > afterMs);
      return { ticks: latest.reverse(), olderMissed: true };
    }
    ticks.push(next.getTime());
  }
  return { ticks, olderMissed: false };
}

function applyCatchup(catchup: CatchupPolicy, ticks: number[], nowMs: number, olderMissed: boolean): Pick<TickDecisions, 'launch' | 'skipped'> {
  if (!ticks.length) return { launch: [], skipped: [] };
  const latest = ticks[ticks.length - 1]!;
  if (catchup === 'skip') {
    const onTime = nowMs - latest <= ON_TIME_WINDOW_MS ? [latest] : [];
    const missed = ticks.filter((t) => !onTime.includes(t));
    return { launch: onTime, skipped: missed.map((tickMs) => ({ tickMs, reason: 'missed while no Weir process ran (catchup: skip)' })) };
  }
  const keep = catchup === 'latest' ? 1 : catchup.all;
  const launch = ticks.slice(-keep);
  const reason = catchup === 'latest'
    ? `superseded by the tick at ${new Date(latest).toISOString()} (catchup: latest runs only the latest missed tick)`
    : `more than ${keep} missed ticks${olderMissed ? ' (and older ones not listed)' : ''} (catchup: { all: ${keep} } runs the latest ${keep})`;
  return { launch, skipped: ticks.slice(0, -keep).map((tickMs) => ({ tickMs, reason })) };
}


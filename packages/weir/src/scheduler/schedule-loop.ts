/** The schedule loop: each pass decides every schedule's ticks, records them, then launches the due ones. */
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { ScheduleDefinition } from '../definitions/schedule.js';
import { errorMessage } from '../shared/errors.js';
import { launchScheduleTick } from '../engine/schedule-launch.js';
import type { ScheduleState } from '../storage/storage.js';
import type { AutomationDeps } from './automation-deps.js';
import { decideScheduleTicks } from './schedule-ticks.js';

/** A pass a second: a tick starts its run within about a second of its time, and a pass with nothing due is one nextRun() per schedule. */
export const SCHEDULE_LOOP_INTERVAL_MS = 1000;

/** What the loop uses of the host's AutomationDeps. */
export type ScheduleLoopDeps = Pick<AutomationDeps, 'project' | 'storage' | 'launcher' | 'log'>;

/** Why a LAUNCHING tick found at start is not launched again. */
export const INTERRUPTED_TICK_REASON = 'the process stopped after recording this tick and before starting its run; not started again, so that it never runs twice';

/**
 * @example
 * const loop = createScheduleLoop(deps);
 * await loop.runOnce(Date.parse('2026-03-01T05:00:00.300Z'), signal) // starts the 06:00 Brussels run of monthly_report
 */
export function createScheduleLoop(deps: ScheduleLoopDeps, options: { intervalMs?: number } = {}): BackgroundLoop {
  let recovered = false;
  return {
    name: 'schedules',
    intervalMs: options.intervalMs ?? SCHEDULE_LOOP_INTERVAL_MS,
    async runOnce(nowMs, signal) {
      const { definitions } = deps.project();
      const project = definitions.project.name;
      const schedules = definitions.schedules ?? [];
      if (!recovered) {
        await failInterruptedTicks(deps, project, nowMs);
        recovered = true;
      }
      if (!schedules.length) return;
      const states = new Map((await deps.storage.schedules.listStates(project)).map((s) => [s.name, s]));
      for (const schedule of schedules) {
        if (signal.aborted) return;
        try {
          await passSchedule(deps, schedule, states.get(schedule.name), nowMs);
        } catch (error) {
          // One schedule's storage or launch trouble must not stop the others.
          deps.log({ level: 'error', loop: 'schedules', message: `schedule '${schedule.name}': ${errorMessage(error)}`, fields: { schedule: schedule.name } });
        }
      }
    },
  };
}

async function passSchedule(deps: ScheduleLoopDeps, schedule: ScheduleDefinition, state: ScheduleState | undefined, nowMs: number): Promise<void> {
  const { definitions } = deps.project();
  const project = definitions.project.name;
  const cursor = state && { paused: state.paused, ...(state.cursorMs === null ? {} : { cursorMs: state.cursorMs }) };
  const decisions = decideScheduleTicks(schedule, cursor, nowMs);
  const decided = decisions.launch.length + decisions.skipped.length;
  // Nothing due (nearly every pass) or paused: no write. The stored cursor stays behind now, which changes nothing:
  // no tick lies between it and now. A schedule seen for the first time gets its cursor, so catch-up counts from here.
  if (state && state.cursorMs !== null && !decided) return;
  const ticks = [
    ...decisions.skipped.map((s) => ({ tickAt: s.tickMs, status: 'SKIPPED' as const, reason: s.reason })),
    ...decisions.launch.map((tickAt) => ({ tickAt, status: 'LAUNCHING' as const })),
  ];
  // Recorded before anything starts: a crash after this line leaves LAUNCHING ticks, never a tick launched twice.
  const recorded = await deps.storage.schedules.recordDecisions(project, schedule.name, state?.cursorMs ?? null, decisions.cursorMs, ticks, nowMs);
  if (!recorded) {
    deps.log({ level: 'warn', loop: 'schedules', message: `schedule '${schedule.name}': another process decided these ticks first; not launching them here`, fields: { schedule: schedule.name } });
    return;
  }
  if (decisions.olderMissed) {
    deps.log({ level: 'warn', loop: 'schedules', message: `schedule '${schedule.name}': more than ${decided} ticks were missed; only the latest ${decided} are recorded`, fields: { schedule: schedule.name } });
  }
  for (const tick of recorded.filter((t) => t.status === 'LAUNCHING')) {
    const result = await launchScheduleTick({ definitions, storage: deps.storage, launcher: deps.launcher }, schedule, tick, nowMs);
    const when = new Date(tick.tickAt).toISOString();
    deps.log(result.status === 'SUBMITTED'
      ? { level: 'info', loop: 'schedules', message: `schedule '${schedule.name}' tick ${when}: started run ${result.run.runId.slice(0, 8)}`, fields: { schedule: schedule.name, tick: when, runId: result.run.runId } }
      : { level: 'error', loop: 'schedules', message: `schedule '${schedule.name}' tick ${when}: ${result.reason}`, fields: { schedule: schedule.name, tick: when } });
  }
}

/**
 * LAUNCHING ticks left by a process that stopped mid-launch: recorded FAILED, never launched (it may have started).
 * Done at the first pass only: a pass awaits its own launches, and the automation lease keeps other processes out.
 */
async function failInterruptedTicks(deps: ScheduleLoopDeps, project: string, nowMs: number): Promise<void> {
  const stale = await deps.storage.schedules.listTicks(project, { statuses: ['LAUNCHING'], limit: 1000 });
  for (const tick of stale) {
    if (tick.source !== 'CRON') continue;
    await deps.storage.schedules.completeTick(tick.id, { status: 'FAILED', reason: INTERRUPTED_TICK_REASON }, nowMs);
    deps.log({ level: 'warn', loop: 'schedules', message: `schedule '${tick.schedule}' tick ${new Date(tick.tickAt).toISOString()}: ${INTERRUPTED_TICK_REASON}`, fields: { schedule: tick.schedule } });
  }
}

/**
 * Starting the run of a schedule's tick and recording how it went: shared by the schedule loop (cron ticks) and the
 * server ("run now"), so both tag runs alike and a failed launch raises the same alert.
 */
import type { Definitions } from '../definitions/definitions.js';
import type { ScheduleDefinition } from '../definitions/schedule.js';
import type { Run } from '../events/index.js';
import { errorMessage } from '../shared/errors.js';
import type { ScheduleTick, Storage } from '../storage/storage.js';
import { projectRedactor } from './launch-run.js';
import type { LaunchRequest, RunLauncher } from './run-launcher.js';

/** Tags every run a schedule starts carries, so runs can be filtered by schedule and the UI links them. */
export const SCHEDULE_TAG = 'weir/schedule';
export const TICK_TAG = 'weir/tick';

/**
 * The run of one tick: the schedule's selection, trigger 'schedule', its tags plus `weir/schedule` and `weir/tick`.
 *
 * @example
 * scheduleLaunchRequest(monthly, Date.parse('2026-03-01T05:00:00Z'))
 * // { select: 'tag:monthly', trigger: 'schedule', tags: { team: 'shop', 'weir/schedule': 'monthly_report', 'weir/tick': '2026-03-01T05:00:00.000Z' } }
 */
export function scheduleLaunchRequest(schedule: ScheduleDefinition, tickMs: number): LaunchRequest {
  // merge: partitions — for a selection of partitioned assets, a tick maps to the partition key of the period that
  // just ended (the 06:00 tick of 1 March runs partition '2025-02' of a monthly definition): add `partition` here.
  return {
    select: typeof schedule.select === 'string' ? schedule.select : [...schedule.select],
    trigger: 'schedule',
    tags: { ...schedule.tags, [SCHEDULE_TAG]: schedule.name, [TICK_TAG]: new Date(tickMs).toISOString() },
  };
}

export interface LaunchTickDeps {
  definitions: Definitions;
  storage: Pick<Storage, 'schedules' | 'alerts'>;
  launcher: RunLauncher;
}

/** How a tick's launch ended. */
export type TickLaunchResult = { status: 'SUBMITTED'; run: Run } | { status: 'FAILED'; reason: string };

/**
 * Launches a recorded LAUNCHING tick and records the outcome on it. A launch that throws is recorded FAILED with the
 * first line of the error (secrets masked) and raises a SCHEDULE_ERRORED alert signal; the next tick that starts its
 * run resolves that alert.
 *
 * @example
 * const [tick] = await storage.schedules.recordDecisions('shop', 'daily', cursor, now, [{ tickAt, status: 'LAUNCHING' }], now);
 * await launchScheduleTick(deps, schedule, tick, now) // { status: 'SUBMITTED', run: { runId: 'r1', … } }
 */
export async function launchScheduleTick(deps: LaunchTickDeps, schedule: ScheduleDefinition, tick: ScheduleTick, nowMs: number): Promise<TickLaunchResult> {
  const project = deps.definitions.project.name;
  const problemKey = `schedule:${schedule.name}`;
  const tickIso = new Date(tick.tickAt).toISOString();
  let run: Run;
  try {
    run = await deps.launcher.launch(scheduleLaunchRequest(schedule, tick.tickAt));
  } catch (error) {
    const reason = projectRedactor(deps.definitions)(errorMessage(error).split('\n')[0]!);
    await deps.storage.schedules.completeTick(tick.id, { status: 'FAILED', reason }, nowMs);
    await deps.storage.alerts.recordSignal({
      kind: 'SCHEDULE_ERRORED', project, subject: schedule.name, problemKey, timestamp: nowMs,
      message: `schedule '${schedule.name}': the tick at ${tickIso} could not start its run: ${reason}`,
      details: { tickAt: tickIso, cron: schedule.cron, timezone: schedule.timezone },
    });
    return { status: 'FAILED', reason };
  }
  await deps.storage.schedules.completeTick(tick.id, { status: 'SUBMITTED', runId: run.runId }, nowMs);
  // The tick before this one failed: the problem is over (the router sends "resolved" once).
  const [, previous] = await deps.storage.schedules.listTicks(project, { schedule: schedule.name, statuses: ['SUBMITTED', 'FAILED'], limit: 2 });
  if (previous?.status === 'FAILED') {
    await deps.storage.alerts.recordSignal({
      kind: 'SCHEDULE_ERRORED', project, subject: schedule.name, problemKey, timestamp: nowMs, resolved: true, runId: run.runId,
      message: `schedule '${schedule.name}': the tick at ${tickIso} started run ${run.runId.slice(0, 8)}`,
    });
  }
  return { status: 'SUBMITTED', run };
}

/**
 * A run's page state (`RunDetail`, as GET /api/runs/:id answers it) brought up to date with the run's events as the
 * stream delivers them, so a live run is read once and not again after each step (a 1,000-step run is ~276 KB a read).
 *
 * The steps and the run's status come from the ONE fold of a run's events (packages/weir/src/events/run-fold.ts),
 * the same the server's summary uses: the page cannot say anything the API would not. The snapshot says which
 * events it holds (`lastEventId`), so applying events it already has changes nothing, and the stream may repeat
 * events around a reconnect. An event whose predecessor is missing sets `hasGap`: the page then reads the run again.
 * This file adds only what the page lists beside the steps: materializations, checks and inputs read, by event id.
 */
import type { ApiEventRecord, RunDetail } from '../../api/types.ts';
import { applyRunEvents as foldEvents, type RunState } from '../../../../weir/src/events/run-fold.ts';
import type { EventRecord } from '../../../../weir/src/events/run-event.ts';

export interface AppliedEvents {
  /** The same object when nothing changed (React then skips the render). */
  detail: RunDetail;
  /** Some event did not fit the state: read the run again. */
  hasGap: boolean;
}

/**
 * @example
 * const { detail, hasGap } = applyRunEvents(snapshot, [
 *   { id: 41, type: 'STEP_START', stepKey: 'orders', timestamp: 1000, data: { attempt: 1, kind: 'asset' }, … },
 *   { id: 44, type: 'STEP_SUCCESS', stepKey: 'orders', timestamp: 1250, data: { attempt: 1, durationMs: 250 }, … },
 * ]);
 * detail.steps[0] // { key: 'orders', status: 'succeeded', startedAt: 1000, endedAt: 1250, durationMs: 250, attempts: [{ attempt: 1, … outcome: 'succeeded' }], … }
 * hasGap          // false
 */
export function applyRunEvents(detail: RunDetail, events: readonly ApiEventRecord[]): AppliedEvents {
  const fresh = events.filter((e) => e.id > detail.lastEventId && e.type !== 'LOG');
  if (!fresh.length) return { detail, hasGap: false };
  const { run } = detail;
  const before: RunState = { status: run.status, startedAt: run.startedAt, endedAt: run.endedAt, steps: detail.steps, lastEventId: detail.lastEventId, hasGap: false };
  // The API's event type is the stored one, read back from JSON (EventRecord extends ApiEventRecord).
  const after = foldEvents(before, fresh as readonly ApiEventRecord[] as readonly EventRecord[]);

  let { materializations, checks, observations } = detail;
  const stored = (event: ApiEventRecord) => ({ eventId: event.id, runId: event.runId, project: event.project, timestamp: event.timestamp });
  for (const event of fresh) {
    // The snapshot's lists are read beside its events, so one may already hold an event newer than lastEventId.
    if (event.type === 'ASSET_MATERIALIZATION' && !materializations.some((m) => m.eventId === event.id)) materializations = [...materializations, { ...event.data, ...stored(event) }];
    else if (event.type === 'ASSET_CHECK_EVALUATION' && !checks.some((c) => c.eventId === event.id)) checks = [...checks, { ...event.data, ...stored(event) }];
    else if (event.type === 'ASSET_OBSERVATION' && !observations.some((o) => o.eventId === event.id)) observations = [...observations, { ...event.data, ...stored(event) }];
  }
  const isRunChanged = after.status !== run.status || after.startedAt !== run.startedAt || after.endedAt !== run.endedAt;
  return {
    detail: {
      ...detail,
      run: isRunChanged ? { ...run, status: after.status, startedAt: after.startedAt, endedAt: after.endedAt } : run,
      steps: after.steps, lastEventId: after.lastEventId, materializations, checks, observations,
    },
    hasGap: after.hasGap,
  };
}

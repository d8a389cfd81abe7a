/** Writes one new run: its row, its links to the assets it plans, and its RUN_ENQUEUED event; the caller supplies the transaction. */
import type { Kysely } from 'kysely';
import { EventType, RunStatus, type NewRun, type Run } from '../../events/index.js';
import { insertEvent } from './insert-event.js';
import { PARTITION_TAG } from '../../definitions/partitions.js';
import type { WeirDb } from './weir-db.js';

/**
 * What RunStore.createRun does, inside a transaction the caller opens: so bulk loaders (the runs benchmark) write
 * runs exactly as Weir does, many to a transaction.
 *
 * @example
 * await db.transaction().execute(async (trx) => { for (const run of runs) await insertRun(trx, run); })
 * // insert into "runs" …; insert into "run_assets" …; insert into "events" … (RUN_ENQUEUED), per run
 */
export async function insertRun(trx: Kysely<WeirDb>, newRun: NewRun): Promise<Run> {
  const run: Run = {
    runId: newRun.runId,
    project: newRun.project,
    status: RunStatus.QUEUED,
    trigger: newRun.trigger,
    selection: newRun.selection,
    stepKeys: [...newRun.stepKeys],
    parentRunId: newRun.parentRunId ?? null,
    rootRunId: newRun.rootRunId ?? null,
    tags: { ...(newRun.tags ?? {}) },
    createdAt: newRun.createdAt,
    startedAt: null,
    endedAt: null,
  };
  await trx.insertInto('runs').values({
    run_id: run.runId,
    project: run.project,
    status: run.status,
    trigger: run.trigger,
    selection: run.selection,
    step_keys: JSON.stringify(run.stepKeys),
    parent_run_id: run.parentRunId,
    root_run_id: run.rootRunId,
    tags: JSON.stringify(run.tags),
    created_at: run.createdAt,
  }).execute();
  const assetKeys = [...new Set(run.stepKeys)];
  if (assetKeys.length > 0) {
    await trx.insertInto('run_assets')
      .values(assetKeys.map((assetKey) => ({
        run_id: run.runId, project: run.project, asset_key: assetKey, created_at: run.createdAt, status: run.status,
        // The run's partition (its weir/partition tag), for the per-partition status of partitioned assets.
        partition: run.tags[PARTITION_TAG] ?? null,
      })))
      .execute();
  }
  await insertEvent(trx, {
    runId: run.runId,
    project: run.project,
    type: EventType.RUN_ENQUEUED,
    stepKey: null,
    timestamp: run.createdAt,
    message: `Run queued (${run.trigger})`,
    data: {},
  });
  return run;
}

/** Writes one event and the state derived from it; the caller supplies the transaction. */
import { CompiledQuery, type Kysely } from 'kysely';
import { EventType, RunStatus, type EventRecord, type NewEvent } from '../../events/index.js';
import { stringifyJson } from '../../shared/json.js';
import { eventRecord, plainInsertChunks, plainInsertSql, withStorableMessage, type PlaceholderStyle } from './plain-event-insert.js';
import type { WeirDb } from './weir-db.js';

/**
 * Inserts `event` into `events` and applies what it means to the derived tables: run status and times for RUN_*
 * events, and a row in materializations / observations / check_evaluations for asset events.
 * Must run inside a transaction (`trx`), so the event and its effects commit together or not at all.
 *
 * Inserts the event first: on SQLite the first statement takes the write lock, so no other writer can slip in
 * between reading and writing (there is no read in here at all).
 *
 * @example
 * await db.transaction().execute((trx) => insertEvent(trx, { type: 'RUN_START', runId, ... }))
 * // insert into "events" ... returning "id"; update "runs" set "status" = 'STARTED', "started_at" = ? where "run_id" = ?
 * // -> { id: 42, type: 'RUN_START', runId, ... }
 */
export async function insertEvent(trx: Kysely<WeirDb>, newEvent: NewEvent): Promise<EventRecord> {
  const event = withStorableMessage(newEvent);
  const data = stringifyJson(event.data);
  // RETURNING is portable (SQLite >= 3.35, PostgreSQL); insertId is not (PostgreSQL has none).
  const inserted = await trx.insertInto('events')
    .values({
      run_id: event.runId,
      project: event.project,
      step_key: event.stepKey,
      type: event.type,
      timestamp: event.timestamp,
      message: event.message,
      data,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // libsql hands back bigint, pg a string for BIGINT: the rest of Weir sees a number.
  const id = Number(inserted.id);

  switch (event.type) {
    case EventType.RUN_START:
      await trx.updateTable('runs').set({ status: RunStatus.STARTED, started_at: event.timestamp })
        .where('run_id', '=', event.runId).execute();
      await setRunAssetsStatus(trx, event.runId, RunStatus.STARTED);
      break;
    case EventType.RUN_SUCCESS:
    case EventType.RUN_FAILURE:
    case EventType.RUN_CANCELED:
      await trx.updateTable('runs').set({ status: FINAL_STATUS[event.type], ended_at: event.timestamp })
        .where('run_id', '=', event.runId).execute();
      await setRunAssetsStatus(trx, event.runId, FINAL_STATUS[event.type]);
      break;
    case EventType.RUN_CANCELING:
      await trx.updateTable('runs').set({ status: RunStatus.CANCELING }).where('run_id', '=', event.runId).execute();
      await setRunAssetsStatus(trx, event.runId, RunStatus.CANCELING);
      break;
    case EventType.ASSET_MATERIALIZATION:
      await trx.insertInto('materializations').values({
        event_id: id,
        run_id: event.runId,
        project: event.project,
        asset_key: event.data.assetKey,
        timestamp: event.timestamp,
        data_version: event.data.dataVersion,
        data,
        partition: event.data.partition ?? null,
      }).execute();
      await linkRunToAsset(trx, event.runId, event.data.assetKey);
      break;
    case EventType.ASSET_OBSERVATION:
      await trx.insertInto('observations').values({
        event_id: id,
        run_id: event.runId,
        project: event.project,
        asset_key: event.data.assetKey,
        timestamp: event.timestamp,
        hash: event.data.hash,
        data,
      }).execute();
      await linkRunToAsset(trx, event.runId, event.data.assetKey);
      break;
    case EventType.ASSET_CHECK_EVALUATION:
      await trx.insertInto('check_evaluations').values({
        event_id: id,
        run_id: event.runId,
        project: event.project,
        asset_key: event.data.assetKey,
        check_name: event.data.checkName,
        severity: event.data.severity,
        passed: event.data.passed ? 1 : 0,
        blocking: event.data.blocking ? 1 : 0,
        timestamp: event.timestamp,
        data,
        partition: event.data.partition ?? null,
      }).execute();
      break;
    default:
      // Step and log events change no derived state: the run log and Gantt chart read them from `events`.
      // (An event type handled above must be in WITH_DERIVED_STATE, or append() would write it without a transaction.)
      if (changesDerivedState(event.type)) throw new Error(`insertEvent: ${event.type} is marked as changing derived state but has no case`);
      break;
  }
  return { ...event, id } as EventRecord;
}

/** Each Kysely dialect's placeholder style, found once by compiling one parameter with its own compiler. */
const placeholderStyles = new WeakMap<object, PlaceholderStyle>();

function placeholderStyle(trx: Kysely<WeirDb>): PlaceholderStyle {
  const key = trx.getExecutor().adapter;
  let style = placeholderStyles.get(key);
  if (style === undefined) {
    style = trx.selectFrom('events').select('id').where('id', '=', 0).compile().sql.includes('$1') ? '$' : '?';
    placeholderStyles.set(key, style);
  }
  return style;
}

/**
 * Inserts events that change no derived state (see changesDerivedState) with multi-row INSERTs (plainInsertChunks)
 * and returns their records in the given order. The caller supplies the transaction. `consecutiveInsertIds`: see
 * SqlFlavor.
 *
 * @example
 * await insertPlainEvents(trx, [log1, log2]) // insert into "events" (...) values (?1, …), (?1, …) returning "id"
 * // -> [{ id: 41, …log1 }, { id: 42, …log2 }]
 */
export async function insertPlainEvents(trx: Kysely<WeirDb>, events: readonly NewEvent[], options: { consecutiveInsertIds?: boolean } = {}): Promise<EventRecord[]> {
  for (const event of events) {
    if (changesDerivedState(event.type)) throw new Error(`insertPlainEvents: ${event.type} changes derived state; use insertEvent`);
  }
  const records: EventRecord[] = [];
  const returning = !options.consecutiveInsertIds;
  const style = placeholderStyle(trx);
  for (const chunk of plainInsertChunks(events)) {
    const text = plainInsertSql(style, chunk.events.length) + (returning ? ' returning "id"' : '');
    const result = await trx.executeQuery<{ id: number | bigint | string }>(CompiledQuery.raw(text, chunk.parameters));
    let ids: number[];
    if (returning) {
      // RETURNING gives no order, but one statement takes its ids in VALUES order (a PostgreSQL sequence is drawn
      // row by row): sorted, the ids line up with the rows.
      ids = result.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
    } else {
      const last = Number(result.insertId);
      if (!Number.isSafeInteger(last) || Number(result.numAffectedRows) !== chunk.events.length) {
        throw new Error(`insertPlainEvents: the driver reported ${String(result.numAffectedRows)} rows and last id ${String(result.insertId)} for ${chunk.events.length} rows`);
      }
      ids = chunk.events.map((_, i) => last - chunk.events.length + 1 + i);
    }
    chunk.events.forEach((event, i) => records.push(eventRecord(event, ids[i]!)));
  }
  return records;
}

const WITH_DERIVED_STATE = new Set<string>([
  EventType.RUN_START, EventType.RUN_SUCCESS, EventType.RUN_FAILURE, EventType.RUN_CANCELED, EventType.RUN_CANCELING,
  EventType.ASSET_MATERIALIZATION, EventType.ASSET_OBSERVATION, EventType.ASSET_CHECK_EVALUATION,
]);

/**
 * Whether insertEvent writes more than the event row. An event that does not (step starts and ends, log lines: most
 * of them) is one INSERT, atomic by itself, and needs no transaction around it.
 */
export function changesDerivedState(type: string): boolean {
  return WITH_DERIVED_STATE.has(type);
}

const FINAL_STATUS = {
  [EventType.RUN_SUCCESS]: RunStatus.SUCCESS,
  [EventType.RUN_FAILURE]: RunStatus.FAILURE,
  [EventType.RUN_CANCELED]: RunStatus.CANCELED,
} as const;

/** run_assets.status follows runs.status: a few rows per run, found by the primary key's (run_id, …) prefix. */
async function setRunAssetsStatus(trx: Kysely<WeirDb>, runId: string, status: RunStatus): Promise<void> {
  await trx.updateTable('run_assets').set({ status }).where('run_id', '=', runId).execute();
}

/**
 * A step's key is normally its asset's key, so createRun links a run to its assets up front; this also links an
 * asset that a step materialized or observed under another key (a multi-asset step), so "runs of this asset" finds
 * it. The cast tells PostgreSQL the parameter's type, which it cannot infer in a select list. Copies the run's created_at and status so the link sorts and filters with the run; does nothing if the run is unknown or linked.
 */
async function linkRunToAsset(trx: Kysely<WeirDb>, runId: string, assetKey: string): Promise<void> {
  await trx.insertInto('run_assets')
    .columns(['run_id', 'project', 'asset_key', 'created_at', 'status'])
    .expression((eb) => eb.selectFrom('runs')
      .select((s) => ['run_id', 'project', s.cast<string>(s.val(assetKey), 'text').as('asset_key'), 'created_at', 'status'])
      .where('run_id', '=', runId))
    .onConflict((oc) => oc.columns(['run_id', 'asset_key']).doNothing())
    .execute();
}

/** EventLog over any Kysely<WeirDb>: appends events with their derived state, and reads events and asset history. */
import { sql, type Kysely } from 'kysely';
import type { EventRecord, NewEvent } from '../../events/index.js';
import type {
  EventLog, EventQuery, EventsAfterPage, EventsAfterQuery, HistoryQuery, PartitionRecord, StoredCheckEvaluation, StoredMaterialization, StoredObservation,
} from '../storage.js';
import { changesDerivedState, insertEvent, insertPlainEvents } from './insert-event.js';
import { latestPartitionMaterialization, partitionRecords } from './partition-records.js';
import { toEventRecord, toStoredCheckEvaluation, toStoredMaterialization, toStoredObservation } from './row-mappers.js';
import type { WeirDb } from './weir-db.js';

/** How a backend tunes the shared event log. */
export interface SqlEventLogOptions {
  consecutiveInsertIds?: boolean;
  appendNow?: (events: readonly NewEvent[]) => EventRecord[] | undefined;
}

/** eventsAfter's page size when the caller gives none. */
const DEFAULT_EVENTS_AFTER_LIMIT = 1000;

/*
 * "Latest" means the highest event id, not the highest timestamp: ids are unique and strictly increasing in append
 * order, while two events can share a millisecond (or come from hosts with skewed clocks).
 */

/**
 * The event log shared by every SQL backend.
 *
 * @example
 * const events = new SqlEventLog(db);
 * const record = await events.append({ runId, project: 'shop', type: 'RUN_START', stepKey: null, timestamp: Date.now(),
 *   message: 'Run started', data: { stepKeys: ['orders'], concurrency: 4 } });
 * record.id // 2: the run's status is now STARTED
 */
export class SqlEventLog implements EventLog {
  /** `options.consecutiveInsertIds`: see SqlFlavor. `options.appendNow`: the backend's synchronous append, if it has one. */
  constructor(private readonly db: Kysely<WeirDb>, private readonly options: SqlEventLogOptions = {}) {
    if (options.appendNow) this.appendBatchNow = options.appendNow;
  }

  appendBatchNow?: (events: readonly NewEvent[]) => EventRecord[] | undefined;

  append(event: NewEvent): Promise<EventRecord> {
    // One INSERT is atomic by itself: BEGIN and COMMIT only when derived tables change with it (a run of 1,000 steps
    // appends ~2,000 step events that way, four statements fewer each).
    if (!changesDerivedState(event.type)) return insertEvent(this.db, event);
    return this.db.transaction().execute((trx) => insertEvent(trx, event));
  }

  async appendBatch(events: readonly NewEvent[]): Promise<EventRecord[]> {
    if (events.length <= 1) return events.length ? [await this.append(events[0]!)] : [];
    return this.db.transaction().execute(async (trx) => {
      const records: EventRecord[] = [];
      // Consecutive events without derived state (log lines, step events) go in multi-row INSERTs; the others one by
      // one with their derived rows, where they fall, so ids follow the given order.
      let plain: NewEvent[] = [];
      for (const event of events) {
        if (!changesDerivedState(event.type)) {
          plain.push(event);
          continue;
        }
        if (plain.length) records.push(...await insertPlainEvents(trx, plain, this.options));
        plain = [];
        records.push(await insertEvent(trx, event));
      }
      if (plain.length) records.push(...await insertPlainEvents(trx, plain, this.options));
      return records;
    });
  }

  async eventsForRun(runId: string, query: EventQuery = {}): Promise<EventRecord[]> {
    const { afterId, types, stepKey, limit } = query;
    const rows = await this.db.selectFrom('events').selectAll()
      .where('run_id', '=', runId)
      .$if(afterId !== undefined, (qb) => qb.where('id', '>', afterId as number))
      // An empty list of types selects nothing, like `in ()` would if SQL allowed it.
      .$if(types !== undefined, (qb) => (types!.length === 0 ? qb.where((eb) => eb.val(1), '=', 0) : qb.where('type', 'in', types!)))
      .$if(stepKey !== undefined, (qb) => qb.where('step_key', '=', stepKey as string))
      .orderBy('id')
      .$if(limit !== undefined, (qb) => qb.limit(limit as number))
      .execute();
    return rows.map(toEventRecord);
  }

  /*
   * No index on (project, id): the primary key already orders events by id, a live view's afterId is recent, so
   * the range it reads is small, and every index on `events` slows the hottest write of all (one per log line).
   *
   * `nextAfterId` may move past events that did not match: `max(id)` is read first, and only events up to it are
   * read. On SQLite that is exact, because writers hold the write lock from BEGIN (IMMEDIATE) to COMMIT, so ids
   * commit in order: every id <= max(id) is already visible. A backend whose ids can commit out of order
   * (PostgreSQL sequences) must hold the cursor back to its oldest open transaction instead.
   */
  async eventsAfter(afterId: number, query: EventsAfterQuery = {}): Promise<EventsAfterPage> {
    const { project, runId, types } = query;
    const limit = query.limit ?? DEFAULT_EVENTS_AFTER_LIMIT;
    const upTo = await this.lastEventId();
    if (upTo <= afterId) return { events: [], nextAfterId: afterId };
    if (types?.length === 0) return { events: [], nextAfterId: upTo };
    const rows = await this.db.selectFrom('events').selectAll()
      .where('id', '>', afterId).where('id', '<=', upTo)
      .$if(project !== undefined, (qb) => qb.where('project', '=', project as string))
      .$if(runId !== undefined, (qb) => qb.where('run_id', '=', runId as string))
      .$if(types !== undefined, (qb) => qb.where('type', 'in', types!))
      .orderBy('id')
      .limit(limit)
      .execute();
    const events = rows.map(toEventRecord);
    // A full page may stop short of upTo: resume after its last event. Otherwise everything up to upTo was examined.
    return { events, nextAfterId: events.length === limit ? events[events.length - 1]!.id : upTo };
  }

  async lastEventId(): Promise<number> {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id === null || row?.id === undefined ? 0 : Number(row.id);
  }

  async latestMaterializations(project: string, assetKeys?: string[]): Promise<Map<string, StoredMaterialization>> {
    if (assetKeys?.length === 0) return new Map();
    // Every step of every run adds a row here, so "latest per asset" must not read the history: each asset's
    // max(event_id) is one descent of the (project, asset_key, event_id) index. Without a key list, the keys
    // themselves are found by a recursive "loose index scan" (one descent per distinct key), because GROUP BY
    // would read all rows: 40 ms at 300k materializations against well under 1 ms this way.
    const latestIds = assetKeys === undefined
      ? sql<{ id: number }>`
          with recursive asset_keys(asset_key) as (
            select min(asset_key) from materializations where project = ${project}
            union all
            select (select min(m.asset_key) from materializations m where m.project = ${project} and m.asset_key > k.asset_key)
            from asset_keys k where k.asset_key is not null
          )
          select (select max(m.event_id) from materializations m where m.project = ${project} and m.asset_key = k.asset_key) as id
          from asset_keys k where k.asset_key is not null`
      : sql<{ id: number }>`
          select (select max(m.event_id) from materializations m where m.project = ${project} and m.asset_key = k.column1) as id
          from (values ${sql.join([...new Set(assetKeys)].map((key) => sql`(${key})`))}) as k`;
    const rows = await this.db.selectFrom('materializations').selectAll()
      .where('event_id', 'in', sql<number>`(${latestIds})`)
      .execute();
    return new Map(rows.map((row) => [row.asset_key, toStoredMaterialization(row)]));
  }

  async materializationHistory(project: string, assetKey: string, query: HistoryQuery = {}): Promise<StoredMaterialization[]> {
    const { limit, beforeEventId } = query;
    // The (project, asset_key, event_id) index gives the page newest first, from the cursor, without a sort.
    const rows = await this.db.selectFrom('materializations').selectAll()
      .where('project', '=', project).where('asset_key', '=', assetKey)
      .$if(beforeEventId !== undefined, (qb) => qb.where('event_id', '<', beforeEventId as number))
      .orderBy('event_id', 'desc')
      .$if(limit !== undefined, (qb) => qb.limit(limit as number))
      .execute();
    return rows.map(toStoredMaterialization);
  }

  async latestObservations(project: string, assetKeys?: string[]): Promise<Map<string, StoredObservation>> {
    if (assetKeys?.length === 0) return new Map();
    const rows = await this.db.selectFrom('observations').selectAll()
      .where('event_id', 'in', (eb) => eb.selectFrom('observations').select((s) => s.fn.max('event_id').as('id'))
        .where('project', '=', project)
        .$if(assetKeys !== undefined, (qb) => qb.where('asset_key', 'in', assetKeys!))
        .groupBy('asset_key'))
      .execute();
    return new Map(rows.map((row) => [row.asset_key, toStoredObservation(row)]));
  }

  async latestCheckEvaluations(project: string, assetKeys?: string[]): Promise<Map<string, StoredCheckEvaluation>> {
    if (assetKeys?.length === 0) return new Map();
    // As latestMaterializations, a loose index scan of (project, asset_key, check_name, event_id): the asset keys,
    // then each asset's check names, one index descent each, then each check's max(event_id). GROUP BY read every
    // evaluation ever recorded: ~40 ms at 100,000 runs, on every asset, check and home page.
    const assets = assetKeys === undefined
      ? sql`
          a(asset_key) as (
            select min(asset_key) from check_evaluations where project = ${project}
            union all
            select (select min(e.asset_key) from check_evaluations e where e.project = ${project} and e.asset_key > a.asset_key)
            from a where a.asset_key is not null
          )`
      : sql`a(asset_key) as (values ${sql.join([...new Set(assetKeys)].map((key) => sql`(${key})`))})`;
    const latestIds = sql<{ id: number }>`
      with recursive ${assets},
      c(asset_key, check_name) as (
        select a.asset_key, (select min(e.check_name) from check_evaluations e where e.project = ${project} and e.asset_key = a.asset_key)
        from a where a.asset_key is not null
        union all
        select c.asset_key, (select min(e.check_name) from check_evaluations e where e.project = ${project} and e.asset_key = c.asset_key and e.check_name > c.check_name)
        from c where c.check_name is not null
      )
      select (select max(e.event_id) from check_evaluations e where e.project = ${project} and e.asset_key = c.asset_key and e.check_name = c.check_name) as id
      from c where c.check_name is not null`;
    const rows = await this.db.selectFrom('check_evaluations').selectAll()
      .where('event_id', 'in', sql<number>`(${latestIds})`)
      .execute();
    return new Map(rows.map((row) => [`${row.asset_key}:${row.check_name}`, toStoredCheckEvaluation(row)]));
  }

  async checkHistory(project: string, assetKey: string, query: HistoryQuery & { checkName?: string } = {}): Promise<StoredCheckEvaluation[]> {
    const { checkName, limit, beforeEventId } = query;
    // One check: the (project, asset_key, check_name, event_id) index; all of an asset's checks: (project, asset_key, event_id).
    const rows = await this.db.selectFrom('check_evaluations').selectAll()
      .where('project', '=', project).where('asset_key', '=', assetKey)
      .$if(checkName !== undefined, (qb) => qb.where('check_name', '=', checkName as string))
      .$if(beforeEventId !== undefined, (qb) => qb.where('event_id', '<', beforeEventId as number))
      .orderBy('event_id', 'desc')
      .$if(limit !== undefined, (qb) => qb.limit(limit as number))
      .execute();
    return rows.map(toStoredCheckEvaluation);
  }

  /** In the order they were recorded. */
  async checkEvaluationsForRun(runId: string): Promise<StoredCheckEvaluation[]> {
    const rows = await this.db.selectFrom('check_evaluations').selectAll()
      .where('run_id', '=', runId).orderBy('event_id').execute();
    return rows.map(toStoredCheckEvaluation);
  }

  /** In the order they were recorded. */
  async materializationsForRun(runId: string): Promise<StoredMaterialization[]> {
    const rows = await this.db.selectFrom('materializations').selectAll()
      .where('run_id', '=', runId).orderBy('event_id').execute();
    return rows.map(toStoredMaterialization);
  }

  partitionRecords(project: string, assetKey: string): Promise<PartitionRecord[]> {
    return partitionRecords(this.db, project, assetKey);
  }

  latestPartitionMaterialization(project: string, assetKey: string, partition: string): Promise<StoredMaterialization | undefined> {
    return latestPartitionMaterialization(this.db, project, assetKey, partition);
  }
}

/** RunStore over any Kysely<WeirDb>: runs, their lookup by id prefix, and newest-first filtered lists. */
import { sql, type Kysely } from 'kysely';
import { FINISHED_RUN_STATUSES, type NewEvent, type Run, type NewRun, type RunFilter, RunStatus, type RunTrigger } from '../../events/index.js';
import { WeirError } from '../../shared/errors.js';
import type { RunCountByDay, RunExecution, RunExecutor, RunStore } from '../storage.js';
import { insertEvent } from './insert-event.js';
import { insertRun } from './insert-run.js';
import { toRun, toRunExecution } from './row-mappers.js';
import type { WeirDb } from './weir-db.js';

const DAY_MS = 86_400_000;

/** How many ambiguous candidates an error lists before "…". */
const MAX_LISTED_CANDIDATES = 5;

/**
 * The run store shared by every SQL backend.
 *
 * @example
 * const runs = new SqlRunStore(db);
 * await runs.createRun({ runId, project: 'shop', trigger: 'cli', selection: null, stepKeys: ['orders'], createdAt: Date.now() });
 * (await runs.listRuns({ project: 'shop', limit: 20 }))[0].status // 'QUEUED'
 */
export class SqlRunStore implements RunStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async createRun(newRun: NewRun): Promise<Run> {
    return this.db.transaction().execute((trx) => insertRun(trx, newRun));
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row && toRun(row);
  }

  async resolveRunId(prefix: string): Promise<string | undefined> {
    // Run ids are lower-case UUIDs (shared/ids.ts); people paste them from anywhere, sometimes upper-cased.
    const wanted = prefix.trim().toLowerCase();
    if (wanted === '') return undefined;
    // A prefix is a range of the primary key: [prefix, prefix with its last character bumped). LIKE would not use
    // the index on SQLite (case-insensitive) and would treat `_` in the prefix as a wildcard.
    const upper = wanted.slice(0, -1) + String.fromCharCode(wanted.charCodeAt(wanted.length - 1) + 1);
    const rows = await this.db.selectFrom('runs').select('run_id')
      .where('run_id', '>=', wanted).where('run_id', '<', upper)
      .orderBy('run_id').limit(MAX_LISTED_CANDIDATES + 1).execute();
    const ids = rows.map((r) => r.run_id).filter((id) => id.startsWith(wanted));
    if (ids.length <= 1) return ids[0];
    if (ids.includes(wanted)) return wanted;
    const listed = ids.slice(0, MAX_LISTED_CANDIDATES).join(', ') + (ids.length > MAX_LISTED_CANDIDATES ? ', …' : '');
    throw new WeirError(`Run id '${prefix}' is ambiguous: it matches ${ids.length > MAX_LISTED_CANDIDATES ? `more than ${MAX_LISTED_CANDIDATES}` : ids.length} runs (${listed})`, {
      code: 'AMBIGUOUS_RUN_ID', hint: 'Type more characters of the run id.',
    });
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const t = sortTable(filter);
    let query = this.filtered(filter).selectAll('runs')
      .orderBy(sql.ref(`${t}.created_at`), 'desc').orderBy(sql.ref(`${t}.run_id`), 'desc');
    if (filter.beforeRunId !== undefined) {
      const cursor = await this.db.selectFrom('runs').select(['created_at', 'run_id'])
        .where('run_id', '=', filter.beforeRunId).executeTakeFirst();
      if (!cursor) {
        throw new WeirError(`No run has id '${filter.beforeRunId}' (given as beforeRunId)`, {
          code: 'UNKNOWN_RUN_ID', hint: 'Page with the id of the last run of the previous page.',
        });
      }
      // Row-value comparison (SQLite >= 3.15, PostgreSQL): one index range, and stable when runs share a created_at.
      query = query.where(sql<boolean>`(${sql.ref(`${t}.created_at`)}, ${sql.ref(`${t}.run_id`)}) < (${Number(cursor.created_at)}, ${cursor.run_id})`);
    }
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    const rows = await query.execute();
    return rows.map(toRun);
  }

  /** Counts what listRuns would return without `limit` and `beforeRunId`; with `max`, stops at max. */
  async countRuns(filter: RunFilter = {}, options: { max?: number } = {}): Promise<number> {
    const { max } = options;
    const { assetKey, project, since, until } = filter;
    const { statuses } = filter;
    // An asset's runs without a trigger filter are counted from run_assets alone: one covering index range instead
    // of a lookup in `runs` per run (~10x faster for an asset with thousands of runs).
    const onlyRunAssets = assetKey !== undefined && filter.trigger === undefined;
    const matching = onlyRunAssets
      ? this.db.selectFrom('run_assets').where('asset_key', '=', assetKey)
        .$if(project !== undefined, (qb) => qb.where('project', '=', project as string))
        .$if(statuses !== undefined && statuses.length > 0, (qb) => qb.where('status', 'in', statuses as RunStatus[]))
        .$if(since !== undefined, (qb) => qb.where('created_at', '>=', since as number))
        .$if(until !== undefined, (qb) => qb.where('created_at', '<', until as number)) as unknown as ReturnType<SqlRunStore['filtered']>
      : this.filtered(filter);
    // A capped count is a count over a LIMITed subquery: the scan stops after `max` index entries.
    const inner = matching.select(sql.lit(1).as('one')).$if(max !== undefined, (qb) => qb.limit(max as number));
    const row = await this.db.selectFrom(inner.as('matching')).select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async runCountsByDay(filter: { project: string; since: number; until?: number; utcOffsetMinutes?: number }): Promise<RunCountByDay[]> {
    const offsetMs = Math.trunc((filter.utcOffsetMinutes ?? 0) * 60_000);
    // Whole days since the epoch at that offset. Integer literals, not parameters: a driver may bind a JS number as
    // a float, and the division must be integer division (it is for integers on SQLite and PostgreSQL alike).
    const day = sql<number>`(${sql.ref('runs.created_at')} + ${sql.lit(offsetMs)}) / ${sql.lit(DAY_MS)}`;
    const rows = await this.filtered({ project: filter.project, since: filter.since, until: filter.until })
      .select([day.as('day'), 'runs.status as status', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
      .groupBy([day, 'runs.status'])
      .orderBy('day').orderBy('status')
      .execute();
    return rows.map((row) => ({
      day: new Date(Number(row.day) * DAY_MS).toISOString().slice(0, 10),
      status: row.status,
      count: Number(row.count),
    }));
  }

  async recordExecutor(runId: string, executor: RunExecutor, nowMs: number): Promise<void> {
    await this.db.updateTable('runs').set({
      executor_host: executor.host, executor_pid: executor.pid, executor_process_start: executor.processStart, heartbeat_at: nowMs,
    }).where('run_id', '=', runId).execute();
  }

  async heartbeat(runIds: readonly string[], nowMs: number): Promise<void> {
    if (runIds.length === 0) return;
    await this.db.updateTable('runs').set({ heartbeat_at: nowMs }).where('run_id', 'in', [...runIds]).execute();
  }

  async runsToStop(runIds: readonly string[]): Promise<string[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db.selectFrom('runs').select('run_id')
      .where('run_id', 'in', [...runIds])
      .where((eb) => eb.or([eb('cancel_requested_at', 'is not', null), eb('status', 'in', [...FINISHED_RUN_STATUSES])]))
      .execute();
    return rows.map((r) => r.run_id);
  }

  async requestCancel(runId: string, nowMs: number): Promise<boolean> {
    const result = await this.db.updateTable('runs')
      .set((eb) => ({ cancel_requested_at: eb.fn.coalesce('cancel_requested_at', eb.val(nowMs)) }))
      .where('run_id', '=', runId).where('status', 'not in', [...FINISHED_RUN_STATUSES])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listExecutions(filter: { statuses: readonly RunStatus[]; project?: string; runIds?: readonly string[] }): Promise<RunExecution[]> {
    if (filter.statuses.length === 0 || filter.runIds?.length === 0) return [];
    const rows = await this.db.selectFrom('runs')
      .select(['run_id', 'project', 'status', 'step_keys', 'created_at', 'started_at', 'executor_host', 'executor_pid', 'executor_process_start', 'heartbeat_at', 'cancel_requested_at'])
      // The (status, created_at, run_id) index of 0001: finished runs, nearly all of them, are never read.
      .where('status', 'in', [...filter.statuses])
      .$if(filter.project !== undefined, (qb) => qb.where('project', '=', filter.project as string))
      .$if(filter.runIds !== undefined, (qb) => qb.where('run_id', 'in', [...(filter.runIds as string[])]))
      .orderBy('created_at').orderBy('run_id')
      .execute();
    return rows.map(toRunExecution);
  }

  async recordCanceling(event: NewEvent & { type: 'RUN_CANCELING' }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Under the write lock (BEGIN IMMEDIATE on SQLite), as in endRun: the executor's terminal event cannot slip in.
      const row = await trx.selectFrom('runs').select('status').where('run_id', '=', event.runId).executeTakeFirst();
      if (row?.status !== RunStatus.STARTED) return false;
      await insertEvent(trx, event);
      return true;
    });
  }

  async endRun(runId: string, events: readonly NewEvent[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The transaction begins IMMEDIATE on SQLite (and this read is under its write lock), so the executor's own
      // terminal event cannot slip in between the check and the insert.
      const row = await trx.selectFrom('runs').select('status').where('run_id', '=', runId).executeTakeFirst();
      if (!row || FINISHED_RUN_STATUSES.includes(row.status)) return false;
      for (const event of events) await insertEvent(trx, event);
      return true;
    });
  }

  /**
   * The runs matching every filter but the page. An empty `statuses` list means any status, as an unticked filter
   * does in the UI. With an asset filter the query is driven from run_assets, whose (project, asset_key, created_at,
   * run_id) index yields that asset's runs newest first without a sort; `sortTable` names whose created_at/run_id the
   * order, the date range and the cursor use, so the planner can walk that one index.
   */
  private filtered(filter: RunFilter) {
    const t = sortTable(filter);
    const { assetKey, project, statuses, trigger, since, until } = filter;
    return this.db.selectFrom('runs')
      // The join changes the builder's type, which $if cannot express; columns of run_assets are reached by sql.ref.
      .$if(assetKey !== undefined, (qb) => qb.innerJoin('run_assets', 'run_assets.run_id', 'runs.run_id')
        .where('run_assets.asset_key', '=', assetKey as string) as unknown as typeof qb)
      // run_assets.project under an asset filter: its (project, asset_key, created_at, run_id) index then covers the
      // whole filter, and a count needs no row of `runs` at all (see countRuns).
      .$if(project !== undefined, (qb) => qb.where(sql.ref(`${t}.project`), '=', project as string))
      .$if(statuses !== undefined && statuses.length > 0, (qb) => qb.where(sql.ref(`${t}.status`), 'in', statuses as RunStatus[]))
      .$if(trigger !== undefined, (qb) => qb.where('runs.trigger', '=', trigger as RunTrigger))
      .$if(since !== undefined, (qb) => qb.where(sql.ref(`${t}.created_at`), '>=', since as number))
      .$if(until !== undefined, (qb) => qb.where(sql.ref(`${t}.created_at`), '<', until as number));
  }
}

function sortTable(filter: RunFilter): 'runs' | 'run_assets' {
  return filter.assetKey === undefined ? 'runs' : 'run_assets';
}

/** ScheduleStore over any Kysely<WeirDb>: schedule states and ticks. */
import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import type {
  NewScheduleTick, ScheduleState, ScheduleStore, ScheduleTick, ScheduleTickOutcome, ScheduleTickSource, ScheduleTickStatus,
} from '../storage.js';
import type { WeirDb } from './weir-db.js';

/** One row per schedule that was paused, resumed or evaluated. */
export interface ScheduleStatesTable {
  project: string;
  name: string;
  /** 0 or 1. */
  paused: number;
  cursor_ms: number | null;
  updated_at: number;
}

/** One row per decided tick. */
export interface ScheduleTicksTable {
  id: Generated<number>;
  project: string;
  schedule: string;
  tick_at: number;
  source: ScheduleTickSource;
  status: ScheduleTickStatus;
  run_id: string | null;
  reason: string | null;
  decided_at: number;
  updated_at: number;
}

/** The tables of this store (added by its migration), as Kysely sees them. */
export interface ScheduleTables {
  schedule_states: ScheduleStatesTable;
  schedule_ticks: ScheduleTicksTable;
}

const DEFAULT_TICK_PAGE = 50;
const MAX_TICK_PAGE = 1000;

function toState(row: Selectable<ScheduleStatesTable>): ScheduleState {
  return { project: row.project, name: row.name, paused: Number(row.paused) === 1, cursorMs: row.cursor_ms === null ? null : Number(row.cursor_ms), updatedAt: Number(row.updated_at) };
}

function toTick(row: Selectable<ScheduleTicksTable>): ScheduleTick {
  return {
    id: Number(row.id), project: row.project, schedule: row.schedule, tickAt: Number(row.tick_at), source: row.source, status: row.status,
    runId: row.run_id, reason: row.reason, decidedAt: Number(row.decided_at), updatedAt: Number(row.updated_at),
  };
}

export class SqlScheduleStore implements ScheduleStore {
  constructor(private readonly db: Kysely<WeirDb>) {}

  async listStates(project: string): Promise<ScheduleState[]> {
    const rows = await this.db.selectFrom('schedule_states').selectAll().where('project', '=', project).orderBy('name').execute();
    return rows.map(toState);
  }

  async getState(project: string, name: string): Promise<ScheduleState | undefined> {
    const row = await this.db.selectFrom('schedule_states').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return row ? toState(row) : undefined;
  }

  async setPaused(project: string, name: string, paused: boolean, nowMs: number): Promise<ScheduleState> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('schedule_states').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
      // Resuming starts from now: the ticks of the paused time are not caught up (a paused schedule is off, not late).
      const cursor = paused ? (existing?.cursor_ms ?? null) : nowMs;
      if (existing) {
        await trx.updateTable('schedule_states').set({ paused: paused ? 1 : 0, cursor_ms: cursor, updated_at: nowMs })
          .where('project', '=', project).where('name', '=', name).execute();
      } else {
        await trx.insertInto('schedule_states').values({ project, name, paused: paused ? 1 : 0, cursor_ms: cursor, updated_at: nowMs }).execute();
      }
      return { project, name, paused, cursorMs: cursor === null ? null : Number(cursor), updatedAt: nowMs };
    });
  }

  async recordDecisions(
    project: string, name: string, expectedCursorMs: number | null, cursorMs: number, ticks: readonly NewScheduleTick[], nowMs: number,
  ): Promise<ScheduleTick[] | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('schedule_states').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
      const stored = existing?.cursor_ms === null || existing?.cursor_ms === undefined ? null : Number(existing.cursor_ms);
      if (stored !== expectedCursorMs) return undefined;
      if (existing) {
        await trx.updateTable('schedule_states').set({ cursor_ms: cursorMs, updated_at: nowMs }).where('project', '=', project).where('name', '=', name).execute();
      } else {
        await trx.insertInto('schedule_states').values({ project, name, paused: 0, cursor_ms: cursorMs, updated_at: nowMs }).execute();
      }
      if (!ticks.length) return [];
      const rows = await trx.insertInto('schedule_ticks').values(ticks.map((tick) => ({
        project, schedule: name, tick_at: tick.tickAt, source: tick.source ?? 'CRON', status: tick.status, run_id: null, reason: tick.reason ?? null,
        decided_at: nowMs, updated_at: nowMs,
      }))).returningAll().execute();
      return rows.map(toTick).sort((a, b) => a.tickAt - b.tickAt);
    });
  }

  async recordTick(project: string, name: string, tick: NewScheduleTick, nowMs: number): Promise<ScheduleTick> {
    const row = await this.db.insertInto('schedule_ticks').values({
      project, schedule: name, tick_at: tick.tickAt, source: tick.source ?? 'CRON', status: tick.status, run_id: null, reason: tick.reason ?? null,
      decided_at: nowMs, updated_at: nowMs,
    }).returningAll().executeTakeFirstOrThrow();
    return toTick(row);
  }

  async completeTick(tickId: number, outcome: ScheduleTickOutcome, nowMs: number): Promise<void> {
    await this.db.updateTable('schedule_ticks').set({
      status: outcome.status, run_id: outcome.status === 'SUBMITTED' ? outcome.runId : null, reason: outcome.status === 'FAILED' ? outcome.reason : null, updated_at: nowMs,
    }).where('id', '=', tickId).execute();
  }

  async listTicks(project: string, query: { schedule?: string; statuses?: readonly ScheduleTickStatus[]; limit?: number; beforeId?: number } = {}): Promise<ScheduleTick[]> {
    const limit = Math.min(Math.max(1, query.limit ?? DEFAULT_TICK_PAGE), MAX_TICK_PAGE);
    let select = this.db.selectFrom('schedule_ticks').selectAll().where('project', '=', project);
    if (query.schedule !== undefined) select = select.where('schedule', '=', query.schedule);
    if (query.statuses?.length) select = select.where('status', 'in', [...query.statuses]);
    if (query.beforeId !== undefined) {
      const cursor = await this.db.selectFrom('schedule_ticks').select(['tick_at', 'id']).where('id', '=', query.beforeId).executeTakeFirst();
      if (!cursor) return [];
      // Keyset on (tick_at, id): ticks of a catch-up are inserted in one batch, not in tick order across schedules.
      select = select.where((eb) => eb.or([eb('tick_at', '<', cursor.tick_at), eb.and([eb('tick_at', '=', cursor.tick_at), eb('id', '<', cursor.id)])]));
    }
    const rows = await select.orderBy('tick_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toTick);
  }

  async latestTicks(project: string, perSchedule: number): Promise<Map<string, ScheduleTick[]>> {
    const ranked = this.db.selectFrom('schedule_ticks').selectAll()
      .select(sql<number>`row_number() over (partition by schedule order by tick_at desc, id desc)`.as('rank'))
      .where('project', '=', project);
    const rows = await this.db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', perSchedule)
      .orderBy('schedule').orderBy('tick_at', 'desc').orderBy('id', 'desc').execute();
    const bySchedule = new Map<string, ScheduleTick[]>();
    for (const row of rows) {
      const tick = toTick(row as unknown as Selectable<ScheduleTicksTable>);
      bySchedule.set(tick.schedule, [...(bySchedule.get(tick.schedule) ?? []), tick]);
    }
    return bySchedule;
  }
}

/** Migration 0004_schedules: each schedule's paused/running state and cursor, and every tick it decided. */
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/*
 * A schedule's definition lives in code and weir.yaml, so only what a process must remember is stored: whether it is
 * paused (it survives restarts and is written by the CLI without a serving process), and the cursor, the instant up to
 * which ticks were decided (what catch-up after downtime counts from). Ticks are rows, not events: a tick that starts
 * no run has no run to hang an event on. The unique (project, schedule, source, tick_at) is the last guard against a
 * tick recorded, so launched, twice.
 */

/**
 * @example
 * scheduleMigration(sqliteFlavor).up(db)
 * // create table "schedule_states" (…, primary key ("project", "name"));
 * // create table "schedule_ticks" ("id" integer primary key autoincrement, …); two indexes
 */
export function scheduleMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('schedule_states')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cursor_ms', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('schedule_states_pk', ['project', 'name'])
        .execute();
      await db.schema.createTable('schedule_ticks')
        .addColumn('id', flavor.eventIdColumnType, (c) => (flavor.isAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('tick_at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('reason', 'text')
        .addColumn('decided_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schedule_ticks_unique_idx').on('schedule_ticks').columns(['project', 'schedule', 'source', 'tick_at']).unique().execute();
      // listTicks of one schedule and latestTicks: newest first within a schedule.
      await db.schema.createIndex('schedule_ticks_schedule_idx').on('schedule_ticks').columns(['project', 'schedule', 'tick_at', 'id']).execute();
      // listTicks of the whole project (and LAUNCHING ones left by a crash).
      await db.schema.createIndex('schedule_ticks_project_idx').on('schedule_ticks').columns(['project', 'status', 'tick_at']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('schedule_ticks').ifExists().execute();
      await db.schema.dropTable('schedule_states').ifExists().execute();
    },
  };
}

/** Migration 0006_alerts: signals from automation, open alert problems, the router's cursor, and deliveries. */
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/*
 * The router reads the event log after its cursor and the signals after theirs, and records in one transaction what
 * it decided (problems opened or resolved, deliveries to make) with its new cursor: a pass is routed once, even when
 * the process stops in the middle. Deliveries are rows the sender picks by (status, next_attempt_at), so a restart
 * resumes the PENDING ones; the UI lists them newest first by (project, created_at).
 */

/**
 * @example
 * alertsMigration(sqliteFlavor).up(db)
 * // create table "alert_signals" ("id" integer primary key autoincrement, …); create table "alert_deliveries" (…); …
 */
export function alertsMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('alert_signals')
        .addColumn('id', flavor.eventIdColumnType, (c) => (flavor.isAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('problem_key', 'text', (c) => c.notNull())
        .addColumn('resolved', 'integer', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_signals_project_idx').on('alert_signals').columns(['project', 'id']).execute();

      await db.schema.createTable('alert_router_cursors')
        .addColumn('project', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('signal_id', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema.createTable('alert_problems')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('problem_key', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_problems_pk', ['project', 'rule', 'problem_key'])
        .execute();

      await db.schema.createTable('alert_deliveries')
        .addColumn('delivery_id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('problem_key', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The sender's pick: PENDING ones due now, oldest first.
      await db.schema.createIndex('alert_deliveries_due_idx').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute();
      // The UI's list: a project's deliveries, newest first.
      await db.schema.createIndex('alert_deliveries_project_created_idx').on('alert_deliveries').columns(['project', 'created_at', 'delivery_id']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['alert_deliveries', 'alert_problems', 'alert_router_cursors', 'alert_signals']) await db.schema.dropTable(table).execute();
    },
  };
}

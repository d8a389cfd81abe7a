/** Storage over any Kysely<WeirDb>: what a SQL backend gets for free once it supplies a dialect and a flavor. */
import type { Kysely } from 'kysely';
import type { Storage } from '../storage.js';
import { migrateWeirDb } from './migrate-weir-db.js';
import type { SqlFlavor } from './sql-flavor.js';
import { SqlEventLog, type SqlEventLogOptions } from './sql-event-log.js';
import { SqlRunStore } from './sql-run-store.js';
import { SqlAlertStore } from './sql-alert-store.js';
import { SqlBackfillStore } from './sql-backfill-store.js';
import { SqlLeaseStore } from './sql-lease-store.js';
import { SqlScheduleStore } from './sql-schedule-store.js';
import { SqlSensorStore } from './sql-sensor-store.js';
import type { WeirDb } from './weir-db.js';

/**
 * The shared implementation of Storage; SqliteStorage (and PostgresStorage next) extend it with how they connect.
 *
 * @example
 * const storage = new SqlStorage(new Kysely<WeirDb>({ dialect }), sqliteFlavor, 'metadata.sqlite');
 * await storage.migrate();
 * await storage.runs.getRun(runId) // Run | undefined
 */
export class SqlStorage implements Storage {
  readonly runs: SqlRunStore;
  readonly events: SqlEventLog;
  readonly schedules: SqlScheduleStore;
  readonly sensors: SqlSensorStore;
  readonly backfills: SqlBackfillStore;
  readonly alerts: SqlAlertStore;
  readonly leases: SqlLeaseStore;

  /**
   * `databaseName` is how errors name the database: a file path, or a URL without its password. `events`: what the
   * backend adds to the shared event log (SqlEventLogOptions).
   */
  constructor(readonly db: Kysely<WeirDb>, readonly flavor: SqlFlavor, readonly databaseName: string, events: SqlEventLogOptions = {}) {
    this.runs = new SqlRunStore(db);
    this.events = new SqlEventLog(db, { consecutiveInsertIds: flavor.consecutiveInsertIds, ...events });
    this.schedules = new SqlScheduleStore(db);
    this.sensors = new SqlSensorStore(db);
    this.backfills = new SqlBackfillStore(db);
    this.alerts = new SqlAlertStore(db);
    this.leases = new SqlLeaseStore(db);
  }

  migrate(): Promise<void> {
    return migrateWeirDb(this.db, this.flavor, this.databaseName);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

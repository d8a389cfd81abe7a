/** The storage layer: the interfaces everything else sees, and the backends only the CLI and testing helpers pick. */
export type {
  AlertStore, BackfillStore, Lease, LeaseRequest, LeaseStore, ScheduleStore, SensorStore,
  EventLog, EventQuery, EventsAfterPage, EventsAfterQuery, HistoryQuery, RunCountByDay, RunStore, Storage, StoredCheckEvaluation, StoredMaterialization, StoredObservation,
} from './storage.js';
// The shared live reader of the event log: the server's streams, the scheduler and the notifier follow events with it.
export { EventFollower, DEFAULT_POLL_INTERVAL_MS, MAX_CLIENT_QUEUE, type EventFollowerOptions, type FollowQuery } from './event-follower.js';
export { SqliteStorage, openSqliteStorage, sqliteFlavor, SQLITE_BUSY_TIMEOUT_MS } from './sqlite/sqlite-storage.js';
// For the next SQL backend (postgres/): the shared code it reuses with its own dialect and flavor.
export { SqlStorage } from './sql/sql-storage.js';
export { SqlRunStore } from './sql/sql-run-store.js';
export { SqlEventLog } from './sql/sql-event-log.js';
export { migrateWeirDb, weirMigrations, MIGRATION_TABLE, MIGRATION_LOCK_TABLE } from './sql/migrate-weir-db.js';
export type { SqlFlavor } from './sql/sql-flavor.js';
export type { WeirDb } from './sql/weir-db.js';
// storageContract is deliberately not re-exported: it imports node:test, which production code must not load.
// Backend test files import it from './storage.contract.js'.

/** Versioned schema migrations of the metadata database, run with Kysely's Migrator from an in-code list. */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { WeirError } from '../../shared/errors.js';
import { initialMigration } from './migrations/0001-initial.js';
import { runListIndexesMigration } from './migrations/0002-run-list-indexes.js';
import { runExecutorMigration } from './migrations/0003-run-executor.js';
import { scheduleMigration } from './migrations/0004-schedules.js';
import { sensorsMigration } from './migrations/0005-sensors.js';
import { alertsMigration } from './migrations/0006-alerts.js';
import { leasesMigration } from './migrations/0007-leases.js';
import { partitionsMigration } from './migrations/0008-partitions.js';
import { backfillsMigration } from './migrations/0009-backfills.js';
import type { SqlFlavor } from './sql-flavor.js';
import type { WeirDb } from './weir-db.js';

/** Kysely's bookkeeping tables, named for Weir so a shared PostgreSQL database shows whose they are. */
export const MIGRATION_TABLE = 'weir_migration';
export const MIGRATION_LOCK_TABLE = 'weir_migration_lock';

/**
 * Every migration, by name. Names sort in the order they run and are never renamed: databases record them.
 * In code rather than read from a folder so the bundled CLI needs no migration files beside it.
 *
 * @example
 * Object.keys(weirMigrations(sqliteFlavor)) // ['0001_initial', '0002_run_list_indexes', '0003_run_executor', '0004_schedules', …]
 */
export function weirMigrations(flavor: SqlFlavor): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(flavor),
    '0002_run_list_indexes': runListIndexesMigration(),
    '0003_run_executor': runExecutorMigration(),
    '0004_schedules': scheduleMigration(flavor),
    '0005_sensors': sensorsMigration(flavor),
    '0006_alerts': alertsMigration(flavor),
    '0007_leases': leasesMigration(),
    '0008_partitions': partitionsMigration(),
    '0009_backfills': backfillsMigration(),
  };
}

/**
 * Creates or upgrades the schema to the latest migration. Idempotent: a second call finds nothing to do.
 * Throws a WeirError naming the database when it holds a migration this Weir does not know (a newer Weir wrote it).
 *
 * @example
 * await migrateWeirDb(db, sqliteFlavor, '.weir/metadata.sqlite')
 * // first time: runs 0001_initial, 0002_run_list_indexes and 0003_run_executor; later: no-op
 */
export async function migrateWeirDb(db: Kysely<WeirDb>, flavor: SqlFlavor, databaseName: string): Promise<void> {
  // Up to date already (the usual case): nothing to write. The migrator itself takes its lock row in a write
  // transaction on every call, so four commands opening the file at once (`weir logs`, `run-info`, …) would queue
  // behind each other's write lock for nothing, and on a busy machine past the busy timeout.
  if (await isUpToDate(db, Object.keys(weirMigrations(flavor)))) return;
  const provider: MigrationProvider = { getMigrations: async () => weirMigrations(flavor) };
  const migrator = new Migrator({
    db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('corrupted migrations')) {
    throw new WeirError(`${databaseName} was written by a newer version of Weir (${message})`, {
      code: 'METADATA_SCHEMA_TOO_NEW', hint: 'Upgrade Weir, or move the file away and Weir will create a new one.', cause: error,
    });
  }
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  throw new WeirError(`Migrating ${databaseName}${failed ? ` (${failed})` : ''} failed: ${message}`, {
    code: 'METADATA_MIGRATION_FAILED', hint: 'The database is unchanged if the backend supports transactional DDL; fix the cause and start Weir again.', cause: error,
  });
}

/** Whether the database has run exactly the migrations this Weir knows (a newer or older set goes to the migrator). */
async function isUpToDate(db: Kysely<WeirDb>, known: readonly string[]): Promise<boolean> {
  try {
    const applied = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
    const names = new Set(applied.rows.map((r) => r.name));
    return names.size === known.length && known.every((name) => names.has(name));
  } catch {
    return false; // a new database: no migration table yet
  }
}

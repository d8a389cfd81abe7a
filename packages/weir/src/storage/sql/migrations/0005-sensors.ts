/** Migration 0005_sensors: sensor state (paused/running, cursor), their evaluations, and the items they processed. */
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../sql-flavor.js';

/*
 * Three tables rather than one: the state is one row per sensor read at every pass of the sensor loop; evaluations
 * grow without end and are read newest first per sensor (the (project, sensor_name, id) index); processed items are
 * looked up as a whole set per file sensor, and a file is keyed by its path so a changed file updates its row.
 */

/**
 * @example
 * sensorsMigration(sqliteFlavor).up(db)
 * // create table "sensor_states" (…, primary key ("project", "sensor_name")); create table "sensor_evaluations" (…);
 * // create table "sensor_processed_items" (…, primary key ("project", "sensor_name", "item_key"))
 */
export function sensorsMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('sensor_states')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('sensor_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('last_evaluation_started_at', 'bigint')
        .addColumn('last_evaluation_ended_at', 'bigint')
        .addColumn('last_status', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sensor_states_pk', ['project', 'sensor_name'])
        .execute();
      await db.schema.createTable('sensor_evaluations')
        .addColumn('id', flavor.eventIdColumnType, (c) => (flavor.isAutoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('sensor_name', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_ids', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('reason', 'text')
        .addColumn('slow', 'integer', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .execute();
      await db.schema.createIndex('sensor_evaluations_sensor_idx').on('sensor_evaluations').columns(['project', 'sensor_name', 'id']).execute();
      await db.schema.createTable('sensor_processed_items')
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('sensor_name', 'text', (c) => c.notNull())
        .addColumn('item_key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sensor_processed_items_pk', ['project', 'sensor_name', 'item_key'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['sensor_processed_items', 'sensor_evaluations', 'sensor_states']) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}

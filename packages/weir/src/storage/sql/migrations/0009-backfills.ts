/** Migration 0009_backfills: backfills, their planned ranges of partitions, and progress of the started partitions. */
import type { Kysely, Migration } from 'kysely';

/*
 * A backfill of 100,000 partitions is one `backfills` row and its planned ranges (a few rows, or one per gap for
 * "missing only" over fragmented history), plus one `backfill_partitions` row per partition once it is launched:
 * nothing is written per partition up front. Ranges are rows rather than a JSON column so the loop reads only the
 * ranges from its cursor on (backfill_ranges_ordinal_idx), whatever their number.
 */

/**
 * @example
 * backfillsMigration().up(db)
 * // create table "backfills" (...); create table "backfill_ranges" (...); create table "backfill_partitions" (...)
 */
export function backfillsMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('backfills')
        .addColumn('backfill_id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('selection', 'text')
        .addColumn('asset_keys', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('concurrency', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('partition_count', 'bigint', (c) => c.notNull())
        .addColumn('cursor', 'bigint', (c) => c.notNull())
        .addColumn('parent_backfill_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('cancel_requested_at', 'bigint')
        .addColumn('error', 'text')
        .execute();
      // listBackfills({ project }), newest first.
      await db.schema.createIndex('backfills_project_created_idx').on('backfills').columns(['project', 'created_at', 'backfill_id']).execute();
      // The loop's "unfinished backfills": never scans the finished ones.
      await db.schema.createIndex('backfills_status_created_idx').on('backfills').columns(['status', 'created_at', 'backfill_id']).execute();

      await db.schema.createTable('backfill_ranges')
        .addColumn('backfill_id', 'text', (c) => c.notNull())
        // The position (in the backfill's work) of the range's first partition.
        .addColumn('ordinal_start', 'bigint', (c) => c.notNull())
        .addColumn('from_index', 'bigint', (c) => c.notNull())
        .addColumn('to_index', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('backfill_ranges_pk', ['backfill_id', 'ordinal_start'])
        .execute();

      await db.schema.createTable('backfill_partitions')
        .addColumn('backfill_id', 'text', (c) => c.notNull())
        .addColumn('partition_index', 'bigint', (c) => c.notNull())
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('backfill_partitions_pk', ['backfill_id', 'partition_index'])
        .execute();
      // listPartitions({ statuses: ['RUNNING'] }) on every pass, and partitionCounts.
      await db.schema.createIndex('backfill_partitions_status_idx').on('backfill_partitions').columns(['backfill_id', 'status', 'partition_index']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('backfill_partitions').execute();
      await db.schema.dropTable('backfill_ranges').execute();
      await db.schema.dropTable('backfills').execute();
    },
  };
}

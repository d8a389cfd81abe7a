/**
 * Migration 0008_partitions: the partition of a materialization, of a check evaluation and of a run of an asset, each
 * copied from its event (or the run's `weir/partition` tag) into its index table, so an asset's per-partition status
 * is one index range.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/*
 * The events stay the source of truth: MaterializationData.partition and CheckEvaluationData.partition are in the
 * event's JSON; these columns are copies for the queries (a partition strip over 100,000 partitions must not parse
 * 100,000 JSON documents). Nullable: unpartitioned assets, and rows recorded before 0008, have none.
 */

/**
 * @example
 * partitionsMigration().up(db)
 * // alter table "materializations" add column "partition" text; create index "materializations_partition_idx" …
 */
export function partitionsMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('materializations').addColumn('partition', 'text').execute();
      await db.schema.alterTable('check_evaluations').addColumn('partition', 'text').execute();
      await db.schema.alterTable('run_assets').addColumn('partition', 'text').execute();
      // partitionRecords(project, assetKey): each partition's latest materialization, and its runs newest first.
      // Partial (only rows with a partition): small, and never chosen over 0002's indexes by queries of all runs.
      const partitioned = sql<boolean>`partition is not null`;
      await db.schema.createIndex('materializations_partition_idx').on('materializations').columns(['project', 'asset_key', 'partition', 'event_id']).where(partitioned).execute();
      await db.schema.createIndex('run_assets_partition_idx').on('run_assets').columns(['project', 'asset_key', 'partition', 'created_at']).where(partitioned).execute();
      await db.schema.createIndex('check_evaluations_partition_idx').on('check_evaluations').columns(['project', 'asset_key', 'partition', 'event_id']).where(partitioned).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const index of ['materializations_partition_idx', 'run_assets_partition_idx', 'check_evaluations_partition_idx']) {
        await db.schema.dropIndex(index).ifExists().execute();
      }
      for (const table of ['materializations', 'check_evaluations', 'run_assets']) await db.schema.alterTable(table).dropColumn('partition').execute();
    },
  };
}

/**
 * Migration 0002_run_list_indexes: indexes for the web UI's filtered run list and an asset's check history, and the
 * run's status copied into run_assets.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/*
 * Measured on 100,000 runs (bench/api-runs.mjs, EXPLAIN QUERY PLAN in sql-run-store.test.ts): the UI always lists
 * one project's runs, and 0001's status and trigger indexes do not start with `project`, so "FAILURE runs of shop,
 * newest first" either walked the project's whole index checking each row's status, or sorted every match.
 * With (project, status|trigger, created_at, run_id) a single-status or trigger filter is one index range in the
 * keyset order. Like 0001, every run index ends with (created_at, run_id), the keyset of the newest-first pages.
 */

/**
 * @example
 * runListIndexesMigration().up(db)
 * // create index "runs_project_status_created_idx" on "runs" ("project", "status", "created_at", "run_id"); …
 */
export function runListIndexesMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      // listRuns({ project, statuses: [one] }) and its count: the runs page's status filter.
      await db.schema.createIndex('runs_project_status_created_idx').on('runs').columns(['project', 'status', 'created_at', 'run_id']).execute();
      // listRuns({ project, trigger }).
      await db.schema.createIndex('runs_project_trigger_created_idx').on('runs').columns(['project', 'trigger', 'created_at', 'run_id']).execute();
      // listRuns({ project, statuses, trigger }): both filters and the date range in one range, no row read to check one.
      await db.schema.createIndex('runs_project_status_trigger_created_idx').on('runs').columns(['project', 'status', 'trigger', 'created_at', 'run_id']).execute();
      // listRuns({ project, assetKey }) and its count: 0001's (asset_key, created_at, run_id) lacks the project, so
      // counting an asset's runs looked up every run's row to check it; with the project in the index it never does.
      await db.schema.createIndex('run_assets_project_asset_created_idx').on('run_assets').columns(['project', 'asset_key', 'created_at', 'run_id']).execute();
      // listRuns({ project, assetKey, statuses }) ("failed runs of this asset"): run_assets gets the run's status
      // (kept equal to runs.status by insertEvent), so the filter and its count need no row of `runs` either.
      await db.schema.alterTable('run_assets').addColumn('status', 'text', (c) => c.notNull().defaultTo('QUEUED')).execute();
      await sql`update run_assets set status = (select runs.status from runs where runs.run_id = run_assets.run_id)`.execute(db);
      await db.schema.createIndex('run_assets_project_asset_status_created_idx').on('run_assets').columns(['project', 'asset_key', 'status', 'created_at', 'run_id']).execute();
      // checkHistory(project, assetKey) without a check name: every check of an asset, newest first, for the asset page.
      await db.schema.createIndex('check_evaluations_asset_idx').on('check_evaluations').columns(['project', 'asset_key', 'event_id']).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const index of [
        'runs_project_status_created_idx', 'runs_project_trigger_created_idx', 'runs_project_status_trigger_created_idx',
        'run_assets_project_asset_created_idx', 'run_assets_project_asset_status_created_idx', 'check_evaluations_asset_idx',
      ]) {
        await db.schema.dropIndex(index).ifExists().execute();
      }
      await db.schema.alterTable('run_assets').dropColumn('status').execute();
    },
  };
}

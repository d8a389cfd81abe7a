/**
 * Migration 0003_run_executor: who executes a run (host, pid, process start time), its heartbeat, and a cancel
 * request any process can record.
 */
import type { Kysely, Migration } from 'kysely';

/*
 * A run's process can die without a word (kill -9, a closed terminal, a crash); the next Weir process that opens the
 * metadata must tell such a run from one still working. The executor columns say which process to probe, the
 * heartbeat says when it last answered (for an executor on another host, which cannot be probed). A cancel request is
 * a column rather than only an event so the executing process polls one primary-key row, not the event log.
 * All nullable: runs recorded before 0003 have none of them.
 */

/**
 * @example
 * runExecutorMigration().up(db)
 * // alter table "runs" add column "executor_host" text; … add column "cancel_requested_at" bigint
 * // (no new index: finding unfinished runs is 0001's runs_status_created_idx)
 */
export function runExecutorMigration(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('runs').addColumn('executor_host', 'text').execute();
      await db.schema.alterTable('runs').addColumn('executor_pid', 'integer').execute();
      // Linux: boot id, pid namespace and /proc/<pid>/stat field 22 (start time in clock ticks since boot), so a
      // reused pid is not taken for the run's process. Null where the platform has no such thing.
      await db.schema.alterTable('runs').addColumn('executor_process_start', 'text').execute();
      await db.schema.alterTable('runs').addColumn('heartbeat_at', 'bigint').execute();
      await db.schema.alterTable('runs').addColumn('cancel_requested_at', 'bigint').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const column of ['executor_host', 'executor_pid', 'executor_process_start', 'heartbeat_at', 'cancel_requested_at']) {
        await db.schema.alterTable('runs').dropColumn(column).execute();
      }
    },
  };
}

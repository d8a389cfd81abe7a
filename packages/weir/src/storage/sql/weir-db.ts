/** The metadata database schema as Kysely sees it: one interface per table, column names as stored. */
import type { Generated } from 'kysely';
import type { RunStatus, RunTrigger } from '../../events/index.js';
import type { AlertTables } from './sql-alert-store.js';
import type { BackfillTables } from './sql-backfill-store.js';
import type { LeaseTables } from './sql-lease-store.js';
import type { ScheduleTables } from './sql-schedule-store.js';
import type { SensorTables } from './sql-sensor-store.js';

/*
 * Conventions shared by every backend:
 * - Times are milliseconds since the epoch in BIGINT columns (they overflow a 32-bit INTEGER).
 * - JSON is stored as TEXT: the same code reads and writes it on SQLite and PostgreSQL, and nothing queries inside it;
 *   whatever a query filters on is copied into its own column.
 * - Ids and counts may come back from a driver as bigint or string (PostgreSQL BIGINT); the row mappers pass every
 *   numeric column through Number(), so the types below say `number` for what the rest of Weir sees.
 */

/** One row per run. Status and times are derived from the run's events, in the same transaction as the event. */
export interface RunsTable {
  run_id: string;
  project: string;
  status: RunStatus;
  trigger: RunTrigger;
  selection: string | null;
  /** JSON array of step keys, in plan order. */
  step_keys: string;
  parent_run_id: string | null;
  root_run_id: string | null;
  /** JSON object of string tags. */
  tags: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  /** Since 0003: the process executing the run (see RunExecutor), recorded when execution begins. */
  executor_host: string | null;
  executor_pid: number | null;
  executor_process_start: string | null;
  /** Since 0003: when the executing process last said it is alive. */
  heartbeat_at: number | null;
  /** Since 0003: when someone asked to cancel the run; the executing process polls it. */
  cancel_requested_at: number | null;
}

/** The source of truth. `id` increases across the whole store so a live view resumes after the last id it saw. */
export interface EventsTable {
  id: Generated<number>;
  run_id: string;
  project: string;
  step_key: string | null;
  type: string;
  timestamp: number;
  message: string;
  /** JSON payload, shaped by `type` (see EventDataByType). */
  data: string;
}

/**
 * Which runs touched which asset, so "runs of this asset" is an index range, not a scan of every run's step keys.
 * `created_at` and `status` are the run's, copied here so the asset filter, a status filter and the newest-first
 * order use one index.
 */
export interface RunAssetsTable {
  run_id: string;
  project: string;
  asset_key: string;
  created_at: number;
  /** The run's status, kept equal to runs.status (since 0002), so "failed runs of this asset" is one index range. */
  status: RunStatus;
  /** Since 0008: the run's partition (its `weir/partition` tag), or null. */
  partition: string | null;
}

/** Derived from ASSET_MATERIALIZATION events; `data` is the full MaterializationData. */
export interface MaterializationsTable {
  event_id: number;
  run_id: string;
  project: string;
  asset_key: string;
  timestamp: number;
  data_version: string;
  data: string;
  /** Since 0008: the partition it published (MaterializationData.partition), or null. */
  partition: string | null;
}

/** Derived from ASSET_OBSERVATION events; `data` is the full ObservationData. */
export interface ObservationsTable {
  event_id: number;
  run_id: string;
  project: string;
  asset_key: string;
  timestamp: number;
  hash: string;
  data: string;
}

/** Derived from ASSET_CHECK_EVALUATION events; `data` is the full CheckEvaluationData. Booleans are 0/1 on every backend. */
export interface CheckEvaluationsTable {
  event_id: number;
  run_id: string;
  project: string;
  asset_key: string;
  check_name: string;
  severity: string;
  passed: number;
  blocking: number;
  timestamp: number;
  data: string;
  /** Since 0008: the partition checked (CheckEvaluationData.partition), or null. */
  partition: string | null;
}

/**
 * Every table of the metadata database.
 *
 * @example
 * const db = new Kysely<WeirDb>({ dialect });
 * await db.selectFrom('runs').select('run_id').where('status', '=', 'STARTED').execute();
 * // select "run_id" from "runs" where "status" = ?
 */
/** Each store's own tables are declared beside its code (ScheduleTables in sql-schedule-store.ts, …). */
export interface WeirDb extends ScheduleTables, SensorTables, BackfillTables, AlertTables, LeaseTables {
  runs: RunsTable;
  events: EventsTable;
  run_assets: RunAssetsTable;
  materializations: MaterializationsTable;
  observations: ObservationsTable;
  check_evaluations: CheckEvaluationsTable;
}

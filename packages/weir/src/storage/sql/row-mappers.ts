/** Conversions between stored rows and the objects the rest of Weir sees. */
import type { Selectable } from 'kysely';
import type { EventRecord, Run } from '../../events/index.js';
import type { RunExecution, StoredCheckEvaluation, StoredMaterialization, StoredObservation } from '../storage.js';
import type {
  CheckEvaluationsTable, EventsTable, MaterializationsTable, ObservationsTable, RunsTable,
} from './weir-db.js';

/*
 * Every numeric column goes through Number(): SQLite drivers may hand back bigint (libsql's insertId does) and
 * PostgreSQL's pg hands back BIGINT as a string. Ms timestamps and event ids stay far below 2^53, so this is exact.
 */

function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * A `runs` row as a Run.
 *
 * @example
 * toRun({ run_id: 'a1', step_keys: '["orders"]', tags: '{}', created_at: 5n, ... })
 * // { runId: 'a1', stepKeys: ['orders'], tags: {}, createdAt: 5, ... }
 */
export function toRun(row: Selectable<RunsTable>): Run {
  return {
    runId: row.run_id,
    project: row.project,
    status: row.status,
    trigger: row.trigger,
    selection: row.selection,
    stepKeys: JSON.parse(row.step_keys) as string[],
    parentRunId: row.parent_run_id,
    rootRunId: row.root_run_id,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: Number(row.created_at),
    startedAt: toNullableNumber(row.started_at),
    endedAt: toNullableNumber(row.ended_at),
  };
}

type ExecutionRow = Pick<Selectable<RunsTable>, 'run_id' | 'project' | 'status' | 'step_keys' | 'created_at' | 'started_at'
  | 'executor_host' | 'executor_pid' | 'executor_process_start' | 'heartbeat_at' | 'cancel_requested_at'>;

/**
 * A `runs` row as its liveness sees it: who executes it and when it last said so.
 *
 * @example
 * toRunExecution({ run_id: 'a1', executor_host: 'h', executor_pid: 42n, heartbeat_at: '1716…', ... })
 * // { runId: 'a1', executor: { host: 'h', pid: 42, processStart: null }, heartbeatAt: 1716…, ... }
 */
export function toRunExecution(row: ExecutionRow): RunExecution {
  return {
    runId: row.run_id,
    project: row.project,
    status: row.status,
    stepKeys: JSON.parse(row.step_keys) as string[],
    createdAt: Number(row.created_at),
    startedAt: toNullableNumber(row.started_at),
    executor: row.executor_host === null || row.executor_pid === null ? null
      : { host: row.executor_host, pid: Number(row.executor_pid), processStart: row.executor_process_start },
    heartbeatAt: toNullableNumber(row.heartbeat_at),
    cancelRequestedAt: toNullableNumber(row.cancel_requested_at),
  };
}

/** An `events` row as an EventRecord; `data` is trusted to match `type` because only append() writes it. */
export function toEventRecord(row: Selectable<EventsTable>): EventRecord {
  return {
    id: Number(row.id),
    runId: row.run_id,
    project: row.project,
    type: row.type,
    stepKey: row.step_key,
    timestamp: Number(row.timestamp),
    message: row.message,
    data: JSON.parse(row.data),
  } as EventRecord;
}

type IndexRow = Pick<Selectable<MaterializationsTable>, 'event_id' | 'run_id' | 'project' | 'timestamp' | 'data'>;

function toStored<T>(row: IndexRow): T & { eventId: number; runId: string; project: string; timestamp: number } {
  return {
    ...(JSON.parse(row.data) as T),
    eventId: Number(row.event_id),
    runId: row.run_id,
    project: row.project,
    timestamp: Number(row.timestamp),
  };
}

/** A `materializations` row: its full payload plus where and when it was recorded. */
export function toStoredMaterialization(row: Selectable<MaterializationsTable>): StoredMaterialization {
  return toStored(row);
}

/** An `observations` row: its full payload plus where and when it was recorded. */
export function toStoredObservation(row: Selectable<ObservationsTable>): StoredObservation {
  return toStored(row);
}

/** A `check_evaluations` row: its full payload plus where and when it was recorded. */
export function toStoredCheckEvaluation(row: Selectable<CheckEvaluationsTable>): StoredCheckEvaluation {
  return toStored(row);
}

/** The RunEvent union: execution's only output. Run log, asset history, Gantt and check history are read back from these. */
import { EventType } from './event-type.js';
import type { CheckOutcome } from './check-outcome.js';
import type { FailReason, SkipReason, StepKind } from './step-vocabulary.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TableColumn { name: string; type: string }

export interface ErrorInfo {
  message: string;
  /** The user's stack, if any, without Weir's internal frames. */
  stack?: string;
  code?: string;
  /** Where the user wrote the thing that failed (file:line). */
  location?: string;
}

export interface MaterializationData {
  assetKey: string;
  /** `table` or `file`, and where: `main.revenue` or `output/revenue.xlsx`. */
  storage: { kind: 'table' | 'file'; location: string; format?: string };
  rowCount: number | null;
  columns: TableColumn[];
  durationMs: number;
  bytes: number | null;
  codeVersion: string;
  /** Hash over the code version and the upstream data versions: equal data version = same inputs, same code. */
  dataVersion: string;
  /** What it was computed from: upstream materialization event ids and external input hashes. */
  upstream: Array<{ assetKey: string; eventId?: number; dataVersion: string }>;
  metadata: Record<string, unknown>;
  /** Compiled SQL for SQL models. */
  sql?: string;
  /** For a partitioned asset: the partition this materialization published (the table holds the others too). */
  partition?: string;
}

export interface ObservationData {
  assetKey: string;
  /** The file's absolute path, or the relation's quoted name. */
  path: string;
  /** SHA-256 of the file's bytes; for a relation, of its columns and a hash of every row. */
  hash: string;
  /** The file's size; 0 for a relation (DuckDB does not report a table's size cheaply). */
  bytes: number;
  /** The file's modification time; for a relation, when it was observed. */
  modifiedAt: number;
  /** Relations only: row count and columns when observed. */
  rowCount?: number;
  columns?: TableColumn[];
}

export interface CheckEvaluationData {
  assetKey: string;
  checkName: string;
  severity: 'error' | 'warn';
  passed: boolean;
  /**
   * What came of it, declared in check-outcome.ts. Absent on events stored before it existed: read it with
   * `checkOutcomeOf(data)`, which derives it from `passed` and `severity`.
   */
  outcome?: CheckOutcome;
  /** True when it failed with severity error: downstream is blocked and nothing was published. */
  blocking: boolean;
  observed: unknown;
  expected: unknown;
  failingRows: number | null;
  samples: Array<Record<string, unknown>>;
  message: string;
  /** The SQL that was run, for people who want to reproduce it. */
  sql?: string;
  durationMs: number;
  /** For a partitioned asset: the partition whose staged data was checked. */
  partition?: string;
}

/**
 * Why a process other than the executor ended a run: the executing process was found gone. Stored on the events that
 * end it (RUN_FAILURE or RUN_CANCELED, and STEP_FAILURE of its running steps) so readers need not parse the message.
 */
export interface ExecutorLostData {
  /** `process_gone`: same host, that process no longer runs; `heartbeat_lost`: no heartbeat for too long; `never_recorded`: no executor was recorded (a run of an older Weir). */
  cause: 'process_gone' | 'heartbeat_lost' | 'never_recorded';
  host: string | null;
  pid: number | null;
  /** The last sign of life (heartbeat, else start), ms since the epoch. */
  lastSeenAt: number;
}

export interface StepStartData { attempt: number; kind: StepKind }
export interface StepSuccessData { attempt: number; durationMs: number }
export interface StepFailureData {
  attempt: number; durationMs: number; error: ErrorInfo; reason: FailReason;
  /** Set when the step was failed because its run's process was found gone (error.code is then EXECUTOR_LOST). */
  executorLost?: ExecutorLostData;
}
export interface StepRetryData { attempt: number; nextAttempt: number; delayMs: number; error: ErrorInfo }
export interface StepSkippedData {
  reason: SkipReason;
  /** The upstream steps that caused the skip. */
  blockedBy?: string[];
  /** For `unchanged`: the materialization reused, and the run that made it (absent on older events). */
  reusedEventId?: number;
  reusedRunId?: string;
}
export interface RunStartData { stepKeys: string[]; concurrency: number }
export interface RunEndData {
  durationMs: number;
  /** Step keys by final bucket, so a failed run names every unfinished step. */
  succeeded: string[];
  failed: string[];
  skipped: string[];
  canceled?: string[];
  error?: ErrorInfo;
  /** Set when another process ended the run because its executing process was found gone. */
  executorLost?: ExecutorLostData;
}
export interface LogData { level: LogLevel; fields?: Record<string, unknown> }

/** Payload by event type. */
export interface EventDataByType {
  RUN_ENQUEUED: Record<string, never>;
  RUN_START: RunStartData;
  RUN_SUCCESS: RunEndData;
  RUN_FAILURE: RunEndData;
  RUN_CANCELING: Record<string, never>;
  RUN_CANCELED: RunEndData;
  STEP_START: StepStartData;
  STEP_SUCCESS: StepSuccessData;
  STEP_FAILURE: StepFailureData;
  STEP_SKIPPED: StepSkippedData;
  STEP_UP_FOR_RETRY: StepRetryData;
  LOG: LogData;
  ASSET_MATERIALIZATION: MaterializationData;
  ASSET_OBSERVATION: ObservationData;
  ASSET_CHECK_EVALUATION: CheckEvaluationData;
}

/** An event as it is appended. */
export type NewEvent = {
  [T in EventType]: {
    runId: string;
    project: string;
    type: T;
    stepKey: string | null;
    timestamp: number;
    message: string;
    data: EventDataByType[T];
  };
}[EventType];

/** An event as stored: with its id, increasing across the whole store, so a live view resumes after the last id it saw. */
export type EventRecord = NewEvent & { id: number };

export function isEventType<T extends EventType>(event: NewEvent | EventRecord, type: T): event is Extract<EventRecord, { type: T }> {
  return event.type === type;
}

export { EventType };

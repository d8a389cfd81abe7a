/**
 * Every stored thing, behind a few small interfaces. One implementation per backend (sqlite/ now, postgres/ next),
 * one contract suite (storage.contract.ts) for all. Events are the source of truth: `runs`, `materializations` and
 * `check_evaluations` are indexes derived from events inside the same transaction as the event insert.
 */
import type {
  AlertSignal, CheckEvaluationData, EventRecord, EventType, MaterializationData, NewEvent, NewRun, ObservationData, Run, RunFilter,
  RunStatus,
} from '../events/index.js';

export interface RunStore {
  /** Records a new run in status QUEUED (and appends its RUN_ENQUEUED event). */
  createRun(run: NewRun): Promise<Run>;
  getRun(runId: string): Promise<Run | undefined>;
  /** Resolves a unique prefix of a run id (as people type it) to the full id; throws if ambiguous. */
  resolveRunId(prefix: string): Promise<string | undefined>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /**
   * Counts what listRuns would return without `limit` and `beforeRunId`. With `max`, stops counting there (returns
   * at most `max`): a runs page shows "10,000+" rather than paying for an exact count over 100,000 runs.
   */
  countRuns(filter?: RunFilter, options?: { max?: number }): Promise<number>;
  /**
   * Runs created in [since, until) per day and status, for the home page's chart. Days are calendar days at
   * `utcOffsetMinutes` (default 0, UTC) east of UTC, as `YYYY-MM-DD`; days without runs are absent.
   *
   * @example
   * await runs.runCountsByDay({ project: 'shop', since: Date.parse('2024-05-01') })
   * // [{ day: '2024-05-01', status: 'SUCCESS', count: 12 }, { day: '2024-05-01', status: 'FAILURE', count: 1 }, …]
   */
  runCountsByDay(filter: { project: string; since: number; until?: number; utcOffsetMinutes?: number }): Promise<RunCountByDay[]>;

  /**
   * Records which process executes the run, and its first heartbeat: called when execution begins, before RUN_START.
   *
   * @example
   * await runs.recordExecutor(runId, { host: 'ana-laptop', pid: 4242, processStart: '6f1c…/pid:[4026531836]/81234' }, Date.now())
   */
  recordExecutor(runId: string, executor: RunExecutor, nowMs: number): Promise<void>;
  /** The executing process says it is alive: sets heartbeat_at of these runs. */
  heartbeat(runIds: readonly string[], nowMs: number): Promise<void>;
  /**
   * Of these runs, those the executing process must stop: a cancel was requested, or the run has ended without it
   * (another process judged it dead). One primary-key read per run: the executor polls it several times a second.
   *
   * @example
   * await runs.runsToStop(['a1', 'b2']) // ['b2']   (someone ran `weir cancel b2`)
   */
  runsToStop(runIds: readonly string[]): Promise<string[]>;
  /**
   * Records a request to cancel the run, whatever process executes it. False if the run is unknown or has finished.
   * Keeps the first request's time when asked again.
   */
  requestCancel(runId: string, nowMs: number): Promise<boolean>;
  /**
   * Runs in these statuses (STARTED and CANCELING, to find dead ones) with who executes them, oldest first.
   *
   * @example
   * await runs.listExecutions({ statuses: ['STARTED', 'CANCELING'] })
   * // [{ runId: 'a1', status: 'STARTED', executor: { host: 'h', pid: 4242, processStart: '6f1c…/pid:[4026531836]/81234' }, heartbeatAt: 1716…, … }]
   */
  listExecutions(filter: { statuses: readonly RunStatus[]; project?: string; runIds?: readonly string[] }): Promise<RunExecution[]>;
  /**
   * Appends the events that end a run, in order and in one transaction, unless the run has already finished (then
   * appends nothing and answers false). How a process other than the executor ends a run (a dead one, a cancel of a
   * dead one) without racing the executor's own terminal event.
   */
  endRun(runId: string, events: readonly NewEvent[]): Promise<boolean>;
  /**
   * Appends RUN_CANCELING for the run if it is STARTED (and answers true), else nothing (false): how a process that
   * asked another one to cancel shows the run as stopping at once, without ever reviving a run that just ended.
   *
   * @example
   * await runs.recordCanceling({ runId, project: 'shop', type: 'RUN_CANCELING', stepKey: null, timestamp: Date.now(), message: 'Cancel requested', data: {} })
   * // true: the run is CANCELING until its executor ends it
   */
  recordCanceling(event: NewEvent & { type: 'RUN_CANCELING' }): Promise<boolean>;
}

/** Which process executes a run. */
export interface RunExecutor {
  /** os.hostname() */
  host: string;
  pid: number;
  /**
   * When and where that process started, as the platform tells it (Linux: boot id, pid namespace and /proc/<pid>/stat
   * field 22; see shared/process-identity.ts), so a pid reused by another process is not taken for it; null where unknown.
   */
  processStart: string | null;
}

/** A run as its liveness and cancellation see it. */
export interface RunExecution {
  runId: string;
  project: string;
  status: RunStatus;
  stepKeys: string[];
  createdAt: number;
  startedAt: number | null;
  /** Null for a run recorded by a Weir without migration 0003, or not yet claimed by a process. */
  executor: RunExecutor | null;
  heartbeatAt: number | null;
  cancelRequestedAt: number | null;
}

export interface RunCountByDay {
  /** `YYYY-MM-DD` */
  day: string;
  status: RunStatus;
  count: number;
}

export interface EventQuery {
  /** Only events with id > afterId: how a live view resumes. */
  afterId?: number;
  types?: EventType[];
  stepKey?: string;
  limit?: number;
}

/** Across runs: what a project-wide live view reads. */
export interface EventsAfterQuery {
  project?: string;
  runId?: string;
  types?: EventType[];
  /** At most this many events (default 1000). */
  limit?: number;
}

export interface EventsAfterPage {
  /** Oldest first. */
  events: EventRecord[];
  /**
   * Where to resume: the id of the last event examined, matching or not, so a filtered reader moves past the events
   * it skips instead of reading them again on every poll. Equals the given afterId when nothing was examined.
   */
  nextAfterId: number;
}

/** A newest-first page of history: at most `limit` items with an event id below `beforeEventId`. */
export interface HistoryQuery {
  limit?: number;
  /** The eventId of the last item of the previous page. */
  beforeEventId?: number;
}

export interface StoredMaterialization extends MaterializationData { eventId: number; runId: string; project: string; timestamp: number }
export interface StoredObservation extends ObservationData { eventId: number; runId: string; project: string; timestamp: number }
export interface StoredCheckEvaluation extends CheckEvaluationData { eventId: number; runId: string; project: string; timestamp: number }

export interface EventLog {
  /**
   * Appends one event and commits it before returning, updating the derived indexes (run status and times,
   * materializations, observations, check evaluations) in the same transaction. Never batched to the run's end.
   */
  append(event: NewEvent): Promise<EventRecord>;
  /**
   * Appends events in the given order in one transaction (all or none), with the derived indexes of each, and
   * returns their records in the same order. How a step's log lines are stored: a batch of 1,000 lines is a few
   * multi-row INSERTs and one commit instead of 1,000 of each.
   *
   * @example
   * await events.appendBatch([logLine('extracting'), logLine('done'), stepSuccess])
   * // [{ id: 41, type: 'LOG', … }, { id: 42, type: 'LOG', … }, { id: 43, type: 'STEP_SUCCESS', … }]
   */
  appendBatch(events: readonly NewEvent[]): Promise<EventRecord[]>;
  /**
   * Optional (SQLite has it): appends events without derived state (log lines, step events) synchronously, all or
   * none, and returns their records in order; or returns undefined, having stored nothing, when it cannot right now
   * (another transaction is open on the connection, the database is locked, an event has derived state). How a step
   * that logs in a loop without yielding is stored as it logs, instead of waiting for the loop to end.
   *
   * @example
   * events.appendBatchNow?.([logLine('a'), logLine('b')]) // [{ id: 41, … }, { id: 42, … }], or undefined
   */
  appendBatchNow?(events: readonly NewEvent[]): EventRecord[] | undefined;
  eventsForRun(runId: string, query?: EventQuery): Promise<EventRecord[]>;
  /**
   * Events with id > afterId, of every run (or of one project or run), oldest first: one indexed read for a
   * project-wide live stream, whatever the number of runs.
   *
   * @example
   * await events.eventsAfter(41, { project: 'shop', types: ['RUN_SUCCESS', 'RUN_FAILURE'], limit: 100 })
   * // { events: [{ id: 57, type: 'RUN_SUCCESS', … }], nextAfterId: 63 }   (ids 42–63 examined)
   */
  eventsAfter(afterId: number, query?: EventsAfterQuery): Promise<EventsAfterPage>;
  /** The highest event id in the store (0 when empty): where a "from now on" live view starts. */
  lastEventId(): Promise<number>;
  /** The latest materialization of each asset (of the given keys, or all) in a project. */
  latestMaterializations(project: string, assetKeys?: string[]): Promise<Map<string, StoredMaterialization>>;
  /**
   * Newest first, paged by event id.
   *
   * @example
   * const page = await events.materializationHistory('shop', 'orders', { limit: 20 });
   * await events.materializationHistory('shop', 'orders', { limit: 20, beforeEventId: page.at(-1)!.eventId }) // the next 20
   */
  materializationHistory(project: string, assetKey: string, query?: HistoryQuery): Promise<StoredMaterialization[]>;
  latestObservations(project: string, assetKeys?: string[]): Promise<Map<string, StoredObservation>>;
  /** The latest evaluation of each check, keyed `assetKey:checkName`. */
  latestCheckEvaluations(project: string, assetKeys?: string[]): Promise<Map<string, StoredCheckEvaluation>>;
  /** Newest first, paged by event id: one check's evaluations, or (no checkName) every check of the asset. */
  checkHistory(project: string, assetKey: string, query?: HistoryQuery & { checkName?: string }): Promise<StoredCheckEvaluation[]>;
  checkEvaluationsForRun(runId: string): Promise<StoredCheckEvaluation[]>;
  materializationsForRun(runId: string): Promise<StoredMaterialization[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Automation: what the scheduler, the sensors, the backfills and the alerts keep between passes and restarts.
// One small interface each; the SQL implementations are storage/sql/sql-<name>-store.ts, each with its own tables.
// ---------------------------------------------------------------------------------------------------------------

/** Schedules: their paused/running state and every tick (time, decision, run id or why not). */
export interface ScheduleStore {
}

/** Sensors: durable cursors, processed items (a file is processed once) and the history of evaluations. */
export interface SensorStore {
}

/** Backfills: what was asked, per-partition progress, cancellation. */
export interface BackfillStore {
}

/** Alerts: open problems (sent once, then once resolved) and every delivery attempt. */
export interface AlertStore {
  /** Records a problem or its resolution raised by automation (schedules, sensors, freshness, backfills) for the router. */
  recordSignal(signal: AlertSignal): Promise<void>;
}

/** Leases: one holder at a time for a named job (`automation`: the process that ticks schedules). */
export interface LeaseStore {
}

export interface Storage {
  runs: RunStore;
  events: EventLog;
  schedules: ScheduleStore;
  sensors: SensorStore;
  backfills: BackfillStore;
  alerts: AlertStore;
  leases: LeaseStore;
  /** Creates or upgrades the schema (versioned migrations). Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every stored thing, behind a few small interfaces. One implementation per backend (sqlite/ now, postgres/ next),
 * one contract suite (storage.contract.ts) for all. Events are the source of truth: `runs`, `materializations` and
 * `check_evaluations` are indexes derived from events inside the same transaction as the event insert.
 */
import type {
  AlertMessage, AlertSignal, CheckEvaluationData, DeliveryStatus, EventRecord, EventType, MaterializationData, NewEvent, NewRun, ObservationData, Run, RunFilter,
  RunStatus, SensorEvaluation, SensorEvaluationStatus, SensorState, SensorStateRecord,
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

/** What is known of one partition of an asset: its latest materialization and its latest run. */
export interface PartitionRecord {
  partition: string;
  /** When its latest materialization was recorded; null when it never was. */
  materializedAt: number | null;
  /** The latest run of the asset for this partition (by the run's `weir/partition` tag). */
  lastRun: { runId: string; status: RunStatus; createdAt: number } | null;
  /** A run of it is queued or running. */
  active: boolean;
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
  /**
   * Every partition of an asset that has a materialization or a run, in no particular order: what its per-partition
   * status is computed from (see engine/partition-status.ts). Partitions never touched are absent.
   *
   * @example
   * await events.partitionRecords('shop', 'revenue')
   * // [{ partition: '2025-03', materializedAt: 1743…, lastRun: { runId: 'a1…', status: 'SUCCESS', createdAt: 1743… }, active: false }, …]
   */
  partitionRecords(project: string, assetKey: string): Promise<PartitionRecord[]>;
  /** The latest materialization of one partition of an asset, if any. */
  latestPartitionMaterialization(project: string, assetKey: string, partition: string): Promise<StoredMaterialization | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------
// Automation: what the scheduler, the sensors, the backfills and the alerts keep between passes and restarts.
// One small interface each; the SQL implementations are storage/sql/sql-<name>-store.ts, each with its own tables.
// ---------------------------------------------------------------------------------------------------------------

/**
 * What became of a tick (stored strings, never renamed). LAUNCHING is written before the run is started, so a crash
 * between the two leaves a LAUNCHING tick (judged FAILED by the next pass) rather than a tick launched twice.
 */
export const SCHEDULE_TICK_STATUSES = ['LAUNCHING', 'SUBMITTED', 'SKIPPED', 'FAILED'] as const;
export type ScheduleTickStatus = (typeof SCHEDULE_TICK_STATUSES)[number];
/** Why a tick exists: its cron ticked, or someone pressed "run now". */
export const SCHEDULE_TICK_SOURCES = ['CRON', 'RUN_NOW'] as const;
export type ScheduleTickSource = (typeof SCHEDULE_TICK_SOURCES)[number];

/** What is stored about one schedule between passes and restarts. */
export interface ScheduleState {
  project: string;
  name: string;
  paused: boolean;
  /** Every tick at or before this instant has been decided; null until the loop first sees the schedule. */
  cursorMs: number | null;
  /**
   * The cron and zone the cursor was decided with (`'0 6 1 * * Europe/Brussels'`): when the definition changes, the
   * new pattern's past ticks were never due, so deciding starts again from now. Null until first decided.
   */
  pattern: string | null;
  updatedAt: number;
}

export interface ScheduleTick {
  id: number;
  project: string;
  schedule: string;
  /** The tick's instant (what `weir/tick` carries). */
  tickAt: number;
  source: ScheduleTickSource;
  status: ScheduleTickStatus;
  runId: string | null;
  /** Why it was skipped or failed. */
  reason: string | null;
  /** When it was decided. */
  decidedAt: number;
  updatedAt: number;
}

export interface NewScheduleTick {
  tickAt: number;
  status: 'LAUNCHING' | 'SKIPPED';
  reason?: string;
  source?: ScheduleTickSource;
}

/** How a tick's launch ended. */
export type ScheduleTickOutcome = { status: 'SUBMITTED'; runId: string } | { status: 'FAILED'; reason: string };

/** Schedules: their paused/running state and every tick (time, decision, run id or why not). */
export interface ScheduleStore {
  /** Every stored state of the project's schedules (a schedule never paused nor evaluated has none). */
  listStates(project: string): Promise<ScheduleState[]>;
  getState(project: string, name: string): Promise<ScheduleState | undefined>;
  /**
   * Pauses or resumes. Resuming moves the cursor to `nowMs`: ticks that passed while paused are not caught up.
   *
   * @example
   * await schedules.setPaused('shop', 'monthly_report', true, Date.now()) // { paused: true, … }, also after a restart
   */
  setPaused(project: string, name: string, paused: boolean, nowMs: number): Promise<ScheduleState>;
  /**
   * Records a pass's decisions for one schedule in one transaction: the ticks and the new cursor, only if the stored
   * cursor is still `expectedCursorMs` (null: none stored). Answers the recorded ticks, or undefined when the cursor
   * had moved (another process decided first): then nothing is recorded and nothing must be launched.
   *
   * @example
   * await schedules.recordDecisions('shop', 'daily', 1772517600000, 1772604000400, [{ tickAt: 1772604000000, status: 'LAUNCHING' }], now)
   * // [{ id: 7, status: 'LAUNCHING', tickAt: 1772604000000, … }]   (launch it, then completeTick(7, …))
   */
  recordDecisions(
    project: string, name: string, expectedCursorMs: number | null, cursorMs: number, ticks: readonly NewScheduleTick[], nowMs: number, pattern?: string,
  ): Promise<ScheduleTick[] | undefined>;
  /** Records one tick outside the cursor ("run now"). */
  recordTick(project: string, name: string, tick: NewScheduleTick, nowMs: number): Promise<ScheduleTick>;
  /** Ends a LAUNCHING tick: the run it started, or why it could not start. */
  completeTick(tickId: number, outcome: ScheduleTickOutcome, nowMs: number): Promise<void>;
  /**
   * Newest first (by tick time, then id), paged: `beforeId` is the id of the last tick of the previous page.
   *
   * @example
   * const page = await schedules.listTicks('shop', { schedule: 'daily', limit: 20 });
   * await schedules.listTicks('shop', { schedule: 'daily', limit: 20, beforeId: page.at(-1)!.id }) // the next 20
   */
  listTicks(project: string, query?: { schedule?: string; statuses?: readonly ScheduleTickStatus[]; limit?: number; beforeId?: number }): Promise<ScheduleTick[]>;
  /**
   * The latest `perSchedule` ticks of each named schedule, newest first: one index range per schedule, whatever the
   * length of the history (a few statements for 1,000 schedules).
   *
   * @example
   * await schedules.latestTicks('shop', ['daily', 'monthly_report'], 5) // Map { 'daily' => [tick, …], 'monthly_report' => [] }
   */
  latestTicks(project: string, names: readonly string[], perSchedule: number): Promise<Map<string, ScheduleTick[]>>;
}

/** Sensors: durable cursors, processed items (a file is processed once) and the history of evaluations. */
export interface SensorStore {
  /**
   * The stored state of every sensor of a project that has one (a sensor never evaluated nor paused has none: it is
   * RUNNING with no cursor).
   *
   * @example
   * (await sensors.sensorStates('shop')).get('new_exports') // { state: 'RUNNING', cursor: null, lastEvaluationEndedAt: 1767…, … }
   */
  sensorStates(project: string): Promise<Map<string, SensorStateRecord>>;
  /** Pauses or resumes a sensor; the state survives restarts. */
  setSensorState(project: string, sensorName: string, state: SensorState, nowMs: number): Promise<void>;
  /**
   * Records one evaluation and, in the same transaction, the sensor's new cursor (when given) and the items it
   * processed: a restart after it finds them all, or none.
   *
   * @example
   * await sensors.recordEvaluation({ project: 'shop', sensorName: 'new_exports', startedAt, durationMs: 4, status: 'REQUESTED',
   *   runIds: [run.runId], processed: [{ key: 'inbox/a.xlsx', fingerprint: '2048:1767225600000' }] })
   */
  recordEvaluation(evaluation: NewSensorEvaluation): Promise<SensorEvaluation>;
  /** Newest first, paged by id: `beforeId` is the id of the last evaluation of the previous page. */
  listEvaluations(project: string, sensorName: string, query?: { limit?: number; beforeId?: number }): Promise<SensorEvaluation[]>;
  /** What a sensor has processed: item key (a file's path) to its fingerprint (size and modification time). */
  processedItems(project: string, sensorName: string): Promise<Map<string, string>>;
}

export interface NewSensorEvaluation {
  project: string;
  sensorName: string;
  startedAt: number;
  durationMs: number;
  status: SensorEvaluationStatus;
  runIds?: string[];
  error?: string;
  reason?: string;
  slow?: boolean;
  /** The new cursor; undefined keeps the stored one. */
  cursor?: string;
  /** Items processed by this evaluation, recorded (or updated) with it. */
  processed?: Array<{ key: string; fingerprint: string }>;
  /**
   * Whether this counts as the sensor's evaluation for its interval (default true). A webhook call is recorded in
   * the same history but schedules nothing.
   */
  updatesState?: boolean;
}

/**
 * Backfills: what was asked, the planned work as ranges of partition indices, a launch cursor, and progress only for
 * the partitions that were started, so a backfill of 100,000 partitions is one row and a few ranges up front.
 */
export interface BackfillStore {
  /**
   * Records a new backfill in status REQUESTED with its cursor at 0.
   *
   * @example
   * await backfills.createBackfill({ backfillId, project: 'shop', selection: 'revenue', assetKeys: ['revenue'], request: { only: 'missing' },
   *   concurrency: 4, ranges: [{ fromIndex: 10, toIndex: 23 }], partitionCount: 14, createdAt: Date.now() })
   * // { backfillId, status: 'REQUESTED', cursor: 0, … }
   */
  createBackfill(backfill: NewBackfill): Promise<Backfill>;
  getBackfill(backfillId: string): Promise<Backfill | undefined>;
  /** Resolves a unique prefix of a backfill id to the full id; throws if ambiguous. */
  resolveBackfillId(prefix: string): Promise<string | undefined>;
  /** Newest first. */
  listBackfills(filter?: { project?: string; statuses?: readonly BackfillStatus[]; limit?: number }): Promise<Backfill[]>;
  /**
   * The planned work (fixed when the backfill is created): ascending, disjoint ranges of partition indices, each with
   * the position of its first partition. With `fromOrdinal`, from the range holding that position on; at most `limit`.
   *
   * @example
   * await backfills.backfillRanges(id, { fromOrdinal: 3, limit: 2 })
   * // [{ ordinalStart: 2, fromIndex: 9, toIndex: 20 }, { ordinalStart: 14, fromIndex: 30, toIndex: 31 }]
   */
  backfillRanges(backfillId: string, filter?: { fromOrdinal?: number; limit?: number }): Promise<PlannedPartitionRange[]>;
  /** REQUESTED -> RUNNING; false when it was not REQUESTED. */
  startBackfill(backfillId: string): Promise<boolean>;
  /** REQUESTED or RUNNING -> CANCELING (nothing new starts); false when it was already canceling or has ended. */
  requestCancel(backfillId: string, nowMs: number): Promise<boolean>;
  /** Ends it (COMPLETED, FAILED or CANCELED) at nowMs, with an error for FAILED; false when it had already ended. */
  finishBackfill(backfillId: string, status: FinishedBackfillStatus, nowMs: number, error?: string): Promise<boolean>;
  /**
   * Records a partition's run as launched (RUNNING) and moves the cursor past it, in one transaction.
   *
   * @example
   * await backfills.recordLaunch(backfillId, { ordinal: 0, index: 10, key: '2025-11', runId }, Date.now())
   * (await backfills.getBackfill(backfillId)).cursor // 1
   */
  recordLaunch(backfillId: string, partition: { ordinal: number; index: number; key: string; runId: string }, nowMs: number): Promise<void>;
  /** Records how a started partition's run ended. */
  recordPartitionEnd(backfillId: string, index: number, status: Exclude<BackfillPartitionStatus, 'RUNNING'>, nowMs: number): Promise<void>;
  /** Started partitions, by index: those in `statuses` (all when absent), from index > afterIndex, at most `limit`. */
  listPartitions(backfillId: string, filter?: { statuses?: readonly BackfillPartitionStatus[]; afterIndex?: number; limit?: number }): Promise<BackfillPartition[]>;
  /**
   * Started partitions as runs of consecutive ones (by index) in one status, at most `limit` of them: what a progress
   * strip draws. A progress view reads these few ranges, not 100,000 rows.
   *
   * @example
   * await backfills.partitionStatusRanges(id, { limit: 2000 })
   * // [{ fromIndex: 0, toIndex: 49, fromKey: '2024-01-01', toKey: '2024-02-19', count: 50, status: 'SUCCESS' },
   * //  { fromIndex: 50, toIndex: 50, fromKey: '2024-02-20', toKey: '2024-02-20', count: 1, status: 'FAILURE', runId: '5b0e…' }]
   */
  partitionStatusRanges(backfillId: string, options?: { limit?: number }): Promise<BackfillPartitionRange[]>;
  /** How many started partitions are in each status (absent statuses: 0). */
  partitionCounts(backfillId: string): Promise<Record<BackfillPartitionStatus, number>>;
}

/** Stored strings: never renamed. */
export const BACKFILL_STATUSES = ['REQUESTED', 'RUNNING', 'CANCELING', 'CANCELED', 'COMPLETED', 'FAILED'] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];
export type FinishedBackfillStatus = Extract<BackfillStatus, 'CANCELED' | 'COMPLETED' | 'FAILED'>;
export const FINISHED_BACKFILL_STATUSES: readonly BackfillStatus[] = ['CANCELED', 'COMPLETED', 'FAILED'];
/** A started partition: its run is RUNNING or ended as the run did. Stored strings: never renamed. */
export const BACKFILL_PARTITION_STATUSES = ['RUNNING', 'SUCCESS', 'FAILURE', 'CANCELED'] as const;
export type BackfillPartitionStatus = (typeof BACKFILL_PARTITION_STATUSES)[number];

/** Partition indices `fromIndex` to `toIndex`, both included. */
export interface PartitionIndexRange {
  fromIndex: number;
  toIndex: number;
}

/** A range of a backfill's work and the position (0-based, in the whole work) of its first partition. */
export interface PlannedPartitionRange extends PartitionIndexRange {
  ordinalStart: number;
}

/** What the backfill was asked, as given: a key range and/or only missing or failed partitions (nothing: all). */
export interface BackfillRequestRecord {
  from?: string;
  to?: string;
  only?: 'missing' | 'failed';
}

export interface NewBackfill {
  backfillId: string;
  project: string;
  /** The selection as typed (`revenue+`), or null for everything. */
  selection: string | null;
  /** The partitioned assets each partition's run materializes. */
  assetKeys: string[];
  request: BackfillRequestRecord;
  /** At most this many partitions' runs at once. */
  concurrency: number;
  ranges: readonly PartitionIndexRange[];
  /** Partitions in `ranges`. */
  partitionCount: number;
  /** The backfill whose failed partitions this one re-runs. */
  parentBackfillId?: string | null;
  createdAt: number;
}

export interface Backfill extends Omit<NewBackfill, 'ranges' | 'parentBackfillId'> {
  status: BackfillStatus;
  parentBackfillId: string | null;
  /** Partitions launched so far: the position in the planned ranges of the next one to launch. */
  cursor: number;
  endedAt: number | null;
  cancelRequestedAt: number | null;
  error: string | null;
}

/** Consecutive started partitions of one status; `runId` when the range is one partition. */
export interface BackfillPartitionRange extends PartitionIndexRange {
  fromKey: string;
  toKey: string;
  count: number;
  status: BackfillPartitionStatus;
  runId?: string;
}

export interface BackfillPartition {
  index: number;
  key: string;
  runId: string;
  status: BackfillPartitionStatus;
  startedAt: number;
  endedAt: number | null;
}

/** Alerts: signals from automation, open problems (sent once, then once resolved), the router's cursor and deliveries. */
export interface AlertStore {
  /** Records a problem or its resolution raised by automation (schedules, sensors, freshness, backfills) for the router. */
  recordSignal(signal: AlertSignal): Promise<void>;
  /**
   * Signals with an id above `afterId`, oldest first.
   *
   * @example
   * await alerts.signalsAfter(0, { project: 'shop' }) // [{ id: 1, kind: 'SCHEDULE_ERRORED', subject: 'monthly_report', … }]
   */
  signalsAfter(afterId: number, query?: { project?: string; limit?: number }): Promise<StoredAlertSignal[]>;
  /** Where the router of a project stopped: the last event id and signal id it routed (0 and 0 before its first pass). */
  routerCursor(project: string): Promise<AlertRouterCursor | undefined>;
  /** The open problems of a project: what the router has sent and not yet sent resolved. */
  openProblems(project: string): Promise<OpenAlertProblem[]>;
  /**
   * Records one pass of the router in one transaction: its new cursor, the problems it opened (or re-sent), those it
   * resolved, and the deliveries it created (PENDING). A process that stops mid-pass routes the same events again.
   *
   * @example
   * await alerts.commitRouting({ project: 'shop', cursor: { eventId: 63, signalId: 2 }, opened: [problem], resolved: [], deliveries: [delivery] })
   */
  commitRouting(pass: AlertRoutingPass): Promise<void>;
  /**
   * PENDING deliveries whose next attempt is due at `nowMs`, oldest first: what the sender sends in a pass. After a
   * restart these are the deliveries not yet sent or still being retried.
   */
  dueDeliveries(nowMs: number, query?: { project?: string; limit?: number }): Promise<StoredAlertDelivery[]>;
  /**
   * The earliest next attempt of a PENDING delivery (undefined when none): how long the sender may sleep.
   */
  nextDueAt(project?: string): Promise<number | undefined>;
  /** Records an attempt: its outcome (PENDING again while retries remain), the attempt count, the next attempt, the error (redacted). */
  recordAttempt(deliveryId: string, attempt: AlertDeliveryAttempt): Promise<void>;
  /** Newest first. */
  listDeliveries(query?: { project?: string; channel?: string; limit?: number }): Promise<StoredAlertDelivery[]>;
  getDelivery(deliveryId: string): Promise<StoredAlertDelivery | undefined>;
}

export interface StoredAlertSignal extends AlertSignal { id: number }

export interface AlertRouterCursor {
  eventId: number;
  signalId: number;
}

/** One rule's open problem: sent once (and again every `repeat`), then once more when resolved. */
export interface OpenAlertProblem {
  project: string;
  rule: string;
  problemKey: string;
  openedAt: number;
  lastSentAt: number;
  /** What was sent: re-sent as is by a repeat. */
  message: AlertMessage;
}

export interface AlertRoutingPass {
  project: string;
  cursor: AlertRouterCursor;
  /** Inserted, or updated (lastSentAt, message) when already open. */
  opened: OpenAlertProblem[];
  resolved: Array<{ rule: string; problemKey: string }>;
  deliveries: NewAlertDelivery[];
}

export interface NewAlertDelivery {
  deliveryId: string;
  project: string;
  channel: string;
  rule: string;
  problemKey: string | null;
  message: AlertMessage;
  createdAt: number;
}

export interface StoredAlertDelivery extends NewAlertDelivery {
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt: number | null;
  /** The last attempt's error, already redacted of every secret. */
  lastError: string | null;
  updatedAt: number;
}

export interface AlertDeliveryAttempt {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  error: string | null;
  at: number;
}

/** Leases: one holder at a time for a named job (`automation`: the process that ticks schedules). */
export interface LeaseStore {
  /**
   * Takes the lease `name` for `holder` until `nowMs + ttlMs`, if it is free, expired (expiresAt <= nowMs) or already
   * this holder's (then it is renewed). Atomic: of two processes asking at once, one gets it. Undefined when another
   * holder has it.
   *
   * @example
   * await leases.acquire({ name: 'automation', holder: 'ana-laptop:4242:1f2e', nowMs: 1000, ttlMs: 10_000 })
   * // { name: 'automation', holder: 'ana-laptop:4242:1f2e', acquiredAt: 1000, expiresAt: 11_000 }
   * await leases.acquire({ name: 'automation', holder: 'other:99:aa', nowMs: 5000, ttlMs: 10_000 }) // undefined
   */
  acquire(request: LeaseRequest): Promise<Lease | undefined>;
  /**
   * Extends the holder's lease to `nowMs + ttlMs`. False when it is no longer this holder's (another took it after it
   * expired, or it was released): the caller must stop the work the lease guards.
   */
  renew(request: LeaseRequest): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so a standby takes over without waiting for expiry. False if not held. */
  release(name: string, holder: string): Promise<boolean>;
  /** The lease as stored, expired or not; undefined when nobody ever took it or it was released. */
  getLease(name: string): Promise<Lease | undefined>;
}

/** What acquire and renew take: every time is passed in (the caller's clock). */
export interface LeaseRequest {
  name: string;
  /** Who asks: unique per process and start (`host:pid:random`), so a restarted process is a new holder. */
  holder: string;
  nowMs: number;
  ttlMs: number;
}

export interface Lease {
  name: string;
  holder: string;
  /** When this holder took it (kept by renewals). */
  acquiredAt: number;
  expiresAt: number;
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

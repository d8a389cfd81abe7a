/** Launching a run: select assets, plan, record the run, execute. What the CLI, the server and tests all call. */
import type { Definitions } from '../definitions/definitions.js';
import { EventType, RunStatus, type Run, type RunTrigger } from '../events/index.js';
import { plural } from '../shared/plural.js';
import type { EventLog, Storage } from '../storage/storage.js';
import type { WarehouseAccess } from './warehouse-access.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/selection.js';
import { newRunId } from '../shared/ids.js';
import { currentProcess } from '../shared/process-identity.js';
import { redactDeep, secretRedactor } from '../shared/redact.js';
import { toJsonSafe } from '../shared/json.js';
import type { TriggerContext } from '../definitions/asset-context.js';
import { secretValues } from '../definitions/project.js';
import { EventSink, type EventListener } from './event-sink.js';
import { executeRun, type RunResult } from './executor.js';
import { planRun, type ExecutionPlan } from './execution-plan.js';
import { startRunHeartbeat } from './run-heartbeat.js';
import { PARTITION_TAG, resolveRunPartition } from './run-partition.js';

export interface LaunchRunOptions {
  definitions: Definitions;
  graph: AssetGraph;
  storage: Storage;
  /** Opened only if a step needs it: a run that reuses everything never loads DuckDB. */
  warehouse: WarehouseAccess;
  /** dbt-style selection (`revenue+`, `tag:monthly`); all assets when empty. */
  select?: string | string[];
  exclude?: string | string[];
  /** Exact step keys, for re-execution; overrides select/exclude. */
  stepKeys?: string[];
  trigger?: RunTrigger;
  parentRunId?: string;
  rootRunId?: string;
  tags?: Record<string, string>;
  concurrency?: number;
  skipUnchanged?: boolean;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** Called once the run is recorded, before it starts. */
  onRunCreated?: (run: Run, plan: ExecutionPlan) => void;
  resources?: Record<string, unknown>;
  /** See LaunchRequest.triggerPayload. */
  triggerPayload?: unknown;
  /**
   * The partition of the run's partitioned assets. Without it a run of time-partitioned assets takes the latest
   * complete period; other partitioned assets need one (see run-partition.ts). Recorded as the tag `weir/partition`.
   */
  partition?: string;
  /** The clock partitions are judged by; default now. */
  nowMs?: number;
  /**
   * A run already recorded (QUEUED) to execute instead of recording a new one: a queued run adopted by the next serving
   * process. Its stored step keys are the plan; select, exclude, stepKeys, trigger, tags and parents are ignored.
   */
  recorded?: Run;
  /**
   * Awaited once the run is recorded, with its executor and heartbeat (so `weir cancel` reaches it), before it starts:
   * the queue of `max_concurrent_runs` holds the run here. Resolves 'start', or 'cancel' to end it CANCELED without
   * starting, or 'leave' to return with the run still QUEUED (the process is stopping; the next one adopts it).
   */
  admit?: (run: Run, signal: AbortSignal) => Promise<AdmitDecision>;
}

/** What the queue decided for a recorded run: see LaunchRunOptions.admit. */
export type AdmitDecision = 'start' | 'cancel' | 'leave';

export interface LaunchedRun extends RunResult {
  run: Run;
  plan: ExecutionPlan;
}

/** Values that must never reach the event log: every secret setting. */
export function projectRedactor(definitions: Definitions): (text: string) => string {
  return secretRedactor(secretValues(definitions.project));
}

export function selectionText(options: Pick<LaunchRunOptions, 'select' | 'exclude' | 'stepKeys'>): string | null {
  if (options.stepKeys) return options.stepKeys.join(' ');
  const select = [options.select ?? []].flat().join(' ').trim();
  const exclude = [options.exclude ?? []].flat().join(' ').trim();
  if (!select && !exclude) return null;
  return exclude ? `${select || '*'} --exclude ${exclude}` : select;
}

export async function launchRun(options: LaunchRunOptions): Promise<LaunchedRun> {
  const selected = options.recorded
    ? new Set(options.recorded.stepKeys)
    : options.stepKeys
    ? new Set(options.stepKeys)
    // The project root: `path:` selectors are relative to it, not to this process's working directory (the server's).
    : selectAssets(options.graph, { select: options.select, exclude: options.exclude, root: options.definitions.project.root });
  const plan = planRun(options.graph, selected);
  const nowMs = options.nowMs ?? Date.now();
  // Decided before anything is recorded: a wrong partition never starts a run.
  const assetsByKey = new Map(options.definitions.assets.map((a) => [a.key, a]));
  const planned = plan.steps.flatMap((s) => assetsByKey.get(s.key) ?? []);
  // A queued run adopted by the next process keeps the partition it was recorded with; a run that copies another's
  // tags (a re-execution, a retry) keeps its partition: the tag is the partition asked for.
  const partition = resolveRunPartition(planned, options.partition ?? options.recorded?.tags[PARTITION_TAG] ?? options.tags?.[PARTITION_TAG], nowMs).key;
  const project = options.definitions.project.name;
  const runId = options.recorded?.runId ?? newRunId();
  const redact = projectRedactor(options.definitions);
  // A recorded (adopted) run keeps what launched it; its payload is read back from its RUN_ENQUEUED event.
  const trigger = options.recorded?.trigger ?? options.trigger ?? 'cli';
  const tags = options.recorded?.tags ?? options.tags ?? {};
  const triggerPayload = options.recorded ? await storedTriggerPayload(options.storage.events, runId) : options.triggerPayload;
  const run = options.recorded ?? await options.storage.runs.createRun({
    runId,
    project,
    trigger,
    selection: selectionText(options),
    stepKeys: plan.steps.map((s) => s.key),
    parentRunId: options.parentRunId ?? null,
    rootRunId: options.rootRunId ?? options.parentRunId ?? null,
    tags: { ...tags, ...(partition !== undefined ? { [PARTITION_TAG]: partition } : {}) },
    createdAt: Date.now(),
    ...(options.triggerPayload !== undefined ? { triggerPayload: redactDeep(toJsonSafe(options.triggerPayload), redact) } : {}),
  });
  options.onRunCreated?.(run, plan);
  const sink = new EventSink(options.storage.events, redact);
  if (options.onEvent) sink.onEvent(options.onEvent);
  // Who executes the run, recorded before RUN_START: any process can then tell whether it is still alive
  // (end-dead-runs.ts), and a cancel from any process reaches it through the heartbeat's poll.
  await options.storage.runs.recordExecutor(runId, currentProcess(), Date.now());
  const stopRequested = new AbortController();
  const heartbeat = startRunHeartbeat(options.storage.runs, runId, { onStop: () => stopRequested.abort() });
  const signal = options.signal ? AbortSignal.any([options.signal, stopRequested.signal]) : stopRequested.signal;
  try {
    const admitted = options.admit ? await options.admit(run, signal) : 'start';
    if (admitted !== 'start') return await endUnstarted(options.storage, run, plan, admitted);
    const result = await executeRun({
      runId, definitions: options.definitions, plan, storage: options.storage, warehouse: options.warehouse, sink,
      concurrency: options.concurrency, signal, skipUnchanged: options.skipUnchanged, resources: options.resources,
      trigger: triggerContext(trigger, tags, triggerPayload),
      ...(partition !== undefined ? { partition, nowMs } : {}),
    });
    return { ...result, run, plan };
  } finally {
    await heartbeat.stop();
  }
}

/** Tags that name what launched a run, by trigger kind: `ctx.trigger.name` is read from them. */
const TRIGGER_NAME_TAGS: Partial<Record<RunTrigger, string>> = {
  sensor: 'weir/sensor', webhook: 'weir/webhook', schedule: 'weir/schedule', backfill: 'weir/backfill', automation: 'weir/automation',
};

/**
 * What an asset sees as `ctx.trigger`: undefined for a run someone started by hand without a payload.
 *
 * @example
 * triggerContext('webhook', { 'weir/webhook': 'erp_export_ready' }, { file: 'x.xlsx' })
 * // { kind: 'webhook', name: 'erp_export_ready', payload: { file: 'x.xlsx' } }
 */
export function triggerContext(trigger: RunTrigger, tags: Record<string, string>, payload: unknown): TriggerContext | undefined {
  const tag = TRIGGER_NAME_TAGS[trigger];
  const name = tag ? tags[tag] : undefined;
  if (name === undefined && payload === undefined) return undefined;
  return Object.freeze({ kind: trigger, ...(name !== undefined ? { name } : {}), ...(payload !== undefined ? { payload } : {}) });
}

/**
 * The payload a run was launched with, as stored on its RUN_ENQUEUED event (secrets masked): for a re-execution, and
 * for a run recorded by one process and executed by another (a queued run adopted after a restart).
 *
 * @example
 * await storedTriggerPayload(storage.events, runId) // { paths: ['inbox/2026-03.xlsx'] } | undefined
 */
export async function storedTriggerPayload(events: EventLog, runId: string): Promise<unknown> {
  const [enqueued] = await events.eventsForRun(runId, { types: ['RUN_ENQUEUED'], limit: 1 });
  return (enqueued?.data as { triggerPayload?: unknown } | undefined)?.triggerPayload;
}

/**
 * A queued run that never started: cancelled in the queue (RUN_CANCELED, every step listed as not run), or left QUEUED
 * for the next serving process. Not an executor's run: no RUN_START, no step event.
 */
async function endUnstarted(storage: Storage, run: Run, plan: ExecutionPlan, decision: 'cancel' | 'leave'): Promise<LaunchedRun> {
  const stepKeys = plan.steps.map((s) => s.key);
  const base = { runId: run.runId, status: run.status, durationMs: 0, succeeded: [], failed: [], skipped: [], reused: [], run, plan };
  if (decision === 'leave') return base;
  const nowMs = Date.now();
  const ended = await storage.runs.endRun(run.runId, [{
    runId: run.runId, project: run.project, stepKey: null, timestamp: nowMs, type: EventType.RUN_CANCELED,
    message: `Run cancelled while queued: none of its ${plural(stepKeys.length, 'step')} started`,
    data: { durationMs: Math.max(0, nowMs - run.createdAt), succeeded: [], failed: [], skipped: [], canceled: stepKeys },
  }]);
  const status = ended ? RunStatus.CANCELED : ((await storage.runs.getRun(run.runId))?.status ?? RunStatus.CANCELED);
  return { ...base, status };
}

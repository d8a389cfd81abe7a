/** Launching a run: select assets, plan, record the run, execute. What the CLI, the server and tests all call. */
import type { Definitions } from '../definitions/definitions.js';
import type { Run, RunTrigger } from '../events/index.js';
import type { Storage } from '../storage/storage.js';
import type { WarehouseAccess } from './warehouse-access.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/selection.js';
import { newRunId } from '../shared/ids.js';
import { currentProcess } from '../shared/process-identity.js';
import { secretRedactor } from '../shared/redact.js';
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
  /**
   * The partition of the run's partitioned assets. Without it a run of time-partitioned assets takes the latest
   * complete period; other partitioned assets need one (see run-partition.ts). Recorded as the tag `weir/partition`.
   */
  partition?: string;
  /** The clock partitions are judged by; default now. */
  nowMs?: number;
}

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
  const selected = options.stepKeys
    ? new Set(options.stepKeys)
    // The project root: `path:` selectors are relative to it, not to this process's working directory (the server's).
    : selectAssets(options.graph, { select: options.select, exclude: options.exclude, root: options.definitions.project.root });
  const plan = planRun(options.graph, selected);
  const nowMs = options.nowMs ?? Date.now();
  // Decided before anything is recorded: a wrong partition never starts a run.
  const assetsByKey = new Map(options.definitions.assets.map((a) => [a.key, a]));
  const planned = plan.steps.flatMap((s) => assetsByKey.get(s.key) ?? []);
  // A run that copies another's tags (a re-execution, a retry) keeps its partition: the tag is the partition asked for.
  const partition = resolveRunPartition(planned, options.partition ?? options.tags?.[PARTITION_TAG], nowMs).key;
  const project = options.definitions.project.name;
  const runId = newRunId();
  const run = await options.storage.runs.createRun({
    runId,
    project,
    trigger: options.trigger ?? 'cli',
    selection: selectionText(options),
    stepKeys: plan.steps.map((s) => s.key),
    parentRunId: options.parentRunId ?? null,
    rootRunId: options.rootRunId ?? options.parentRunId ?? null,
    tags: { ...(options.tags ?? {}), ...(partition !== undefined ? { [PARTITION_TAG]: partition } : {}) },
    createdAt: Date.now(),
  });
  options.onRunCreated?.(run, plan);
  const sink = new EventSink(options.storage.events, projectRedactor(options.definitions));
  if (options.onEvent) sink.onEvent(options.onEvent);
  // Who executes the run, recorded before RUN_START: any process can then tell whether it is still alive
  // (end-dead-runs.ts), and a cancel from any process reaches it through the heartbeat's poll.
  await options.storage.runs.recordExecutor(runId, currentProcess(), Date.now());
  const stopRequested = new AbortController();
  const heartbeat = startRunHeartbeat(options.storage.runs, runId, { onStop: () => stopRequested.abort() });
  const signal = options.signal ? AbortSignal.any([options.signal, stopRequested.signal]) : stopRequested.signal;
  try {
    const result = await executeRun({
      runId, definitions: options.definitions, plan, storage: options.storage, warehouse: options.warehouse, sink,
      concurrency: options.concurrency, signal, skipUnchanged: options.skipUnchanged, resources: options.resources,
      ...(partition !== undefined ? { partition, nowMs } : {}),
    });
    return { ...result, run, plan };
  } finally {
    await heartbeat.stop();
  }
}

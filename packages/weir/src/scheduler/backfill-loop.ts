/**
 * The backfill driver: on each pass, for every unfinished backfill of the project, notices which partitions' runs
 * ended, launches the next partitions up to the backfill's concurrency, carries out a cancel, and ends the backfill.
 */
import { FINISHED_RUN_STATUSES, type RunStatus } from '../events/index.js';
import type { LaunchRequest } from '../engine/run-launcher.js';
import { PARTITION_TAG } from '../engine/run-partition.js';
import type { BackgroundLoop } from '../shared/background-loop.js';
import { isWeirError } from '../shared/errors.js';
import type { Backfill, BackfillPartition, BackfillPartitionStatus, FinishedBackfillStatus } from '../storage/storage.js';
import type { AutomationDeps } from './automation-deps.js';
import { nextPartitions } from './backfill-planner.js';
import { graphPartitions, type PartitionsOf } from './backfill-partitions.js';

/** Pause between passes: how long a free slot may wait for the next partition (a run's end also wakes the loop). */
export const BACKFILL_LOOP_INTERVAL_MS = 1_000;
/** Ranges read per launch batch: more than any concurrency needs, fewer than a fragmented plan holds. */
const RANGES_PER_READ = 64;
/** Stored tag names: never renamed. */
export const BACKFILL_TAG = 'weir/backfill';
export { PARTITION_TAG };

export interface BackfillLoopDeps extends Pick<AutomationDeps, 'project' | 'storage' | 'launcher' | 'log'> {
  /** Default: the `partitions` of the current graph's asset definitions. */
  partitionsOf?: PartitionsOf;
  /** Only this backfill (the foreground `weir backfill`); every unfinished backfill of the project when absent. */
  backfillId?: string;
  intervalMs?: number;
}

/**
 * @example
 * const loop = createBackfillLoop(deps);
 * await loop.runOnce(Date.now(), signal) // launches up to `concurrency` partitions of each running backfill
 */
export function createBackfillLoop(deps: BackfillLoopDeps): BackgroundLoop {
  return {
    name: 'backfills',
    intervalMs: deps.intervalMs ?? BACKFILL_LOOP_INTERVAL_MS,
    async runOnce(nowMs: number, signal: AbortSignal): Promise<void> {
      const project = deps.project().definitions.project.name;
      const backfills = deps.backfillId !== undefined
        ? [await deps.storage.backfills.getBackfill(deps.backfillId)].filter((b): b is Backfill => b !== undefined && b.endedAt === null)
        : await deps.storage.backfills.listBackfills({ project, statuses: ['REQUESTED', 'RUNNING', 'CANCELING'] });
      // Oldest first: an earlier backfill gets its slots before a later one.
      for (const backfill of backfills.reverse()) {
        if (signal.aborted) return;
        await driveBackfill(deps, backfill, nowMs, signal);
      }
    },
  };
}

/** One pass over one backfill. */
async function driveBackfill(deps: BackfillLoopDeps, backfill: Backfill, nowMs: number, signal: AbortSignal): Promise<void> {
  const store = deps.storage.backfills;
  const running = await noticeEnds(deps, backfill, nowMs);
  let current = backfill;
  if (current.status === 'REQUESTED') {
    await store.startBackfill(current.backfillId);
    current = (await store.getBackfill(current.backfillId)) ?? current;
  }
  if (current.status === 'CANCELING') return cancelRunning(deps, current, running, nowMs);
  if (current.status !== 'RUNNING') return;

  let inFlight = running.length;
  let cursor = current.cursor;
  const free = current.concurrency - inFlight;
  if (free > 0 && cursor < current.partitionCount) {
    const launched = await launchNext(deps, current, free, nowMs, signal);
    if (launched === 'failed') return;
    inFlight += launched;
    cursor += launched;
  }
  if (inFlight === 0 && cursor >= current.partitionCount) await finish(deps, current, nowMs);
}

/** Records the end of every partition whose run has ended; returns those still running. */
async function noticeEnds(deps: BackfillLoopDeps, backfill: Backfill, nowMs: number): Promise<BackfillPartition[]> {
  const store = deps.storage.backfills;
  const started = await store.listPartitions(backfill.backfillId, { statuses: ['RUNNING'] });
  const still: BackfillPartition[] = [];
  for (const partition of started) {
    const run = await deps.storage.runs.getRun(partition.runId);
    // A run that vanished from the store (metadata reset by hand) cannot succeed any more: count it as failed.
    const status: RunStatus = run?.status ?? 'FAILURE';
    if (!FINISHED_RUN_STATUSES.includes(status)) {
      still.push(partition);
      continue;
    }
    await store.recordPartitionEnd(backfill.backfillId, partition.index, status as Exclude<BackfillPartitionStatus, 'RUNNING'>, nowMs);
    const durationMs = run?.startedAt != null && run.endedAt != null ? run.endedAt - run.startedAt : undefined;
    deps.log({
      level: status === 'SUCCESS' ? 'info' : 'warn', loop: 'backfills', message: `backfill ${short(backfill)}: partition ${partition.key} ${status.toLowerCase()}`,
      fields: { event: 'partition_ended', backfillId: backfill.backfillId, partition: partition.key, runId: partition.runId, status, durationMs },
    });
  }
  return still;
}

/**
 * Launches up to `free` partitions from the cursor; returns how many, or 'failed' when a launch was refused (the
 * backfill is then FAILED with that error). The status is read again before each launch, so once a cancel is
 * recorded nothing new starts.
 */
async function launchNext(deps: BackfillLoopDeps, backfill: Backfill, free: number, nowMs: number, signal: AbortSignal): Promise<number | 'failed'> {
  const store = deps.storage.backfills;
  const { graph } = deps.project();
  // A reload may have removed an asset: the run would silently skip it (planRun ignores unknown keys).
  const gone = backfill.assetKeys.filter((key) => graph.get(key)?.kind !== 'asset');
  const space = (deps.partitionsOf ?? graphPartitions(graph))(backfill.assetKeys[0] ?? '', nowMs);
  if (gone.length > 0 || !space) {
    const what = gone.length > 0 ? `${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} no longer in the project` : `${backfill.assetKeys[0]} is no longer partitioned`;
    await fail(deps, backfill, nowMs, `the next partitions cannot start: ${what}`);
    return 'failed';
  }
  const ranges = await store.backfillRanges(backfill.backfillId, { fromOrdinal: backfill.cursor, limit: RANGES_PER_READ });
  const first = ranges[0];
  if (!first) return 0;
  const next = nextPartitions(space, ranges, backfill.cursor - first.ordinalStart, free)
    .map((p) => ({ ...p, ordinal: p.ordinal + first.ordinalStart }));
  let launched = 0;
  for (const partition of next) {
    if (signal.aborted) break;
    if ((await store.getBackfill(backfill.backfillId))?.status !== 'RUNNING') break;
    const request: LaunchRequest = {
      stepKeys: backfill.assetKeys, trigger: 'backfill', partition: partition.key,
      tags: { [BACKFILL_TAG]: backfill.backfillId, [PARTITION_TAG]: partition.key },
    };
    let runId: string;
    try {
      runId = (await deps.launcher.launch(request)).runId;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isPassingTrouble(error)) {
        // The partition stays at the cursor: the next pass tries it again.
        deps.log({ level: 'warn', loop: 'backfills', message: `backfill ${short(backfill)}: partition ${partition.key} could not start yet: ${message}`, fields: { backfillId: backfill.backfillId, partition: partition.key } });
        break;
      }
      await fail(deps, backfill, nowMs, `partition ${partition.key} could not start: ${message}`);
      return 'failed';
    }
    await store.recordLaunch(backfill.backfillId, { ordinal: partition.ordinal, index: partition.index, key: partition.key, runId }, nowMs);
    launched += 1;
    deps.log({ level: 'info', loop: 'backfills', message: `backfill ${short(backfill)}: partition ${partition.key} started (run ${runId.slice(0, 8)})`, fields: { event: 'partition_started', backfillId: backfill.backfillId, partition: partition.key, runId } });
    // A cancel recorded while this run was being launched (by another process) must still stop it.
    if ((await store.getBackfill(backfill.backfillId))?.status !== 'RUNNING') {
      await deps.storage.runs.requestCancel(runId, nowMs);
      await deps.launcher.cancel(runId);
      break;
    }
  }
  return launched;
}

/** Cancels every running partition's run; once none runs, the backfill is CANCELED. */
async function cancelRunning(deps: BackfillLoopDeps, backfill: Backfill, running: readonly BackfillPartition[], nowMs: number): Promise<void> {
  for (const partition of running) {
    // The store's request reaches the run whatever process executes it; the launcher stops one of its own at once.
    await deps.storage.runs.requestCancel(partition.runId, nowMs);
    await deps.launcher.cancel(partition.runId);
  }
  if (running.length > 0) return;
  await finish(deps, backfill, nowMs, 'CANCELED');
}

async function fail(deps: BackfillLoopDeps, backfill: Backfill, nowMs: number, error: string): Promise<void> {
  if (await deps.storage.backfills.finishBackfill(backfill.backfillId, 'FAILED', nowMs, error)) await signalEnd(deps, backfill, 'FAILED', nowMs, error);
}

/** Ends a backfill: COMPLETED when every partition succeeded, FAILED when any did not, or as given. */
async function finish(deps: BackfillLoopDeps, backfill: Backfill, nowMs: number, status?: FinishedBackfillStatus): Promise<void> {
  const counts = await deps.storage.backfills.partitionCounts(backfill.backfillId);
  const notDone = counts.FAILURE + counts.CANCELED;
  const ended = status ?? (notDone > 0 ? 'FAILED' : 'COMPLETED');
  const error = ended === 'FAILED' ? `${notDone} of ${backfill.partitionCount} partitions failed or were cancelled` : undefined;
  if (await deps.storage.backfills.finishBackfill(backfill.backfillId, ended, nowMs, error)) await signalEnd(deps, backfill, ended, nowMs, error);
}

async function signalEnd(deps: BackfillLoopDeps, backfill: Backfill, status: FinishedBackfillStatus, nowMs: number, error?: string): Promise<void> {
  const counts = await deps.storage.backfills.partitionCounts(backfill.backfillId);
  const what = `${backfill.assetKeys.join(', ')} (${backfill.partitionCount} partition${backfill.partitionCount === 1 ? '' : 's'})`;
  const message = `backfill ${short(backfill)} of ${what} ${status.toLowerCase()}: ${counts.SUCCESS} succeeded, ${counts.FAILURE} failed, ${counts.CANCELED} cancelled`
    + (status === 'FAILED' && error && counts.FAILURE + counts.CANCELED === 0 ? ` (${error})` : '');
  deps.log({ level: status === 'COMPLETED' ? 'info' : 'warn', loop: 'backfills', message, fields: { backfillId: backfill.backfillId, status } });
  await deps.storage.alerts.recordSignal({
    kind: 'BACKFILL_FINISHED', project: backfill.project, subject: backfill.backfillId, problemKey: `backfill:${backfill.backfillId}`,
    message, timestamp: nowMs, details: { status, ...counts, partitions: backfill.partitionCount, assetKeys: backfill.assetKeys, error },
  });
}

/**
 * Launch errors that pass (the warehouse held by another process, a serving process that is stopping): the backfill
 * waits and tries again. Any other refusal (a partition no longer valid, an asset gone) will not pass by itself.
 */
const PASSING_LAUNCH_ERRORS = new Set(['WAREHOUSE_LOCKED', 'SERVING_PROCESS_STOPPING']);
function isPassingTrouble(error: unknown): boolean {
  return isWeirError(error) && PASSING_LAUNCH_ERRORS.has(error.code);
}

function short(backfill: Backfill): string {
  return backfill.backfillId.slice(0, 8);
}

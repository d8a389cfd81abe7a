/**
 * Queued runs left by a serving process that stopped (SIGTERM with runs still waiting for a slot, a crash): the next
 * serving process starts them, oldest first. Which ones is decided here, purely; adoptQueuedRuns acts.
 */
import { EventType, RunStatus, type Run } from '../events/index.js';
import type { RunExecution, Storage } from '../storage/storage.js';
import { judgeExecution, type Liveness } from './dead-runs.js';

/** The error code of a queued run that could not be adopted because its assets are gone from the definitions. */
export const QUEUED_RUN_STALE_CODE = 'QUEUED_RUN_STALE';

/**
 * QUEUED runs whose recorded executor (the serving process that queued them) is gone, oldest first. A QUEUED run with
 * no executor is left alone: it is being recorded right now by a `weir run`, or is from a Weir before 0003.
 *
 * @example
 * orphanedQueuedRuns(await storage.runs.listExecutions({ statuses: ['QUEUED'], project: 'shop' }), { nowMs, ...localLiveness() })
 * // [{ runId: 'a1', status: 'QUEUED', executor: { host: 'h', pid: 4242, … }, … }]   (pid 4242 has exited)
 */
export function orphanedQueuedRuns(executions: readonly RunExecution[], context: Liveness & { nowMs: number }): RunExecution[] {
  return executions.filter((e) => e.status === RunStatus.QUEUED && e.executor !== null && judgeExecution(e, context) !== undefined);
}

/** What adoptQueuedRuns did. */
export interface AdoptedQueuedRuns {
  adopted: string[];
  /** Runs whose assets no longer exist: ended FAILURE with QUEUED_RUN_STALE, never started. */
  ended: Array<{ runId: string; missing: string[] }>;
}

/**
 * Hands every orphaned queued run of `project` to `adopt` (the in-process launcher), oldest first, so they start in
 * the order they were queued. A run naming an asset the definitions no longer have is ended clearly instead.
 *
 * @example
 * await adoptQueuedRuns({ storage, project: 'shop', hasAsset: (k) => graph.get(k) !== undefined, adopt: (run) => launcher.adopt(run), nowMs: Date.now(), ...localLiveness() })
 * // { adopted: ['a1', 'b2'], ended: [] }
 */
export async function adoptQueuedRuns(options: Liveness & {
  storage: Storage;
  project: string;
  nowMs: number;
  hasAsset: (key: string) => boolean;
  adopt: (run: Run) => Promise<void>;
}): Promise<AdoptedQueuedRuns> {
  const { storage, nowMs } = options;
  const executions = await storage.runs.listExecutions({ statuses: [RunStatus.QUEUED], project: options.project });
  const result: AdoptedQueuedRuns = { adopted: [], ended: [] };
  for (const execution of orphanedQueuedRuns(executions, options)) {
    const run = await storage.runs.getRun(execution.runId);
    if (!run || run.status !== RunStatus.QUEUED) continue;
    const missing = run.stepKeys.filter((key) => !options.hasAsset(key));
    if (missing.length) {
      const message = `Run never started: it was queued for ${missing.join(', ')}, which the definitions no longer have; launch it again`;
      await storage.runs.endRun(run.runId, [{
        runId: run.runId, project: run.project, stepKey: null, timestamp: nowMs, type: EventType.RUN_FAILURE, message,
        data: { durationMs: Math.max(0, nowMs - run.createdAt), succeeded: [], failed: [], skipped: run.stepKeys, error: { message, code: QUEUED_RUN_STALE_CODE } },
      }]);
      result.ended.push({ runId: run.runId, missing });
      continue;
    }
    await options.adopt(run);
    result.adopted.push(run.runId);
  }
  return result;
}

/** Cancelling a run from any process: the request is recorded in the metadata; a dead run is ended at once. */
import { FINISHED_RUN_STATUSES, RunStatus, type RunStatus as RunStatusType } from '../events/index.js';
import type { Storage } from '../storage/storage.js';
import { judgeExecution, type Liveness } from './dead-runs.js';
import { endDeadRun } from './end-dead-runs.js';

export type CancelOutcome =
  /** Recorded: the executing process sees it within STOP_POLL_INTERVAL_MS and ends the run CANCELED. */
  | { outcome: 'requested' }
  /** The run's process was gone: the cancel ended the run itself. */
  | { outcome: 'ended'; status: RunStatusType; reason: string }
  /** Nothing to do: the run had already finished. */
  | { outcome: 'finished'; status: RunStatusType }
  | { outcome: 'unknown' };

/**
 * Asks run `runId` to stop, whatever process executes it. A queued or started run whose process is alive gets the
 * request (its heartbeat loop aborts it), and a started one is CANCELING at once (RUN_CANCELING recorded here); one
 * whose process is gone is ended CANCELED here, its running steps failed.
 *
 * @example
 * await cancelRun(storage, '5b0e…', { nowMs: Date.now(), ...localLiveness() }) // { outcome: 'requested' }
 * await cancelRun(storage, 'dead…', { nowMs: Date.now(), ...localLiveness() })
 * // { outcome: 'ended', status: 'CANCELED', reason: 'the process running it stopped: pid 4242 on ana-laptop, last seen …' }
 */
export async function cancelRun(storage: Storage, runId: string, options: Liveness & { nowMs: number }): Promise<CancelOutcome> {
  const run = await storage.runs.getRun(runId);
  if (!run) return { outcome: 'unknown' };
  if (FINISHED_RUN_STATUSES.includes(run.status)) return { outcome: 'finished', status: run.status };
  if (!(await storage.runs.requestCancel(runId, options.nowMs))) return finishedNow(storage, runId);
  const [execution] = await storage.runs.listExecutions({ statuses: [RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING], runIds: [runId] });
  if (!execution) return finishedNow(storage, runId);
  const dead = judgeExecution(execution, options);
  if (!dead) {
    // Shown as stopping from now on, not only once the executor notices (a hung one may take long, or never).
    if (execution.status === RunStatus.STARTED) {
      await storage.runs.recordCanceling({
        runId, project: run.project, type: 'RUN_CANCELING', stepKey: null, timestamp: options.nowMs,
        message: 'Cancel requested: waiting for the process running it to stop it', data: {},
      });
    }
    return { outcome: 'requested' };
  }
  if (!(await endDeadRun(storage, dead, { nowMs: options.nowMs, canceled: true }))) return finishedNow(storage, runId);
  return { outcome: 'ended', status: RunStatus.CANCELED, reason: dead.reason };
}

async function finishedNow(storage: Storage, runId: string): Promise<CancelOutcome> {
  const run = await storage.runs.getRun(runId);
  return run ? { outcome: 'finished', status: run.status } : { outcome: 'unknown' };
}

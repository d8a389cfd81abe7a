/**
 * Deciding which unfinished runs have lost the process executing them, and the events that end such a run. Pure:
 * the clock, the stored runs and a process probe come in; end-dead-runs.ts acts on the answer.
 */
import {
  EventType, RunStatus, summarizeSteps, type EventRecord, type ExecutorLostData, type NewEvent,
} from '../events/index.js';
import type { RunExecution } from '../storage/storage.js';

/**
 * How long an executor on another host (which cannot be probed) may go without a heartbeat before its runs count as
 * dead: twelve missed beats of HEARTBEAT_INTERVAL_MS (run-heartbeat.ts), so a long GC pause or a busy disk is not a death.
 */
export const EXECUTOR_LOST_AFTER_MS = 60_000;

/** The error code on the events that end a run whose process was found gone. */
export const EXECUTOR_LOST_CODE = 'EXECUTOR_LOST';

/** What a decider knows of this machine. */
export interface Liveness {
  /** This host's name, as recorded in RunExecutor.host. */
  host: string;
  /**
   * Whether process `pid` (recorded with `processStart`) still runs on this host; undefined when this process cannot
   * tell (another pid namespace): the heartbeat decides then, as for another host.
   */
  isProcessAlive: (pid: number, processStart: string | null) => boolean | undefined;
}

export interface DeadRun {
  execution: RunExecution;
  lost: ExecutorLostData;
  /** For people: "the process running it stopped: pid 4242 on ana-laptop, last seen 2026-12-03 18:55:01 UTC". */
  reason: string;
}

/**
 * Whether this unfinished run's executor is gone, and why. On the executor's own host the process is probed (a
 * live process is never judged by its heartbeat: a step computing for minutes in one synchronous call must not be
 * reaped); on another host, when the probe cannot tell, or when no executor was recorded, only the heartbeat (else
 * the start) can.
 *
 * @example
 * judgeExecution({ status: 'STARTED', executor: { host: 'h', pid: 42, processStart: '9' }, heartbeatAt: 1000, … },
 *   { nowMs: 5000, host: 'h', isProcessAlive: () => false })
 * // { lost: { cause: 'process_gone', host: 'h', pid: 42, lastSeenAt: 1000 }, reason: 'the process running it stopped: pid 42 on h, last seen …' }
 */
export function judgeExecution(execution: RunExecution, context: Liveness & { nowMs: number }): DeadRun | undefined {
  const { executor } = execution;
  const lastSeenAt = execution.heartbeatAt ?? execution.startedAt ?? execution.createdAt;
  const seen = `last seen ${formatInstant(lastSeenAt)}`;
  const alive = executor && executor.host === context.host ? context.isProcessAlive(executor.pid, executor.processStart) : undefined;
  if (alive === true) return undefined;
  if (alive === false && executor) {
    return {
      execution, lost: { cause: 'process_gone', host: executor.host, pid: executor.pid, lastSeenAt },
      reason: `the process running it stopped: pid ${executor.pid} on ${executor.host}, ${seen}`,
    };
  }
  const silentMs = context.nowMs - lastSeenAt;
  if (silentMs <= EXECUTOR_LOST_AFTER_MS) return undefined;
  const silence = `no sign of life for ${Math.round(silentMs / 1000)} s`;
  if (!executor) {
    return {
      execution, lost: { cause: 'never_recorded', host: null, pid: null, lastSeenAt },
      reason: `the process running it stopped: none was recorded and there has been ${silence}, ${seen}`,
    };
  }
  return {
    execution, lost: { cause: 'heartbeat_lost', host: executor.host, pid: executor.pid, lastSeenAt },
    reason: `the process running it stopped: pid ${executor.pid} on ${executor.host} sent no heartbeat (${silence}), ${seen}`,
  };
}

/**
 * The started (or cancelling) runs whose executor is gone. Queued runs are never judged: nothing has started them,
 * and a queue may hold them for as long as it likes.
 *
 * @example
 * findDeadRuns({ nowMs: Date.now(), host: 'h', isProcessAlive, runs: await storage.runs.listExecutions({ statuses: ['STARTED', 'CANCELING'] }) })
 * // [{ execution: { runId: 'a1', … }, lost: { cause: 'process_gone', … }, reason: 'the process running it stopped: …' }]
 */
export function findDeadRuns(input: Liveness & { nowMs: number; runs: readonly RunExecution[] }): DeadRun[] {
  const dead: DeadRun[] = [];
  for (const execution of input.runs) {
    if (execution.status !== RunStatus.STARTED && execution.status !== RunStatus.CANCELING) continue;
    const verdict = judgeExecution(execution, input);
    if (verdict) dead.push(verdict);
  }
  return dead;
}

/**
 * The events that end a dead run: a STEP_FAILURE for each step it was running (or waiting to retry), then the run's
 * end. A run someone asked to cancel ends CANCELED (that was the wish, and nothing more will happen); any other ends
 * FAILURE. Steps never started stay pending: the run ended before reaching them.
 *
 * @example
 * endEventsForDeadRun(dead, stepEvents, { nowMs: 9000, canceled: false }).map((e) => `${e.type} ${e.stepKey ?? ''}`)
 * // ['STEP_FAILURE revenue', 'RUN_FAILURE ']
 */
export function endEventsForDeadRun(dead: DeadRun, stepEvents: readonly EventRecord[], options: { nowMs: number; canceled: boolean }): NewEvent[] {
  const { execution, lost, reason } = dead;
  const { nowMs, canceled } = options;
  const base = { runId: execution.runId, project: execution.project, timestamp: nowMs };
  const steps = summarizeSteps(execution.stepKeys, stepEvents);
  const error = { message: reason, code: EXECUTOR_LOST_CODE };
  const events: NewEvent[] = [];
  const failed: string[] = [];
  for (const step of steps) {
    if (step.status !== 'running' && step.status !== 'retrying') continue;
    const attempt = step.attempts.at(-1);
    failed.push(step.key);
    events.push({
      ...base, type: EventType.STEP_FAILURE, stepKey: step.key, message: `${step.key} failed: ${reason}`,
      data: {
        attempt: attempt?.attempt ?? 1, durationMs: Math.max(0, nowMs - (attempt?.startedAt ?? nowMs)),
        error, reason: canceled ? 'canceled' : 'error', executorLost: lost,
      },
    });
  }
  const data = {
    durationMs: Math.max(0, nowMs - (execution.startedAt ?? execution.createdAt)),
    succeeded: steps.filter((s) => s.status === 'succeeded' || s.status === 'reused').map((s) => s.key),
    failed: [...steps.filter((s) => s.status === 'failed').map((s) => s.key), ...failed],
    skipped: steps.filter((s) => s.status === 'skipped').map((s) => s.key),
    error, executorLost: lost,
  };
  const pending = steps.filter((s) => s.status === 'pending').map((s) => s.key);
  const notRun = pending.length ? `; not run: ${pending.join(', ')}` : '';
  events.push(canceled
    ? { ...base, type: EventType.RUN_CANCELED, stepKey: null, message: `Run cancelled: ${reason}${notRun}`, data: { ...data, canceled: pending } }
    : { ...base, type: EventType.RUN_FAILURE, stepKey: null, message: `Run failed: ${reason}${notRun}`, data });
  return events;
}

/** `2026-12-03 18:55:01 UTC`: the same in every time zone, as the event log's timestamps are. */
function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

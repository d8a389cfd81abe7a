/**
 * The embedded policy for dead runs: any Weir process that opens the metadata ends, as FAILURE, the started runs
 * whose process is gone. Production mode will re-queue them instead, through the same detection (dead-runs.ts).
 */
import { EventType, RunStatus } from '../events/index.js';
import { currentProcess, isProcessAlive } from '../shared/process-identity.js';
import type { Storage } from '../storage/storage.js';
import { endEventsForDeadRun, findDeadRuns, type DeadRun, type Liveness } from './dead-runs.js';

/** The step events a dead run's end is computed from. */
export const STEP_EVENT_TYPES = [EventType.STEP_START, EventType.STEP_SUCCESS, EventType.STEP_FAILURE, EventType.STEP_SKIPPED, EventType.STEP_UP_FOR_RETRY];

/**
 * This machine as the deciders see it: its host name and the real process probe.
 *
 * @example
 * localLiveness() // { host: 'ana-laptop', isProcessAlive: [Function] }
 */
export function localLiveness(): Liveness {
  return { host: currentProcess().host, isProcessAlive };
}

/**
 * Ends every started run of the store (or of `project`) whose executor is gone: appends STEP_FAILURE for its
 * running steps and RUN_FAILURE (RUN_CANCELED if a cancel had been requested), with the reason in the message and
 * in `executorLost`. Returns the runs it ended; a run that ended by itself meanwhile is left alone.
 *
 * @example
 * await endDeadRuns(storage, { nowMs: Date.now(), ...localLiveness() })
 * // [{ execution: { runId: '5b0e…' }, reason: 'the process running it stopped: pid 4242 on ana-laptop, last seen …' }]
 */
export async function endDeadRuns(storage: Storage, options: Liveness & { nowMs: number; project?: string }): Promise<DeadRun[]> {
  const runs = await storage.runs.listExecutions({ statuses: [RunStatus.STARTED, RunStatus.CANCELING], project: options.project });
  const ended: DeadRun[] = [];
  for (const dead of findDeadRuns({ ...options, runs })) {
    if (await endDeadRun(storage, dead, { nowMs: options.nowMs, canceled: dead.execution.cancelRequestedAt !== null })) ended.push(dead);
  }
  return ended;
}

/** Appends the events that end one dead run; false if it had ended meanwhile. */
export async function endDeadRun(storage: Storage, dead: DeadRun, options: { nowMs: number; canceled: boolean }): Promise<boolean> {
  const stepEvents = await storage.events.eventsForRun(dead.execution.runId, { types: STEP_EVENT_TYPES });
  return storage.runs.endRun(dead.execution.runId, endEventsForDeadRun(dead, stepEvents, options));
}

/** How often a long-lived process (`weir dev`) looks for runs that died while it serves: one indexed read. */
export const DEAD_RUN_CHECK_INTERVAL_MS = 2_000;

/**
 * Runs endDeadRuns every `intervalMs` until stopped, so the views of a long-lived process (`weir dev`) never show a
 * run as running after its process died. Errors (a busy database) wait for the next tick. Never keeps the process alive.
 *
 * @example
 * const stop = watchForDeadRuns(storage, { onEnded: (dead) => console.log(dead.reason) });
 * // … at shutdown:
 * await stop();
 */
export function watchForDeadRuns(storage: Storage, options: { intervalMs?: number; onEnded?: (dead: DeadRun) => void; now?: () => number } = {}): () => Promise<void> {
  const liveness = localLiveness();
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = inFlight.then(async () => {
      try {
        for (const dead of await endDeadRuns(storage, { nowMs: (options.now ?? Date.now)(), ...liveness })) options.onEnded?.(dead);
      } catch {
        // The next tick tries again.
      }
    });
  }, options.intervalMs ?? DEAD_RUN_CHECK_INTERVAL_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
  };
}

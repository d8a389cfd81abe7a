/** The executing process's side of liveness and cancellation: heartbeats, and polling for a stop request. */
import type { RunStore } from '../storage/storage.js';

/** How often the executing process writes its heartbeat: a write, so seconds apart (EXECUTOR_LOST_AFTER_MS is 12 of them). */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** How often it reads whether its run must stop: one primary-key read, so a cancel from elsewhere acts within a second. */
export const STOP_POLL_INTERVAL_MS = 250;

export interface RunHeartbeat {
  /** Stops the loop; resolves once no poll is in flight. */
  stop(): Promise<void>;
}

/**
 * Keeps run `runId` alive in the metadata and calls `onStop` once when another process asks it to stop (a cancel
 * request, or the run ended by someone who found it dead). Polls at once, then every STOP_POLL_INTERVAL_MS; a failed
 * read or write (a busy database) is retried at the next tick. Its timers never keep the process alive.
 *
 * @example
 * const heartbeat = startRunHeartbeat(storage.runs, runId, { onStop: () => controller.abort() });
 * try { await executeRun({ …, signal: controller.signal }); } finally { await heartbeat.stop(); }
 */
export function startRunHeartbeat(runs: RunStore, runId: string, options: { onStop: () => void; now?: () => number }): RunHeartbeat {
  const now = options.now ?? Date.now;
  let stopped = false;
  let asked = false;
  let lastBeat = now();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      if (!asked && (await runs.runsToStop([runId])).length > 0) {
        asked = true;
        options.onStop();
      }
      if (now() - lastBeat >= HEARTBEAT_INTERVAL_MS) {
        lastBeat = now();
        await runs.heartbeat([runId], lastBeat);
      }
    } catch {
      // The next tick tries again; a run must not fail because one poll met a locked database.
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick().finally(schedule);
    }, STOP_POLL_INTERVAL_MS);
    timer.unref();
  };
  inFlight = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight.catch(() => undefined);
    },
  };
}

/** A serving process's shutdown: refuse new runs, let the runs in flight finish within a grace period, cancel the rest. */
import type { InProcessLauncher } from '../engine/in-process-launcher.js';
import type { LaunchRequest, RunLauncher } from '../engine/run-launcher.js';
import { WeirError } from '../shared/errors.js';

/** `weir serve --grace` default: systemd's default TimeoutStopSec is 90 s, well above it. */
export const DEFAULT_GRACE_MS = 30_000;

/** A launcher that can be closed: after close(), launch() throws SERVING_PROCESS_STOPPING. */
export interface ClosableLauncher extends RunLauncher {
  close(): void;
}

/**
 * @example
 * const gate = closableLauncher(launcher, 'weir serve');
 * gate.close();
 * await gate.launch({ trigger: 'cli' }) // WeirError SERVING_PROCESS_STOPPING: weir serve is stopping …
 */
export function closableLauncher(launcher: RunLauncher, name: string): ClosableLauncher {
  let closed = false;
  return {
    async launch(request: LaunchRequest) {
      if (closed) {
        throw new WeirError(`${name} is stopping and starts no new run`, {
          code: 'SERVING_PROCESS_STOPPING', hint: 'Launch it again once the process has restarted (or run it by itself once it has stopped).',
        });
      }
      return launcher.launch(request);
    },
    cancel: (runId) => launcher.cancel(runId),
    close: () => { closed = true; },
  };
}

export interface DrainOutcome {
  /** Runs that finished by themselves within the grace period. */
  finished: string[];
  /** Runs still running at its end: cancelled (each ends CANCELED once its steps stop). */
  canceled: string[];
}

/**
 * Waits up to `graceMs` for the launcher's runs to finish, then cancels those still running and waits for them to end.
 *
 * @example
 * await drainRuns(launcher, { graceMs: 30_000 }) // { finished: ['5b0e…'], canceled: [] }
 */
export async function drainRuns(launcher: Pick<InProcessLauncher, 'running' | 'idle' | 'cancel'>, options: { graceMs: number; onCancel?: (runIds: string[]) => void }): Promise<DrainOutcome> {
  const before = launcher.running();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace_over'>((resolve) => { timer = setTimeout(() => resolve('grace_over'), options.graceMs); });
  const outcome = await Promise.race([launcher.idle().then(() => 'idle' as const), graceOver]);
  clearTimeout(timer);
  const canceled = outcome === 'idle' ? [] : launcher.running();
  if (canceled.length) {
    options.onCancel?.(canceled);
    for (const runId of canceled) await launcher.cancel(runId);
    await launcher.idle();
  }
  return { finished: before.filter((id) => !canceled.includes(id)), canceled };
}

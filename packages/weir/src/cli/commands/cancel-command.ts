/** `weir cancel RUN_ID`: cancels a run whatever process executes it, and waits until it has stopped. */
import { cancelRun } from '../../engine/cancel-run.js';
import { localLiveness } from '../../engine/end-dead-runs.js';
import { FINISHED_RUN_STATUSES } from '../../events/index.js';
import { formatDuration } from '../../shared/duration.js';
import { WeirError } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/json.js';
import { openMetadataOnly } from '../local-instance.js';
import { runStatusText, style } from '../output/style.js';

/** How long `weir cancel` waits for the executing process to stop the run before saying it has not yet. */
export const CANCEL_WAIT_MS = 30_000;
/** How often it looks while waiting. */
const WAIT_POLL_MS = 25;

export interface CancelCommandOptions {
  project: string;
  runId: string;
  /** Return once the request is recorded, without waiting for the run to stop. */
  wait?: boolean;
  json?: boolean;
}

/**
 * @example
 * await cancelCommand({ project: '.', runId: '5b0e' })
 * // prints "Cancelling run 5b0e1c2a…" then "Run 5b0e1c2a ■ cancelled after 0.3 s"; returns 0
 */
export async function cancelCommand(options: CancelCommandOptions): Promise<number> {
  const { storage } = await openMetadataOnly(options.project, { endDeadRuns: false });
  try {
    const runId = await storage.runs.resolveRunId(options.runId);
    if (!runId) throw new WeirError(`no run matches '${options.runId}'`, { code: 'UNKNOWN_RUN', hint: 'List runs with `weir runs`; any unique prefix of a run id works.' });
    const short = runId.slice(0, 8);
    const requestedAt = Date.now();
    const result = await cancelRun(storage, runId, { nowMs: requestedAt, ...localLiveness() });
    const say = (text: string, fields: Record<string, unknown>) => {
      process.stdout.write(options.json ? `${stringifyJson({ runId, ...fields })}\n` : `${text}\n`);
    };
    switch (result.outcome) {
      case 'unknown':
        throw new WeirError(`no run matches '${options.runId}'`, { code: 'UNKNOWN_RUN', hint: 'List runs with `weir runs`.' });
      case 'finished':
        throw new WeirError(`run ${short} has already finished (${result.status}); there is nothing to cancel`, {
          code: 'RUN_FINISHED', hint: `See what it did with \`weir run-info ${short}\`.`,
        });
      case 'ended':
        say(`Run ${short} ${runStatusText(result.status)}: ${result.reason}`, { outcome: 'ended', status: result.status, reason: result.reason });
        return 0;
      case 'requested':
        break;
    }
    if (options.wait === false) {
      say(`Cancel of run ${short} requested; the process running it stops it within a second.`, { outcome: 'requested' });
      return 0;
    }
    if (!options.json) process.stdout.write(style.dim(`Cancelling run ${short}…\n`));
    for (;;) {
      const run = await storage.runs.getRun(runId);
      if (run && FINISHED_RUN_STATUSES.includes(run.status)) {
        say(`Run ${short} ${runStatusText(run.status)} after ${formatDuration(Date.now() - requestedAt)}`, { outcome: 'stopped', status: run.status });
        return run.status === 'CANCELED' ? 0 : 1;
      }
      if (Date.now() - requestedAt > CANCEL_WAIT_MS) {
        throw new WeirError(`run ${short} has not stopped ${formatDuration(CANCEL_WAIT_MS)} after the cancel request`, {
          code: 'CANCEL_PENDING', hint: 'The request stays recorded: the process running it stops at its next check. If that process hangs, stop it (kill its pid) and the next weir command ends the run.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  } finally {
    await storage.close();
  }
}

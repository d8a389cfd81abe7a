/** `weir cancel RUN_ID`: cancels a run whatever process executes it, and waits until it has stopped. */
import { cancelRun } from '../../engine/cancel-run.js';
import { localLiveness } from '../../engine/end-dead-runs.js';
import { FINISHED_RUN_STATUSES, RunStatus } from '../../events/index.js';
import { formatDuration } from '../../shared/duration.js';
import { WeirError } from '../../shared/errors.js';
import { stringifyJson } from '../../shared/json.js';
import type { Storage } from '../../storage/storage.js';
import { openMetadataOnly } from '../local-instance.js';
import { runStatusText, style } from '../output/style.js';

/** How long `weir cancel` waits for the executing process to stop the run before saying it is still stopping. */
export const CANCEL_WAIT_MS = 30_000;
/** How often, once past CANCEL_WAIT_MS, it checks again whether the run's process is still alive. */
const RECHECK_MS = 1000;
/** How often it looks while waiting. */
const WAIT_POLL_MS = 25;

export interface CancelCommandOptions {
  project: string;
  runId: string;
  /** Return once the request is recorded, without waiting for the run to stop. */
  wait?: boolean;
  json?: boolean;
  /** After how long to say the run is still stopping (default CANCEL_WAIT_MS; tests shorten it). */
  stillStoppingAfterMs?: number;
  /** Where it writes (default process.stdout and process.stderr). */
  output?: { stdout: Pick<NodeJS.WriteStream, 'write'>; stderr: Pick<NodeJS.WriteStream, 'write'> };
}

/**
 * @example
 * await cancelCommand({ project: '.', runId: '5b0e' })
 * // prints "Cancelling run 5b0e1c2a…" then "Run 5b0e1c2a ■ cancelled after 0.3 s"; returns 0
 */
export async function cancelCommand(options: CancelCommandOptions): Promise<number> {
  const { stdout, stderr } = options.output ?? process;
  const { storage } = await openMetadataOnly(options.project, { endDeadRuns: false });
  try {
    const runId = await storage.runs.resolveRunId(options.runId);
    if (!runId) throw new WeirError(`no run matches '${options.runId}'`, { code: 'UNKNOWN_RUN', hint: 'List runs with `weir runs`; any unique prefix of a run id works.' });
    const short = runId.slice(0, 8);
    const requestedAt = Date.now();
    const result = await cancelRun(storage, runId, { nowMs: requestedAt, ...localLiveness() });
    const say = (text: string, fields: Record<string, unknown>) => {
      stdout.write(options.json ? `${stringifyJson({ runId, ...fields })}\n` : `${text}\n`);
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
    if (!options.json) stdout.write(style.dim(`Cancelling run ${short}…\n`));
    // Waits as long as the run's process lives: a stop can take a while (a DuckDB query that does not check for
    // interrupts often), and giving up would leave the user no better informed. Past the notice, it says why it is
    // still waiting, and each second it checks the process again: a process that died meanwhile ends the run here.
    const noticeAfterMs = options.stillStoppingAfterMs ?? CANCEL_WAIT_MS;
    let noticed = false;
    let lastCheck = Date.now();
    for (;;) {
      const run = await storage.runs.getRun(runId);
      if (run && FINISHED_RUN_STATUSES.includes(run.status)) {
        say(`Run ${short} ${runStatusText(run.status)} after ${formatDuration(Date.now() - requestedAt)}`, { outcome: 'stopped', status: run.status });
        return run.status === 'CANCELED' ? 0 : 1;
      }
      if (!noticed && Date.now() - requestedAt > noticeAfterMs) {
        noticed = true;
        stderr.write(`${await stillStoppingNotice(storage, runId, Date.now() - requestedAt)}\n`);
      }
      if (noticed && Date.now() - lastCheck >= RECHECK_MS) {
        lastCheck = Date.now();
        const again = await cancelRun(storage, runId, { nowMs: lastCheck, ...localLiveness() });
        if (again.outcome === 'ended') {
          say(`Run ${short} ${runStatusText(again.status)}: ${again.reason}`, { outcome: 'ended', status: again.status, reason: again.reason });
          return 0;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  } finally {
    await storage.close();
  }
}

/** Why `weir cancel` is still waiting, and what the user can do: names the process that has yet to stop the run. */
async function stillStoppingNotice(storage: Storage, runId: string, waitedMs: number): Promise<string> {
  const short = runId.slice(0, 8);
  const [execution] = await storage.runs.listExecutions({ statuses: [RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING], runIds: [runId] });
  const who = execution?.executor ? `its process (pid ${execution.executor.pid} on ${execution.executor.host})` : 'the process running it';
  const kill = execution?.executor ? `kill ${execution.executor.pid}` : 'stop that process';
  return `Run ${short} is still stopping after ${formatDuration(waitedMs)}: ${who} is alive and has not ended it yet. `
    + `Still waiting (Ctrl-C stops waiting; the cancel stays recorded). If that process hangs, ${kill}: the run is then ended at once.`;
}

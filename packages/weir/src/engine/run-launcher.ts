/** What the server and the scheduler need to start and stop runs. The CLI picks the implementation (in process: `inProcessLauncher`). */
import type { Run, RunTrigger } from '../events/index.js';

/** A run to start: a selection or exact step keys, as `launchRun` takes them. */
export interface LaunchRequest {
  select?: string | string[];
  exclude?: string | string[];
  /** Exact asset keys; overrides select and exclude. */
  stepKeys?: string[];
  skipUnchanged?: boolean;
  trigger: RunTrigger;
  parentRunId?: string;
  rootRunId?: string;
  tags?: Record<string, string>;
  /** Setting values for this run only, over the project's (names the project declares). */
  settings?: Record<string, string | number | boolean>;
  concurrency?: number;
  /** The partition to materialize (tag `weir/partition`); see LaunchRunOptions.partition. */
  partition?: string;
}

/**
 * Starts runs in the background and cancels them.
 *
 * @example
 * const run = await launcher.launch({ select: 'revenue+', trigger: 'ui' }); // resolves once the run is recorded
 * run.status // 'QUEUED': it goes on after the HTTP answer
 * await launcher.cancel(run.runId) // true: it was running here and is now cancelling
 */
export interface RunLauncher {
  /** Records the run and starts it; resolves as soon as it is recorded, not when it ends. */
  launch(request: LaunchRequest): Promise<Run>;
  /** Asks a run started by this launcher to stop. False when this launcher is not running it. */
  cancel(runId: string): Promise<boolean>;
}

/** The background loop that launches run-level retries: it finds failed runs, asks decideRunRetry, and launches. */
import type { RunRetryPolicy } from '../definitions/run-retry.js';
import { RunStatus, type Run } from '../events/index.js';
import { STEP_EVENT_TYPES } from '../engine/end-dead-runs.js';
import type { BackgroundLoop } from '../shared/background-loop.js';
import type { AutomationDeps } from './automation-deps.js';
import { decideRunRetry, RETRY_OF_TAG, type RunRetryDecision } from './run-retries.js';

/** How far back the loop looks for failed runs: a retry due while no process ran is launched when one starts again. */
export const RUN_RETRY_LOOKBACK_MS = 24 * 3_600_000;
/** Failed runs (and retry runs) read per pass, newest first. */
const MAX_RUNS_READ = 500;
export const RUN_RETRY_INTERVAL_MS = 1_000;

export interface RunRetryLoopOptions {
  intervalMs?: number;
  lookbackMs?: number;
}

/**
 * Each pass: the project's failed runs of the last day that no retry run points at (tag `weir/retry-of`); for each,
 * the decision (cached: it depends only on stored events and the definitions); due retries are launched as new runs
 * with trigger 'retry', parentRunId and rootRunId linking the chain. Durable without a table of its own: whether a
 * failed run was retried is read back from the runs, so a restart neither loses a pending retry nor repeats one.
 *
 * @example
 * const loop = createRunRetryLoop(deps);
 * await loop.runOnce(Date.now(), signal) // launches 'retry' runs for failed runs whose delay has passed
 */
export function createRunRetryLoop(deps: Pick<AutomationDeps, 'project' | 'storage' | 'launcher' | 'log'>, options: RunRetryLoopOptions = {}): BackgroundLoop {
  const lookbackMs = options.lookbackMs ?? RUN_RETRY_LOOKBACK_MS;
  /** Decisions by failed run id, with the definitions they were taken with: a reload decides again. */
  const decisions = new Map<string, { definitions: object; decision: RunRetryDecision }>();
  const log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => deps.log({ level, loop: 'run-retries', message, ...(fields ? { fields } : {}) });

  return {
    name: 'run-retries',
    intervalMs: options.intervalMs ?? RUN_RETRY_INTERVAL_MS,
    async runOnce(nowMs, signal) {
      const { definitions, graph } = deps.project();
      const project = definitions.project.name;
      const since = nowMs - lookbackMs;
      const [failures, retries] = await Promise.all([
        deps.storage.runs.listRuns({ project, statuses: [RunStatus.FAILURE], since, limit: MAX_RUNS_READ }),
        deps.storage.runs.listRuns({ project, trigger: 'retry', since, limit: MAX_RUNS_READ }),
      ]);
      const retried = new Set(retries.map((r) => r.tags[RETRY_OF_TAG]).filter((id): id is string => id !== undefined));
      const policies = new Map<string, RunRetryPolicy>();
      for (const asset of definitions.assets) if (asset.runRetry) policies.set(asset.key, asset.runRetry);
      // A run a schedule launched (tag weir/schedule, kept on its retries) also takes that schedule's policy, for
      // failed assets with none of their own.
      const schedulePolicies = new Map((definitions.schedules ?? []).flatMap((s) => (s.runRetry ? [[s.name, s.runRetry] as const] : [])));
      const seen = new Set<string>();
      // Oldest first: retries of a chain start in the order the runs failed.
      for (const run of [...failures].reverse()) {
        seen.add(run.runId);
        if (signal.aborted) return;
        if (retried.has(run.runId)) continue;
        const decision = await decide(run, definitions, {
          policyOf: (key) => policies.get(key) ?? schedulePolicies.get(run.tags['weir/schedule'] ?? ''),
          downstreamOf: (key) => (graph.get(key) ? graph.downstreamOf(key) : undefined),
        });
        if (!decision.retry || decision.atMs > nowMs) continue;
        const launched = await deps.launcher.launch({
          stepKeys: decision.stepKeys, trigger: 'retry', parentRunId: decision.parentRunId, rootRunId: decision.rootRunId, tags: decision.tags,
        });
        retried.add(run.runId);
        log('info', `run ${run.runId.slice(0, 8)} failed on a transient error: retry ${decision.attempt} of ${decision.max} is run ${launched.runId.slice(0, 8)}`, {
          runId: launched.runId, retryOf: run.runId, rootRunId: decision.rootRunId, attempt: decision.attempt, max: decision.max, stepKeys: decision.stepKeys,
        });
      }
      // Forget what fell out of the window.
      for (const runId of decisions.keys()) if (!seen.has(runId)) decisions.delete(runId);
    },
  };

  async function decide(run: Run, definitions: object, context: Pick<Parameters<typeof decideRunRetry>[0], 'policyOf' | 'downstreamOf'>): Promise<RunRetryDecision> {
    const cached = decisions.get(run.runId);
    if (cached && cached.definitions === definitions) return cached.decision;
    const stepEvents = await deps.storage.events.eventsForRun(run.runId, { types: STEP_EVENT_TYPES });
    const decision = decideRunRetry({ run, stepEvents, ...context });
    decisions.set(run.runId, { definitions, decision });
    // Said once per run (and again after a reload), only where a policy exists: other failures are not its business.
    if (!decision.retry && !/has no runRetry policy|outside its steps/.test(decision.reason)) {
      log('info', `run ${run.runId.slice(0, 8)} is not retried: ${decision.reason}`, { runId: run.runId });
    }
    return decision;
  }
}

/** Which steps of a finished run did not produce their asset, and what depends on them: what a re-run from failure runs. Pure. */
import type { StepSummary } from '../events/index.js';

/** Steps that did not produce their asset in the run: failed, skipped (not reused), cancelled, never started or never finished. */
export const NOT_DONE_STEP_STATUSES: ReadonlySet<StepSummary['status']> = new Set<StepSummary['status']>(['failed', 'skipped', 'canceled', 'pending', 'running', 'retrying']);

/**
 * The run's steps to do again, in plan order: those not done and their downstream, only within the run's plan (a
 * re-run never widens a run). Empty when every step was done.
 *
 * @example
 * // planned a → b → c; b failed, c was skipped
 * redoSteps({ stepKeys: ['a', 'b', 'c'], steps, downstreamOf: (k) => graph.downstreamOf(k) }) // ['b', 'c']
 */
export function redoSteps(input: {
  stepKeys: readonly string[];
  steps: readonly Pick<StepSummary, 'key' | 'status'>[];
  downstreamOf: (key: string) => Iterable<string> | undefined;
}): string[] {
  const inRun = new Set(input.stepKeys);
  const chosen = new Set(input.steps.filter((s) => NOT_DONE_STEP_STATUSES.has(s.status) && inRun.has(s.key)).map((s) => s.key));
  for (const key of [...chosen]) for (const down of input.downstreamOf(key) ?? []) if (inRun.has(down)) chosen.add(down);
  return input.stepKeys.filter((k) => chosen.has(k));
}

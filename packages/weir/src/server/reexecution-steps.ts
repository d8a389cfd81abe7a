/** Which steps a re-execution runs, decided from the parent run's plan and step outcomes. Pure. */
import type { StepSummary } from '../events/index.js';
import { redoSteps } from '../engine/redo-steps.js';
import { ApiError } from './api-error.js';

export type ReexecutionMode = 'all' | 'from_failure' | 'selected';

export interface ReexecutionInput {
  mode: ReexecutionMode;
  /** The parent run's planned steps, in plan order. */
  parentStepKeys: readonly string[];
  /** The parent's steps as summarized from its events. */
  steps: readonly Pick<StepSummary, 'key' | 'status'>[];
  /** Downstream keys of an asset in the current graph (undefined when the asset no longer exists). */
  downstreamOf: (key: string) => Iterable<string> | undefined;
  /** Whether the current definitions still have this asset. */
  exists: (key: string) => boolean;
  /** For mode `selected`. */
  stepKeys?: readonly string[];
}

/**
 * @example
 * // parent planned a → b → c; b failed, c was skipped
 * reexecutionSteps({ mode: 'from_failure', parentStepKeys: ['a', 'b', 'c'], steps, downstreamOf, exists })
 * // ['b', 'c']
 * @throws ApiError 409 NOTHING_TO_REEXECUTE when from_failure finds no failed or skipped step;
 *   400 UNKNOWN_STEP when a key is no longer (or never was) an asset.
 */
export function reexecutionSteps(input: ReexecutionInput): string[] {
  const inParent = new Set(input.parentStepKeys);
  let chosen: Set<string>;
  if (input.mode === 'all') {
    chosen = inParent;
  } else if (input.mode === 'selected') {
    chosen = new Set(input.stepKeys ?? []);
  } else {
    // What depends on a failed step was skipped, but only within the parent's plan: re-execution never widens a run.
    chosen = new Set(redoSteps({ stepKeys: input.parentStepKeys, steps: input.steps, downstreamOf: input.downstreamOf }));
    if (!chosen.size) throw new ApiError(409, 'NOTHING_TO_REEXECUTE', 'The run has no failed or skipped step to re-execute from; re-execute all instead.');
  }
  const missing = [...chosen].filter((key) => !input.exists(key));
  if (missing.length) {
    throw new ApiError(400, 'UNKNOWN_STEP', `No asset ${missing.map((k) => `'${k}'`).join(', ')} in the current definitions; re-execute selected steps without ${missing.length > 1 ? 'them' : 'it'}.`, { missing });
  }
  const order = [...input.parentStepKeys];
  // Parent plan order first; selected keys outside the parent's plan after, in the order given.
  return [...order.filter((k) => chosen.has(k)), ...[...chosen].filter((k) => !inParent.has(k))];
}

/** Steps of a run as derived from its events: the steps of the one fold (run-fold.ts), for readers that want only those. */
import type { EventRecord } from './run-event.js';
import { foldRunEvents, type StepSummary } from './run-fold.js';

export type { StepAttempt, StepStatus, StepSummary } from './run-fold.js';

/**
 * @example
 * summarizeSteps(['a', 'b'], events).map((s) => `${s.key}:${s.status}`) // ['a:succeeded', 'b:skipped']
 */
export function summarizeSteps(stepKeys: readonly string[], events: readonly EventRecord[]): StepSummary[] {
  return [...foldRunEvents(stepKeys, events).steps];
}

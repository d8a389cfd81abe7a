/** What came of a check evaluation, declared once and stored on the event (`ASSET_CHECK_EVALUATION.data.outcome`). */
import type { CheckEvaluationData } from './run-event.js';

/**
 * - `passed`: the data met the expectation.
 * - `warn_only`: passed the error threshold but crossed the warning one (dbt's `warn_if` below `error_if`).
 * - `warned`: failed, with severity `warn`: reported, nothing blocked.
 * - `failed`: failed, with severity `error`: nothing published, downstream skipped.
 * - `could_not_run`: the check itself errored (a misspelt column, a bad query); it blocks when its severity is `error`.
 *
 * Stored: never renamed.
 */
export const CheckOutcome = { PASSED: 'passed', WARN_ONLY: 'warn_only', WARNED: 'warned', FAILED: 'failed', COULD_NOT_RUN: 'could_not_run' } as const;
export type CheckOutcome = (typeof CheckOutcome)[keyof typeof CheckOutcome];
export const CHECK_OUTCOMES: readonly CheckOutcome[] = Object.values(CheckOutcome);

/**
 * The outcome of an evaluation: its stored `outcome`, or for events stored before that field existed, what
 * `passed` and `severity` say (those events cannot tell `could_not_run` or `warn_only` apart, and no message is
 * read to guess).
 *
 * @example
 * checkOutcomeOf({ passed: false, severity: 'warn' })                        // 'warned'
 * checkOutcomeOf({ passed: false, severity: 'error', outcome: 'could_not_run' }) // 'could_not_run'
 */
export function checkOutcomeOf(data: Pick<CheckEvaluationData, 'passed' | 'severity' | 'outcome'>): CheckOutcome {
  if (data.outcome) return data.outcome;
  if (data.passed) return CheckOutcome.PASSED;
  return data.severity === 'warn' ? CheckOutcome.WARNED : CheckOutcome.FAILED;
}

/**
 * Which count of a step's checks an outcome adds to: a warning-only pass is a warning to people (dbt says `warn`).
 *
 * @example
 * checkCountOf('warn_only') // 'warned'
 */
export function checkCountOf(outcome: CheckOutcome): 'passed' | 'warned' | 'failed' | 'couldNotRun' {
  switch (outcome) {
    case CheckOutcome.PASSED: return 'passed';
    case CheckOutcome.WARN_ONLY:
    case CheckOutcome.WARNED: return 'warned';
    case CheckOutcome.FAILED: return 'failed';
    case CheckOutcome.COULD_NOT_RUN: return 'couldNotRun';
  }
}

/** dbt's run_results.json statuses, read from the one fold of a run's events (events/run-fold.ts): never from messages. */
import { CheckOutcome, FailReason, SkipReason, StepStatus, type StepSummary } from '../../events/index.js';
import type { RunStatus as DbtStatus } from '../../loaders/dbt/artifacts.js';

/**
 * A model's or seed's status. A step that failed only its tests is `success` under `publish_then_test` (dbt
 * published it, then tested); a step cancelled while running is dbt's `error` (as dbt marks an interrupted node),
 * one cancelled before it started is `skipped`, like one skipped for an upstream failure or reused unchanged.
 *
 * @example
 * dbtNodeStatusOf({ status: 'failed', failReason: 'check_failed' }, { publishThenTest: true }) // 'success'
 * dbtNodeStatusOf({ status: 'canceled', skipReason: 'canceled' }, { publishThenTest: false })  // 'skipped'
 */
export function dbtNodeStatusOf(step: Pick<StepSummary, 'status' | 'failReason' | 'skipReason'>, options: { publishThenTest: boolean }): DbtStatus | undefined {
  switch (step.status) {
    case StepStatus.SUCCEEDED: return 'success';
    case StepStatus.SKIPPED:
    case StepStatus.REUSED: return 'skipped';
    case StepStatus.CANCELED: return step.skipReason === SkipReason.CANCELED ? 'skipped' : 'error';
    case StepStatus.FAILED: return step.failReason === FailReason.CHECK_FAILED && options.publishThenTest ? 'success' : 'error';
    default: return undefined; // never reached an end: not reported
  }
}

/**
 * A test's status from its check's outcome: dbt's `warn` for a warning (severity warn, or a warn-only pass), `error`
 * when the test query itself errored.
 *
 * @example
 * dbtTestStatusOf('warn_only')     // 'warn'
 * dbtTestStatusOf('could_not_run') // 'error'
 */
export function dbtTestStatusOf(outcome: CheckOutcome): DbtStatus {
  switch (outcome) {
    case CheckOutcome.PASSED: return 'pass';
    case CheckOutcome.WARN_ONLY:
    case CheckOutcome.WARNED: return 'warn';
    case CheckOutcome.FAILED: return 'fail';
    case CheckOutcome.COULD_NOT_RUN: return 'error';
  }
}

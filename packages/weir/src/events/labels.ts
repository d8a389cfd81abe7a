/**
 * The words people read for runs, steps and checks: the ONE mapping from stored values to labels, used by the
 * terminal, the API's summaries and the web UI. Stored strings (CANCELED, `canceled`) never change; labels may.
 * Cancelled is spelled one way everywhere people read it.
 */
import type { CheckOutcome } from './check-outcome.js';
import type { RunStatus } from './run.js';
import type { StepSkippedData } from './run-event.js';
import type { StepStatus } from './run-fold.js';
import type { FailReason } from './step-vocabulary.js';

/** Lower case, to sit inside a sentence (`✘ failure in 335ms`); a UI badge capitalises the first letter. */
export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  QUEUED: 'queued', STARTED: 'running', SUCCESS: 'success', FAILURE: 'failure', CANCELING: 'cancelling', CANCELED: 'cancelled',
};

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  pending: 'pending', running: 'running', retrying: 'retrying', succeeded: 'succeeded', failed: 'failed',
  skipped: 'skipped', reused: 'reused', canceled: 'cancelled',
};

export const CHECK_OUTCOME_LABELS: Record<CheckOutcome, string> = {
  passed: 'passed', warn_only: 'warning only', warned: 'warning', failed: 'failed', could_not_run: 'could not run',
};

/** How a failed step is described after its key: `orders timed out: …`. */
export const FAIL_REASON_LABELS: Record<FailReason, string> = {
  error: 'failed', check_failed: 'failed its checks', timeout: 'timed out', canceled: 'was cancelled',
};

/**
 * Why a step was skipped, said from the event's structured fields (never from its message), without the step's key.
 *
 * @example
 * skipReasonText({ reason: 'upstream_failed', blockedBy: ['orders'] })        // 'upstream orders failed'
 * skipReasonText({ reason: 'unchanged', reusedRunId: '5b0e1c2a-77f0-…' })     // 'unchanged since run 5b0e1c2a: reused'
 */
export function skipReasonText(data: Pick<StepSkippedData, 'reason' | 'blockedBy' | 'reusedRunId'>): string {
  const upstream = data.blockedBy?.length ? `upstream ${data.blockedBy.join(', ')}` : 'an upstream step';
  switch (data.reason) {
    case 'upstream_failed': return `${upstream} failed`;
    case 'upstream_check_failed': return `${upstream} failed its checks`;
    case 'canceled': return 'the run was cancelled';
    case 'unchanged': return data.reusedRunId ? `unchanged since run ${data.reusedRunId.slice(0, 8)}: reused` : 'unchanged: reused';
  }
}

/** The stored words for steps: their kinds, why one failed, why one was skipped. Declared once; labels are in labels.ts. */

/** What a step does: materialize an asset, or observe an external one (a source). */
export const StepKind = { ASSET: 'asset', OBSERVE: 'observe' } as const;
export type StepKind = (typeof StepKind)[keyof typeof StepKind];
export const STEP_KINDS: readonly StepKind[] = Object.values(StepKind);

/**
 * Why a step failed (`STEP_FAILURE.data.reason`). Stored: never renamed.
 * `canceled` is a step stopped by a cancel of its run: the readers show it as cancelled, not as failed.
 */
export const FailReason = { ERROR: 'error', CHECK_FAILED: 'check_failed', TIMEOUT: 'timeout', CANCELED: 'canceled' } as const;
export type FailReason = (typeof FailReason)[keyof typeof FailReason];
export const FAIL_REASONS: readonly FailReason[] = Object.values(FailReason);

/**
 * Why a step was skipped (`STEP_SKIPPED.data.reason`). Stored: never renamed.
 * `unchanged` is not a skip to people: the step's last materialization was reused (status `reused`).
 */
export const SkipReason = { UPSTREAM_FAILED: 'upstream_failed', UPSTREAM_CHECK_FAILED: 'upstream_check_failed', UNCHANGED: 'unchanged', CANCELED: 'canceled' } as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];
export const SKIP_REASONS: readonly SkipReason[] = Object.values(SkipReason);

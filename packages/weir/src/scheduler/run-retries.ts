/**
 * Run-level retries, decided purely: given a failed run, its step events and the retry policies of its assets, whether
 * to launch it again, when, and which steps (the failed ones and what depends on them). The loop in
 * run-retry-loop.ts acts on the decision.
 */
import { isTransientError, retryDelayMs, type RunRetryPolicy } from '../definitions/run-retry.js';
import { EventType, FailReason, RunStatus, summarizeSteps, type ErrorInfo, type EventRecord, type Run } from '../events/index.js';
import { redoSteps } from '../engine/redo-steps.js';

/** Tags of a retry run: which run it retries, which retry it is, and of how many at most. Stored: never renamed. */
export const RETRY_OF_TAG = 'weir/retry-of';
export const RETRY_ATTEMPT_TAG = 'weir/retry-attempt';
export const RETRY_MAX_TAG = 'weir/retry-max';
const RETRY_TAGS = [RETRY_OF_TAG, RETRY_ATTEMPT_TAG, RETRY_MAX_TAG];

export interface RunRetryInput {
  run: Run;
  /** The run's STEP_START, STEP_SUCCESS, STEP_FAILURE, STEP_SKIPPED and STEP_UP_FOR_RETRY events. */
  stepEvents: readonly EventRecord[];
  /** The retry policy for a failed step: its asset's `runRetry` (else its schedule's), undefined when none. */
  policyOf: (assetKey: string) => RunRetryPolicy | undefined;
  /** Downstream keys of an asset in the current graph; undefined when the asset no longer exists. */
  downstreamOf: (assetKey: string) => Iterable<string> | undefined;
}

export type RunRetryDecision =
  | {
    retry: true;
    /** 1 for the first retry of the chain. */
    attempt: number;
    max: number;
    /** When to launch it: the failed run's end plus the policy's delay for this attempt. */
    atMs: number;
    stepKeys: string[];
    parentRunId: string;
    rootRunId: string;
    tags: Record<string, string>;
  }
  | { retry: false; reason: string };

/**
 * @example
 * // run r1 failed at `orders` with "read ECONNRESET"; orders has runRetry { max: 3, delay: '1m' }; report depends on it
 * decideRunRetry({ run: r1, stepEvents, policyOf, downstreamOf })
 * // { retry: true, attempt: 1, max: 3, atMs: r1.endedAt + 60000, stepKeys: ['orders', 'report'], parentRunId: 'r1', rootRunId: 'r1',
 * //   tags: { 'weir/retry-of': 'r1', 'weir/retry-attempt': '1', 'weir/retry-max': '3' } }
 * // the same run failing on "Binder Error: column x not found":
 * // { retry: false, reason: 'orders failed on an error not marked transient: Binder Error: column x not found' }
 */
export function decideRunRetry(input: RunRetryInput): RunRetryDecision {
  const { run } = input;
  if (run.status !== RunStatus.FAILURE) return { retry: false, reason: `the run ended ${run.status}, not FAILURE` };
  const steps = summarizeSteps(run.stepKeys, input.stepEvents);
  const failed = steps.filter((s) => s.status === 'failed');
  if (!failed.length) return { retry: false, reason: 'no step failed (the run failed outside its steps)' };
  const lastFailure = lastFailureByStep(input.stepEvents);
  const policies: RunRetryPolicy[] = [];
  for (const step of failed) {
    const policy = input.policyOf(step.key);
    if (!policy) return { retry: false, reason: `${step.key} has no runRetry policy` };
    const failure = lastFailure.get(step.key);
    if (failure?.reason === FailReason.CHECK_FAILED) return { retry: false, reason: `${step.key} failed a blocking check (a data problem, not a transient error)` };
    if (failure?.reason === FailReason.CANCELED) return { retry: false, reason: `${step.key} was cancelled` };
    const error: ErrorInfo = failure?.error ?? { message: step.reason ?? '' };
    if (!isTransientError(error, policy)) return { retry: false, reason: `${step.key} failed on an error not marked transient: ${firstLine(error.message)}` };
    policies.push(policy);
  }
  // Several failed assets: the strictest limit and the longest wait of their policies.
  const done = Number(run.tags[RETRY_ATTEMPT_TAG] ?? 0) || 0;
  const attempt = done + 1;
  const max = Math.min(...policies.map((p) => p.max));
  if (attempt > max) return { retry: false, reason: `retried ${done} time${done === 1 ? '' : 's'} already (max ${max})` };
  const missing = failed.map((s) => s.key).filter((key) => input.downstreamOf(key) === undefined);
  if (missing.length) return { retry: false, reason: `${missing.join(', ')} no longer in the definitions` };
  const stepKeys = redoSteps({ stepKeys: run.stepKeys, steps, downstreamOf: input.downstreamOf });
  const delayMs = Math.max(...policies.map((p) => retryDelayMs(p, attempt)));
  const kept = Object.fromEntries(Object.entries(run.tags).filter(([name]) => !RETRY_TAGS.includes(name)));
  return {
    retry: true, attempt, max, atMs: (run.endedAt ?? run.createdAt) + delayMs, stepKeys,
    parentRunId: run.runId, rootRunId: run.rootRunId ?? run.runId,
    tags: { ...kept, [RETRY_OF_TAG]: run.runId, [RETRY_ATTEMPT_TAG]: String(attempt), [RETRY_MAX_TAG]: String(max) },
  };
}

function lastFailureByStep(events: readonly EventRecord[]): Map<string, { error: ErrorInfo; reason: string }> {
  const byStep = new Map<string, { error: ErrorInfo; reason: string }>();
  for (const event of events) {
    if (event.type === EventType.STEP_FAILURE && event.stepKey) {
      const data = event.data as { error: ErrorInfo; reason: string };
      byStep.set(event.stepKey, { error: data.error, reason: data.reason });
    }
  }
  return byStep;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}

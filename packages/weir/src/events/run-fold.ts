/**
 * The ONE reading of a run's events: run status, and each step's status, attempts, rows and check counts. The
 * server's run summary, the UI's live page, the terminal's display and dbt's run_results.json all fold events
 * with it, so they cannot disagree about what happened.
 *
 * `applyRunEvents` is a pure reducer, applied to one event or a batch:
 * - **Idempotent by event id.** The state remembers the last event id it holds (`lastEventId`); an event at or
 *   below it changes nothing. Event ids increase across the whole store and a run's events are appended in order,
 *   so a reader may apply any overlap of events (a reconnecting stream, a snapshot newer than the stream) safely.
 * - **Gaps are detected.** Ids are global (other runs' events fall between this run's), so a gap cannot be seen in
 *   the ids; it shows as an event whose predecessor the state lacks: a step's end for an attempt that never
 *   started, attempt 3 after attempt 1. The event is still applied (its outcome is right either way) and `hasGap`
 *   is set, so a reader holding a partial history knows to read the run again.
 * - **Copy on write.** The result shares every unchanged step with the input; nothing is mutated. A batch touching
 *   3 steps of 1,000 copies 3 step objects and one array, so React skips what did not change.
 */
import { checkCountOf, checkOutcomeOf } from './check-outcome.js';
import { EventType } from './event-type.js';
import { skipReasonText } from './labels.js';
import type { ErrorInfo, EventRecord } from './run-event.js';
import { RunStatus } from './run.js';
import { FailReason, SkipReason, StepKind } from './step-vocabulary.js';

/** A step's status as people see it. `canceled` is a step stopped or never started because its run was cancelled. */
export const StepStatus = {
  PENDING: 'pending', RUNNING: 'running', RETRYING: 'retrying', SUCCEEDED: 'succeeded', FAILED: 'failed',
  SKIPPED: 'skipped', REUSED: 'reused', CANCELED: 'canceled',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];
export const STEP_STATUSES: readonly StepStatus[] = Object.values(StepStatus);

/** How one attempt of a step ended. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'retry' | 'canceled';
export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ['succeeded', 'failed', 'retry', 'canceled'];

export interface StepAttempt {
  attempt: number;
  startedAt: number;
  endedAt?: number;
  outcome?: AttemptOutcome;
  error?: string;
}

/** A step's check evaluations counted by outcome (`warn_only` counts as warned). */
export interface StepCheckCounts { passed: number; failed: number; warned: number; couldNotRun: number }

export interface StepSummary {
  key: string;
  kind: StepKind;
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  attempts: StepAttempt[];
  rowCount?: number | null;
  checks: StepCheckCounts;
  /** Why it failed or was skipped, for people: the error's message, or the skip said from its structured fields. */
  reason?: string;
  /** The stored reason of its failure or skip. */
  failReason?: FailReason;
  skipReason?: SkipReason;
  /** The upstream steps whose failure skipped it. */
  blockedBy?: string[];
}

export interface RunState {
  /** From the run's own events; `QUEUED` until its RUN_START. */
  status: RunStatus;
  startedAt: number | null;
  endedAt: number | null;
  /** Why the run failed when no step did (e.g. the warehouse could not be opened), from its end event. */
  error?: ErrorInfo;
  /** The end event's message: `Run failed after 1.2s: 1 failed (orders)`. */
  endMessage?: string;
  /** Never written in place: a changed step is a new object in a new array. */
  steps: StepSummary[];
  /** The highest event id folded in: events at or below it are already in the state. */
  lastEventId: number;
  /** Some event's predecessor was missing: a reader with a partial history should read the run again. */
  hasGap: boolean;
}

/**
 * The state of a run before any event: its planned steps, pending.
 *
 * @example
 * initialRunState(['orders']).steps[0] // { key: 'orders', kind: 'asset', status: 'pending', attempts: [], checks: {…0} }
 */
export function initialRunState(stepKeys: readonly string[]): RunState {
  return { status: RunStatus.QUEUED, startedAt: null, endedAt: null, steps: stepKeys.map(pendingStep), lastEventId: 0, hasGap: false };
}

/**
 * Every event of a run, folded from the start.
 *
 * @example
 * foldRunEvents(['a', 'b'], events).steps.map((s) => `${s.key}:${s.status}`) // ['a:failed', 'b:skipped']
 */
export function foldRunEvents(stepKeys: readonly string[], events: readonly EventRecord[]): RunState {
  return applyRunEvents(initialRunState(stepKeys), events);
}

/**
 * One event applied to a run's state; the same object back when it changes nothing (an event already held).
 *
 * @example
 * const next = applyRunEvent(state, { id: 44, type: 'STEP_SUCCESS', stepKey: 'orders', timestamp: 1250, data: { attempt: 1, durationMs: 250 }, … });
 * next.steps[0].status // 'succeeded'
 * applyRunEvent(next, sameEventAgain) === next // true
 */
export function applyRunEvent(state: RunState, event: EventRecord): RunState {
  return applyRunEvents(state, [event]);
}

/**
 * A batch of events applied in order, copying each changed step once for the batch.
 *
 * @example
 * const { steps, hasGap } = applyRunEvents(state, [start, success]);
 */
export function applyRunEvents(state: RunState, events: readonly EventRecord[]): RunState {
  const draft = new Draft(state);
  for (const event of events) {
    // A log line changes nothing here; skipping it keeps `lastEventId` the same as a reader that never reads logs.
    if (event.type === EventType.LOG || event.id <= draft.lastEventId) continue;
    draft.lastEventId = event.id;
    applyOne(draft, event);
  }
  return draft.result();
}

function applyOne(draft: Draft, event: EventRecord): void {
  switch (event.type) {
    case EventType.RUN_ENQUEUED:
    case EventType.LOG:
    case EventType.ASSET_OBSERVATION:
      return;
    case EventType.RUN_START:
      draft.run({ startedAt: draft.current.startedAt ?? event.timestamp, ...(draft.current.status === RunStatus.QUEUED ? { status: RunStatus.STARTED } : {}) });
      return;
    case EventType.RUN_CANCELING:
      if (draft.current.status === RunStatus.QUEUED || draft.current.status === RunStatus.STARTED) draft.run({ status: RunStatus.CANCELING });
      return;
    case EventType.RUN_SUCCESS:
    case EventType.RUN_FAILURE:
    case EventType.RUN_CANCELED:
      if (draft.current.endedAt !== null) return;
      draft.run({
        status: RUN_END_STATUS[event.type], endedAt: event.timestamp, endMessage: event.message,
        ...(event.data.error ? { error: event.data.error } : {}),
      });
      return;
    case EventType.ASSET_MATERIALIZATION:
      if (event.stepKey) draft.step(event.stepKey).rowCount = event.data.rowCount;
      return;
    case EventType.ASSET_CHECK_EVALUATION:
      if (event.stepKey) draft.step(event.stepKey).checks[checkCountOf(checkOutcomeOf(event.data))]++;
      return;
    case EventType.STEP_START: {
      if (!event.stepKey) return;
      const step = draft.step(event.stepKey);
      const previous = step.attempts[step.attempts.length - 1]?.attempt ?? 0;
      if (event.data.attempt !== previous + 1) draft.hasGap = true;
      step.kind = event.data.kind;
      step.status = StepStatus.RUNNING;
      step.startedAt ??= event.timestamp;
      step.attempts.push({ attempt: event.data.attempt, startedAt: event.timestamp });
      return;
    }
    case EventType.STEP_SUCCESS:
    case EventType.STEP_FAILURE:
    case EventType.STEP_UP_FOR_RETRY: {
      if (!event.stepKey) return;
      const step = draft.step(event.stepKey);
      const attempt = step.attempts.find((a) => a.attempt === event.data.attempt);
      // A cancel while waiting to retry fails an attempt whose outcome is already `retry`: that is no gap.
      if (!attempt) draft.hasGap = true;
      endAttempt(step, attempt, event);
      return;
    }
    case EventType.STEP_SKIPPED: {
      if (!event.stepKey) return;
      const step = draft.step(event.stepKey);
      step.status = event.data.reason === SkipReason.UNCHANGED ? StepStatus.REUSED : event.data.reason === SkipReason.CANCELED ? StepStatus.CANCELED : StepStatus.SKIPPED;
      step.skipReason = event.data.reason;
      step.reason = skipReasonText(event.data);
      if (event.data.blockedBy?.length) step.blockedBy = [...event.data.blockedBy];
      // No start and no duration: a skipped step never ran. `endedAt` says when it was decided.
      step.endedAt = event.timestamp;
      return;
    }
  }
}

const RUN_END_STATUS = { RUN_SUCCESS: RunStatus.SUCCESS, RUN_FAILURE: RunStatus.FAILURE, RUN_CANCELED: RunStatus.CANCELED } as const;

type StepEndEvent = Extract<EventRecord, { type: 'STEP_SUCCESS' | 'STEP_FAILURE' | 'STEP_UP_FOR_RETRY' }>;

function endAttempt(step: StepSummary, attempt: StepAttempt | undefined, event: StepEndEvent): void {
  if (attempt) attempt.endedAt = event.timestamp;
  switch (event.type) {
    case EventType.STEP_SUCCESS:
      if (attempt) attempt.outcome = 'succeeded';
      step.status = StepStatus.SUCCEEDED;
      step.endedAt = event.timestamp;
      break;
    case EventType.STEP_FAILURE: {
      const isCanceled = event.data.reason === FailReason.CANCELED;
      if (attempt) Object.assign(attempt, { outcome: isCanceled ? 'canceled' : 'failed', error: event.data.error.message });
      step.status = isCanceled ? StepStatus.CANCELED : StepStatus.FAILED;
      step.failReason = event.data.reason;
      step.endedAt = event.timestamp;
      step.reason = event.data.error.message;
      break;
    }
    case EventType.STEP_UP_FOR_RETRY:
      if (attempt) Object.assign(attempt, { outcome: 'retry', error: event.data.error.message });
      step.status = StepStatus.RETRYING;
      break;
  }
}

function pendingStep(key: string): StepSummary {
  return { key, kind: StepKind.ASSET, status: StepStatus.PENDING, attempts: [], checks: { passed: 0, failed: 0, warned: 0, couldNotRun: 0 } };
}

/**
 * Where each step sits in a steps array, kept beside the array (never on the state, which is plain data that
 * travels as JSON). A result array keeps every step at its place, so it shares its input's index: applying one
 * event to a 1,000-step run does not rebuild a 1,000-entry map.
 */
const STEP_INDEX = new WeakMap<readonly StepSummary[], Map<string, number>>();

function stepIndexOf(steps: readonly StepSummary[]): Map<string, number> {
  let index = STEP_INDEX.get(steps);
  if (!index) {
    index = new Map(steps.map((s, i) => [s.key, i]));
    STEP_INDEX.set(steps, index);
  }
  return index;
}

/** The state being built by one batch: steps are copied on their first change, the rest stay shared. */
class Draft {
  lastEventId: number;
  hasGap: boolean;
  private runChanges: Partial<RunState> | undefined;
  private readonly changed = new Map<string, StepSummary>();
  private readonly added: StepSummary[] = [];

  constructor(readonly state: RunState) {
    this.lastEventId = state.lastEventId;
    this.hasGap = state.hasGap;
  }

  run(changes: Partial<RunState>): void {
    this.runChanges = { ...this.runChanges, ...changes };
  }

  /** The run as changed so far in this batch (the input state is never written). */
  get current(): Pick<RunState, 'status' | 'startedAt' | 'endedAt'> {
    return { ...this.state, ...this.runChanges };
  }

  /** The step to change, copied on first use; a step the plan did not list is added at the end. */
  step(key: string): StepSummary {
    const changed = this.changed.get(key);
    if (changed) return changed;
    const i = stepIndexOf(this.state.steps).get(key);
    const original = i === undefined ? undefined : this.state.steps[i];
    const step: StepSummary = original
      ? { ...original, attempts: original.attempts.map((a) => ({ ...a })), checks: { ...original.checks }, ...(original.blockedBy ? { blockedBy: [...original.blockedBy] } : {}) }
      : pendingStep(key);
    if (!original) this.added.push(step);
    this.changed.set(key, step);
    return step;
  }

  result(): RunState {
    for (const step of this.changed.values()) {
      if (step.startedAt !== undefined && step.endedAt !== undefined) step.durationMs = step.endedAt - step.startedAt;
    }
    const isChanged = this.changed.size > 0 || this.runChanges !== undefined || this.lastEventId !== this.state.lastEventId || this.hasGap !== this.state.hasGap;
    if (!isChanged) return this.state;
    let steps = this.state.steps;
    if (this.changed.size) {
      const index = stepIndexOf(steps);
      steps = steps.slice();
      for (const [key, step] of this.changed) {
        const i = index.get(key);
        if (i !== undefined) steps[i] = step;
      }
      if (this.added.length) {
        steps.push(...this.added);
        STEP_INDEX.set(steps, new Map(steps.map((s, i) => [s.key, i])));
      } else STEP_INDEX.set(steps, index);
    }
    return { ...this.state, ...this.runChanges, steps, lastEventId: this.lastEventId, hasGap: this.hasGap };
  }
}

/**
 * A run's page state (`RunDetail`, as GET /api/runs/:id answers it) brought up to date with the run's events as the
 * stream delivers them, so a live run is read once and not again after each step (a 1,000-step run is ~276 KB a read).
 *
 * The step rules are the server's (`summarizeSteps` in packages/weir/src/events/step-summary.ts) applied one event
 * at a time. Two properties make it safe to apply any events to any snapshot:
 *
 * - **Idempotent.** An event the state already holds changes nothing: attempts are known by number, materializations
 *   and check evaluations by event id, run ends by `endedAt`. The page applies the events it has seen to every
 *   snapshot it reads, and the stream may repeat events around a reconnect, without counting anything twice or
 *   moving a step back to an older state.
 * - **Gaps are detected, not guessed.** Event ids are global to the event log (other runs' events fall between
 *   this run's), so a gap cannot be seen in the ids themselves; it shows as an event whose predecessor the state
 *   lacks: a step's success for an attempt that never started, an attempt 3 after attempt 1. Such an event is left
 *   out and `hasGap` is set: the page then reads the run again.
 */
import type { ApiEventRecord, RunDetail, StepSummary } from '../../api/types.ts';

export interface AppliedEvents {
  /** The same object when nothing changed (React then skips the render). */
  detail: RunDetail;
  /** Some event did not fit the state: read the run again. */
  hasGap: boolean;
}

type Step = StepSummary;
type Attempt = Step['attempts'][number];

/**
 * @example
 * const { detail, hasGap } = applyRunEvents(snapshot, [
 *   { id: 41, type: 'STEP_START', stepKey: 'orders', timestamp: 1000, data: { attempt: 1, kind: 'asset' }, … },
 *   { id: 44, type: 'STEP_SUCCESS', stepKey: 'orders', timestamp: 1250, data: { attempt: 1, durationMs: 250 }, … },
 * ]);
 * detail.steps[0] // { key: 'orders', status: 'succeeded', startedAt: 1000, endedAt: 1250, durationMs: 250, attempts: [{ attempt: 1, … outcome: 'succeeded' }], … }
 * hasGap          // false
 */
export function applyRunEvents(detail: RunDetail, events: readonly ApiEventRecord[]): AppliedEvents {
  let run = detail.run;
  let materializations = detail.materializations;
  let checks = detail.checks;
  let observations = detail.observations;
  // Copied on first change: a batch of events touching 3 steps of 1,000 copies 3 step objects and one array.
  const changedSteps = new Map<string, Step>();
  let stepIndex: Map<string, number> | undefined;
  const addedSteps: Step[] = [];
  let hasGap = false;
  const known = { materializations: ids(materializations), checks: ids(checks), observations: ids(observations) };

  const stepFor = (key: string): Step => {
    const changed = changedSteps.get(key);
    if (changed) return changed;
    stepIndex ??= new Map(detail.steps.map((s, i) => [s.key, i]));
    const index = stepIndex.get(key);
    const original = index === undefined ? undefined : detail.steps[index]!;
    // A step the plan did not list (the server's summary adds those too).
    const step: Step = original
      ? { ...original, attempts: original.attempts.map((a) => ({ ...a })), checks: { ...original.checks } }
      : { key, kind: 'asset', status: 'pending', attempts: [], checks: { passed: 0, failed: 0, warned: 0 } };
    if (!original) addedSteps.push(step);
    changedSteps.set(key, step);
    return step;
  };
  const peekStep = (key: string): Step | undefined => {
    if (changedSteps.has(key)) return changedSteps.get(key);
    stepIndex ??= new Map(detail.steps.map((s, i) => [s.key, i]));
    const index = stepIndex.get(key);
    return index === undefined ? undefined : detail.steps[index];
  };
  const stored = (event: ApiEventRecord) => ({ eventId: event.id, runId: event.runId, project: event.project, timestamp: event.timestamp });

  for (const event of events) {
    switch (event.type) {
      case 'RUN_START':
        if (run.startedAt === null || run.status === 'QUEUED') {
          run = { ...run, startedAt: run.startedAt ?? event.timestamp, status: run.status === 'QUEUED' ? 'STARTED' : run.status };
        }
        continue;
      case 'RUN_CANCELING':
        if (run.status === 'QUEUED' || run.status === 'STARTED') run = { ...run, status: 'CANCELING' };
        continue;
      case 'RUN_SUCCESS':
      case 'RUN_FAILURE':
      case 'RUN_CANCELED':
        if (run.endedAt === null) run = { ...run, status: FINAL_STATUS[event.type], endedAt: event.timestamp };
        continue;
      case 'ASSET_MATERIALIZATION':
        if (known.materializations.has(event.id)) continue;
        known.materializations.add(event.id);
        materializations = [...materializations, { ...event.data, ...stored(event) }];
        if (event.stepKey) stepFor(event.stepKey).rowCount = event.data.rowCount;
        continue;
      case 'ASSET_OBSERVATION':
        if (known.observations.has(event.id)) continue;
        known.observations.add(event.id);
        observations = [...observations, { ...event.data, ...stored(event) }];
        continue;
      case 'ASSET_CHECK_EVALUATION': {
        if (known.checks.has(event.id)) continue;
        known.checks.add(event.id);
        checks = [...checks, { ...event.data, ...stored(event) }];
        if (!event.stepKey) continue;
        const counts = stepFor(event.stepKey).checks;
        if (event.data.passed) counts.passed++;
        else if (event.data.severity === 'warn') counts.warned++;
        else counts.failed++;
        continue;
      }
      case 'STEP_START': {
        if (!event.stepKey) continue;
        const attempts = peekStep(event.stepKey)?.attempts ?? [];
        if (attempts.some((a) => a.attempt === event.data.attempt)) continue;
        const previous = attempts[attempts.length - 1]?.attempt ?? 0;
        if (event.data.attempt !== previous + 1) {
          hasGap = true;
          continue;
        }
        const step = stepFor(event.stepKey);
        step.kind = event.data.kind;
        step.status = 'running';
        step.startedAt ??= event.timestamp;
        step.attempts.push({ attempt: event.data.attempt, startedAt: event.timestamp });
        continue;
      }
      case 'STEP_SUCCESS':
      case 'STEP_FAILURE':
      case 'STEP_UP_FOR_RETRY': {
        if (!event.stepKey) continue;
        const attempt = peekStep(event.stepKey)?.attempts.find((a) => a.attempt === event.data.attempt);
        if (!attempt) {
          hasGap = true;
          continue;
        }
        // Already applied: its outcome is set. A retry's attempt may still fail (cancelled while waiting to retry).
        if (event.type === 'STEP_UP_FOR_RETRY' ? attempt.outcome : attempt.outcome === OUTCOME[event.type]) continue;
        const step = stepFor(event.stepKey);
        const current = step.attempts.find((a) => a.attempt === event.data.attempt)!;
        endAttempt(step, current, event);
        continue;
      }
      case 'STEP_SKIPPED': {
        if (!event.stepKey) continue;
        const status = event.data.reason === 'unchanged' ? 'reused' : 'skipped';
        const before = peekStep(event.stepKey);
        if (before?.status === status && before.reason === event.message) continue;
        const step = stepFor(event.stepKey);
        step.status = status;
        step.reason = event.message;
        continue;
      }
      case 'RUN_ENQUEUED':
      case 'LOG':
        continue;
    }
  }

  for (const step of changedSteps.values()) {
    if (step.startedAt !== undefined && step.endedAt !== undefined) step.durationMs = step.endedAt - step.startedAt;
  }
  const isChanged = changedSteps.size > 0 || run !== detail.run || materializations !== detail.materializations
    || checks !== detail.checks || observations !== detail.observations;
  if (!isChanged) return { detail, hasGap };
  const steps = changedSteps.size
    ? [...detail.steps.map((s) => changedSteps.get(s.key) ?? s), ...addedSteps]
    : detail.steps;
  return { detail: { ...detail, run, steps, materializations, checks, observations }, hasGap };
}

const OUTCOME = { STEP_SUCCESS: 'succeeded', STEP_FAILURE: 'failed' } as const;
const FINAL_STATUS = { RUN_SUCCESS: 'SUCCESS', RUN_FAILURE: 'FAILURE', RUN_CANCELED: 'CANCELED' } as const;

function endAttempt(step: Step, attempt: Attempt, event: Extract<ApiEventRecord, { type: 'STEP_SUCCESS' | 'STEP_FAILURE' | 'STEP_UP_FOR_RETRY' }>): void {
  attempt.endedAt = event.timestamp;
  switch (event.type) {
    case 'STEP_SUCCESS':
      attempt.outcome = 'succeeded';
      step.status = 'succeeded';
      step.endedAt = event.timestamp;
      break;
    case 'STEP_FAILURE':
      attempt.outcome = 'failed';
      attempt.error = event.data.error.message;
      step.status = 'failed';
      step.endedAt = event.timestamp;
      step.reason = event.data.error.message;
      break;
    case 'STEP_UP_FOR_RETRY':
      attempt.outcome = 'retry';
      attempt.error = event.data.error.message;
      step.status = 'retrying';
      break;
  }
}

function ids(items: ReadonlyArray<{ eventId: number }>): Set<number> {
  return new Set(items.map((i) => i.eventId));
}

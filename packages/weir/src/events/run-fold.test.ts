import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOutcomeOf } from './check-outcome.js';
import { skipReasonText } from './labels.js';
import type { CheckEvaluationData, EventRecord } from './run-event.js';
import { applyRunEvent, applyRunEvents, foldRunEvents, initialRunState } from './run-fold.js';

const T0 = 1_700_000_000_000;

/** Events of one run as stored: ids rise with holes (other runs' events fall between). */
function recorder() {
  let id = 10;
  let t = T0;
  const events: EventRecord[] = [];
  const add = (type: EventRecord['type'], stepKey: string | null, data: unknown, message = `${type} ${stepKey ?? ''}`): EventRecord => {
    id += 2;
    t += 10;
    const event = { id, runId: 'r1', project: 'p', type, stepKey, timestamp: t, message, data } as EventRecord;
    events.push(event);
    return event;
  };
  return { events, add };
}

const check = (assetKey: string, overrides: Partial<CheckEvaluationData>): CheckEvaluationData => ({
  assetKey, checkName: 'c', severity: 'error', passed: true, blocking: false, observed: null, expected: null, failingRows: null, samples: [],
  message: 'whatever the message says is never read', durationMs: 1, ...overrides,
});

describe('foldRunEvents', () => {
  it('starts every planned step pending and the run queued', () => {
    const state = foldRunEvents(['a', 'b'], []);
    assert.equal(state.status, 'QUEUED');
    assert.deepEqual(state.steps.map((s) => [s.key, s.status, s.kind]), [['a', 'pending', 'asset'], ['b', 'pending', 'asset']]);
    assert.equal(state.lastEventId, 0);
  });

  it('reads each event type into the run and its steps', () => {
    const { events, add } = recorder();
    add('RUN_ENQUEUED', null, {});
    const start = add('RUN_START', null, { stepKeys: ['src', 'a', 'b', 'c', 'd'], concurrency: 2 });
    add('STEP_START', 'src', { attempt: 1, kind: 'observe' });
    add('ASSET_OBSERVATION', 'src', { assetKey: 'src', path: 'x.csv', hash: 'h', bytes: 1, modifiedAt: T0 });
    add('STEP_SUCCESS', 'src', { attempt: 1, durationMs: 5 });
    const aStart = add('STEP_START', 'a', { attempt: 1, kind: 'asset' });
    add('LOG', 'a', { level: 'info' });
    add('ASSET_MATERIALIZATION', 'a', { assetKey: 'a', rowCount: 7 });
    add('ASSET_CHECK_EVALUATION', 'a', check('a', { passed: true, outcome: 'passed' }));
    add('ASSET_CHECK_EVALUATION', 'a', check('a', { passed: true, outcome: 'warn_only' }));
    add('ASSET_CHECK_EVALUATION', 'a', check('a', { passed: false, severity: 'warn', outcome: 'warned' }));
    const aEnd = add('STEP_SUCCESS', 'a', { attempt: 1, durationMs: 20 });
    add('STEP_START', 'b', { attempt: 1, kind: 'asset' });
    add('STEP_UP_FOR_RETRY', 'b', { attempt: 1, nextAttempt: 2, delayMs: 10, error: { message: 'flaky' } });
    add('STEP_START', 'b', { attempt: 2, kind: 'asset' });
    add('ASSET_CHECK_EVALUATION', 'b', check('b', { passed: false, outcome: 'could_not_run' }));
    add('ASSET_CHECK_EVALUATION', 'b', check('b', { passed: false, outcome: 'failed' }));
    add('STEP_FAILURE', 'b', { attempt: 2, durationMs: 3, error: { message: 'blocking check failed' }, reason: 'check_failed' });
    add('STEP_SKIPPED', 'c', { reason: 'upstream_check_failed', blockedBy: ['b'] }, 'c skipped: some words');
    add('STEP_SKIPPED', 'd', { reason: 'unchanged', reusedEventId: 3, reusedRunId: '1a2b3c4d-0000' });
    const end = add('RUN_FAILURE', null, { durationMs: 200, succeeded: ['src', 'a'], failed: ['b'], skipped: ['c'] }, 'Run failed after 200ms: 1 failed (b)');

    const state = foldRunEvents(['src', 'a', 'b', 'c', 'd'], events);
    assert.deepEqual([state.status, state.startedAt, state.endedAt, state.endMessage], ['FAILURE', start.timestamp, end.timestamp, end.message]);
    assert.equal(state.lastEventId, end.id);
    assert.equal(state.hasGap, false);
    const [src, a, b, c, d] = state.steps;
    assert.deepEqual([src!.kind, src!.status], ['observe', 'succeeded']);
    assert.deepEqual([a!.status, a!.rowCount, a!.startedAt, a!.endedAt, a!.durationMs], ['succeeded', 7, aStart.timestamp, aEnd.timestamp, aEnd.timestamp - aStart.timestamp]);
    assert.deepEqual(a!.checks, { passed: 1, warned: 2, failed: 0, couldNotRun: 0 }, 'a warn-only pass counts as a warning');
    assert.deepEqual([b!.status, b!.failReason, b!.reason], ['failed', 'check_failed', 'blocking check failed']);
    assert.deepEqual(b!.attempts.map((x) => [x.attempt, x.outcome, x.error]), [[1, 'retry', 'flaky'], [2, 'failed', 'blocking check failed']]);
    assert.deepEqual(b!.checks, { passed: 0, warned: 0, failed: 1, couldNotRun: 1 });
    assert.deepEqual([c!.status, c!.skipReason, c!.blockedBy, c!.reason], ['skipped', 'upstream_check_failed', ['b'], 'upstream b failed its checks'], 'said from the fields, not the message');
    assert.deepEqual([d!.status, d!.reason], ['reused', 'unchanged since run 1a2b3c4d: reused']);
  });

  it('says cancelled for a step stopped by a cancel and for one never started because of it, never failed', () => {
    const { events, add } = recorder();
    add('RUN_START', null, { stepKeys: ['a', 'b', 'c'], concurrency: 2 });
    add('STEP_START', 'a', { attempt: 1, kind: 'asset' });
    add('STEP_START', 'c', { attempt: 1, kind: 'asset' });
    add('STEP_UP_FOR_RETRY', 'c', { attempt: 1, nextAttempt: 2, delayMs: 1000, error: { message: 'timeout' } });
    add('RUN_CANCELING', null, {});
    add('STEP_FAILURE', 'a', { attempt: 1, durationMs: 9, error: { message: 'cancelled while running; nothing was published', code: 'CANCELED' }, reason: 'canceled' });
    add('STEP_FAILURE', 'c', { attempt: 1, durationMs: 9, error: { message: 'cancelled while waiting to retry', code: 'CANCELED' }, reason: 'canceled' });
    add('STEP_SKIPPED', 'b', { reason: 'canceled', blockedBy: [] });
    const midway = foldRunEvents(['a', 'b', 'c'], events);
    assert.equal(midway.status, 'CANCELING');
    add('RUN_CANCELED', null, { durationMs: 50, succeeded: [], failed: ['a', 'c'], skipped: ['b'], canceled: ['b'] });
    const state = foldRunEvents(['a', 'b', 'c'], events);
    assert.equal(state.status, 'CANCELED');
    assert.deepEqual(state.steps.map((s) => [s.key, s.status]), [['a', 'canceled'], ['b', 'canceled'], ['c', 'canceled']]);
    assert.deepEqual(state.steps[0]!.attempts.map((x) => x.outcome), ['canceled']);
    assert.deepEqual(state.steps[2]!.attempts.map((x) => x.outcome), ['canceled'], 'the retry was cancelled: no gap, no new attempt');
    assert.equal(state.hasGap, false);
    assert.equal(state.steps[1]!.reason, 'the run was cancelled');
  });

  it('keeps the reason of a run that failed before any step', () => {
    const { events, add } = recorder();
    add('RUN_START', null, { stepKeys: ['a'], concurrency: 1 });
    const error = { message: 'Could not open the warehouse warehouse.duckdb: another process holds it (pid 4242)', code: 'WAREHOUSE_LOCKED' };
    add('RUN_FAILURE', null, { durationMs: 3, succeeded: [], failed: [], skipped: [], error });
    const state = foldRunEvents(['a'], events);
    assert.deepEqual([state.status, state.error], ['FAILURE', error]);
    assert.equal(state.steps[0]!.status, 'pending');
  });
});

describe('applyRunEvent', () => {
  const { events, add } = recorder();
  add('RUN_START', null, { stepKeys: ['a', 'b'], concurrency: 2 });
  add('STEP_START', 'a', { attempt: 1, kind: 'asset' });
  add('ASSET_CHECK_EVALUATION', 'a', check('a', { passed: false }));
  add('STEP_SUCCESS', 'a', { attempt: 1, durationMs: 1 });
  add('STEP_START', 'b', { attempt: 1, kind: 'asset' });
  add('STEP_SUCCESS', 'b', { attempt: 1, durationMs: 1 });
  const whole = foldRunEvents(['a', 'b'], events);

  it('is idempotent by event id: any overlap of events gives the same state, and a repeat gives the same object', () => {
    for (let k = 0; k <= events.length; k++) {
      const snapshot = foldRunEvents(['a', 'b'], events.slice(0, k));
      for (let j = 0; j <= k; j++) assert.deepEqual(applyRunEvents(snapshot, events.slice(j)), whole, `snapshot ${k}, replay from ${j}`);
    }
    assert.equal(applyRunEvent(whole, events[2]!), whole);
    assert.equal(applyRunEvents(whole, events), whole);
    assert.deepEqual(whole.steps[0]!.checks, { passed: 0, warned: 0, failed: 1, couldNotRun: 0 }, 'counted once');
  });

  it('gives the same state one event at a time as in one batch, never writing its input', () => {
    const start = initialRunState(['a', 'b']);
    const frozen = structuredClone(start);
    let state = start;
    const seen: unknown[] = [];
    for (const event of events) {
      state = applyRunEvent(state, event);
      seen.push(structuredClone(state));
    }
    assert.deepEqual(state, whole);
    assert.deepEqual(start, frozen);
    // Each intermediate state is still as it was when produced: later events copied, never mutated.
    let replay = initialRunState(['a', 'b']);
    events.forEach((event, i) => {
      replay = applyRunEvent(replay, event);
      assert.deepEqual(replay, seen[i]);
    });
  });

  it('copies only the steps an event touches', () => {
    const before = foldRunEvents(['a', 'b'], events.slice(0, 4));
    const after = applyRunEvent(before, events[4]!);
    assert.equal(after.steps[0], before.steps[0]);
    assert.notEqual(after.steps[1], before.steps[1]);
  });

  it('detects a gap (an end without its start, attempt 2 before attempt 1) and still applies the event', () => {
    const lostStart = applyRunEvents(initialRunState(['a']), [events[3]!]);
    assert.equal(lostStart.hasGap, true);
    assert.equal(lostStart.steps[0]!.status, 'succeeded');
    assert.deepEqual(lostStart.steps[0]!.attempts, [], 'no attempt is invented');
    const second = { ...events[1]!, data: { attempt: 2, kind: 'asset' } } as EventRecord;
    assert.equal(applyRunEvent(initialRunState(['a']), second).hasGap, true);
    assert.equal(whole.hasGap, false);
  });

  it('adds a step the plan did not list, at the end', () => {
    const state = applyRunEvents(initialRunState(['a']), [{ ...events[4]!, stepKey: 'late' } as EventRecord]);
    assert.deepEqual(state.steps.map((s) => [s.key, s.status]), [['a', 'pending'], ['late', 'running']]);
  });
});

describe('checkOutcomeOf', () => {
  it('reads the stored outcome, and derives one for events stored before it existed, from fields only', () => {
    assert.equal(checkOutcomeOf({ passed: false, severity: 'error', outcome: 'could_not_run' }), 'could_not_run');
    assert.equal(checkOutcomeOf({ passed: true, severity: 'error', outcome: 'warn_only' }), 'warn_only');
    assert.equal(checkOutcomeOf({ passed: true, severity: 'error' }), 'passed');
    assert.equal(checkOutcomeOf({ passed: false, severity: 'warn' }), 'warned');
    assert.equal(checkOutcomeOf({ passed: false, severity: 'error' }), 'failed');
  });

  it('says each skip reason from its fields', () => {
    assert.equal(skipReasonText({ reason: 'upstream_failed', blockedBy: ['x', 'y'] }), 'upstream x, y failed');
    assert.equal(skipReasonText({ reason: 'upstream_failed' }), 'an upstream step failed');
    assert.equal(skipReasonText({ reason: 'unchanged' }), 'unchanged: reused');
  });
});

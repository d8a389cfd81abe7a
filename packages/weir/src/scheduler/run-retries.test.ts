/** decideRunRetry: the pure decision, from a failed run's stored events and the policies of its assets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveRunRetry } from '../definitions/run-retry.js';
import { EventType, type EventRecord, type Run } from '../events/index.js';
import { decideRunRetry } from './run-retries.js';

let nextId = 1;
function stepEvent(type: EventType, stepKey: string, data: Record<string, unknown> = {}): EventRecord {
  return { id: nextId++, runId: 'r1', project: 'shop', stepKey, type, timestamp: 1000 + nextId, message: '', data } as unknown as EventRecord;
}
const failure = (stepKey: string, message: string, reason = 'error', code?: string) => [
  stepEvent(EventType.STEP_START, stepKey, { attempt: 1 }),
  stepEvent(EventType.STEP_FAILURE, stepKey, { attempt: 1, durationMs: 5, reason, error: { message, ...(code ? { code } : {}) } }),
];
const success = (stepKey: string) => [stepEvent(EventType.STEP_START, stepKey, { attempt: 1 }), stepEvent(EventType.STEP_SUCCESS, stepKey, { attempt: 1, durationMs: 5 })];
const skipped = (stepKey: string) => [stepEvent(EventType.STEP_SKIPPED, stepKey, { reason: 'upstream_failed', blockedBy: ['a'] })];

const run = (over: Partial<Run> = {}): Run => ({
  runId: 'r1', project: 'shop', status: 'FAILURE', trigger: 'schedule', selection: null, stepKeys: ['a', 'b', 'c', 'd'],
  parentRunId: null, rootRunId: null, tags: { 'weir/schedule': 'daily' }, createdAt: 1000, startedAt: 1001, endedAt: 5000, ...over,
});
// a → c, b → d
const downstream: Record<string, string[]> = { a: ['c'], b: ['d'], c: [], d: [] };
const downstreamOf = (key: string) => downstream[key];

describe('decideRunRetry', () => {
  it('retries the failed steps and their downstream, after the delay, as attempt 1 of max', () => {
    const decision = decideRunRetry({
      run: run(), stepEvents: [...failure('a', 'read ECONNRESET', 'error', 'ECONNRESET'), ...success('b'), ...skipped('c'), ...success('d')],
      policyOf: () => resolveRunRetry({ max: 3, delay: '1m' }), downstreamOf,
    });
    assert.deepEqual(decision, {
      retry: true, attempt: 1, max: 3, atMs: 5000 + 60_000, stepKeys: ['a', 'c'], parentRunId: 'r1', rootRunId: 'r1',
      tags: { 'weir/schedule': 'daily', 'weir/retry-of': 'r1', 'weir/retry-attempt': '1', 'weir/retry-max': '3' },
    });
  });

  it('several failed assets: every error must be transient; the strictest max and the longest wait apply', () => {
    const policies: Record<string, ReturnType<typeof resolveRunRetry>> = { a: resolveRunRetry({ max: 5, delay: '1m' }), b: resolveRunRetry({ max: 2, delay: '10m', backoff: 'fixed' }) };
    const stepEvents = [...failure('a', 'socket hang up'), ...failure('b', 'Conflicting lock is held in node (PID 7)'), ...skipped('c'), ...skipped('d')];
    const decision = decideRunRetry({ run: run({ tags: { 'weir/retry-attempt': '1', 'weir/retry-of': 'r0' }, rootRunId: 'r0' }), stepEvents, policyOf: (k) => policies[k], downstreamOf });
    assert.equal(decision.retry, true);
    if (!decision.retry) return;
    assert.deepEqual([decision.attempt, decision.max, decision.atMs, decision.rootRunId, decision.stepKeys], [2, 2, 5000 + 600_000, 'r0', ['a', 'b', 'c', 'd']]);
    const third = decideRunRetry({ run: run({ tags: { 'weir/retry-attempt': '2' } }), stepEvents, policyOf: (k) => policies[k], downstreamOf });
    assert.deepEqual(third, { retry: false, reason: 'retried 2 times already (max 2)' });
  });

  it('does not retry: a failed check, a non-transient error, an asset without a policy, a run that failed outside its steps, a cancelled run', () => {
    const policyOf = () => resolveRunRetry({ max: 3 });
    assert.deepEqual(decideRunRetry({ run: run(), stepEvents: failure('a', 'check total_paid failed', 'check_failed'), policyOf, downstreamOf }),
      { retry: false, reason: 'a failed a blocking check (a data problem, not a transient error)' });
    assert.deepEqual(decideRunRetry({ run: run(), stepEvents: failure('a', 'Parser Error: syntax error at or near "form"\nLINE 1: select * form x'), policyOf, downstreamOf }),
      { retry: false, reason: 'a failed on an error not marked transient: Parser Error: syntax error at or near "form"' });
    assert.deepEqual(decideRunRetry({ run: run(), stepEvents: failure('a', 'read ECONNRESET'), policyOf: () => undefined, downstreamOf }),
      { retry: false, reason: 'a has no runRetry policy' });
    assert.deepEqual(decideRunRetry({ run: run(), stepEvents: success('a'), policyOf, downstreamOf }),
      { retry: false, reason: 'no step failed (the run failed outside its steps)' });
    assert.deepEqual(decideRunRetry({ run: run({ status: 'CANCELED' }), stepEvents: failure('a', 'read ECONNRESET'), policyOf, downstreamOf }),
      { retry: false, reason: 'the run ended CANCELED, not FAILURE' });
  });
});

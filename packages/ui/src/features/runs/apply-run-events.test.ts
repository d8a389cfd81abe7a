import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEventRecord, RunDetail } from '../../api/types.ts';
// The oracle: the server's own fold (what GET /api/runs/:id answers), computed over all events at once.
import { foldRunEvents } from '../../../../weir/src/events/run-fold.ts';
import type { EventRecord } from '../../../../weir/src/events/run-event.ts';
import { applyRunEvents } from './apply-run-events.ts';

const RUN_ID = '5b0e1c2a-0000-4000-8000-000000000000';
const T0 = 1_700_000_000_000;
const STEP_KEYS = ['orders_file', 'orders', 'flaky', 'quality', 'revenue', 'report', 'cached'];

/** A run's events as the server stores them: ids rise with gaps (other runs' events fall between). */
function script(): ApiEventRecord[] {
  let id = 100;
  let t = T0;
  const out: ApiEventRecord[] = [];
  const add = (type: ApiEventRecord['type'], stepKey: string | null, data: unknown, message = `${type} ${stepKey ?? ''}`) => {
    id += 1 + (out.length % 3); // other runs' events in between
    t += 7;
    out.push({ id, runId: RUN_ID, project: 'shop', type, stepKey, timestamp: t, message, data } as ApiEventRecord);
  };
  const error = (message: string) => ({ message });
  const materialization = (assetKey: string, rowCount: number) => ({
    assetKey, storage: { kind: 'table', location: `main.${assetKey}` }, rowCount, columns: [{ name: 'id', type: 'INTEGER' }], durationMs: 5,
    bytes: null, codeVersion: 'c1', dataVersion: `d-${assetKey}`, upstream: [], metadata: {},
  });
  const check = (assetKey: string, checkName: string, passed: boolean, severity: 'error' | 'warn' = 'error') => ({
    assetKey, checkName, severity, passed, blocking: !passed && severity === 'error', observed: 4, expected: { equals: 3 },
    failingRows: null, samples: [], message: `${checkName} ${passed ? 'passed' : 'failed'}`, durationMs: 1,
  });
  add('RUN_ENQUEUED', null, {});
  add('RUN_START', null, { stepKeys: STEP_KEYS, concurrency: 2 });
  add('STEP_START', 'orders_file', { attempt: 1, kind: 'observe' });
  add('ASSET_OBSERVATION', 'orders_file', { assetKey: 'orders_file', path: 'data/orders.csv', hash: 'h1', bytes: 90, modifiedAt: T0 });
  add('STEP_SUCCESS', 'orders_file', { attempt: 1, durationMs: 3 });
  add('STEP_SKIPPED', 'cached', { reason: 'unchanged', reusedEventId: 12 }, 'cached unchanged since run 1a2b3c4d: reused');
  add('STEP_START', 'orders', { attempt: 1, kind: 'asset' });
  add('STEP_START', 'flaky', { attempt: 1, kind: 'asset' });
  add('LOG', 'orders', { level: 'info' });
  add('ASSET_MATERIALIZATION', 'orders', materialization('orders', 4));
  add('ASSET_CHECK_EVALUATION', 'orders', check('orders', 'unique_id', true));
  add('STEP_UP_FOR_RETRY', 'flaky', { attempt: 1, nextAttempt: 2, delayMs: 10, error: error('connection reset') });
  add('ASSET_CHECK_EVALUATION', 'orders', check('orders', 'not_null', true));
  add('STEP_SUCCESS', 'orders', { attempt: 1, durationMs: 20 });
  add('STEP_START', 'flaky', { attempt: 2, kind: 'asset' });
  add('STEP_START', 'quality', { attempt: 1, kind: 'asset' });
  add('LOG', 'flaky', { level: 'warn' });
  add('ASSET_MATERIALIZATION', 'quality', materialization('quality', 4));
  add('ASSET_CHECK_EVALUATION', 'quality', check('quality', 'rows', false));
  add('ASSET_CHECK_EVALUATION', 'quality', check('quality', 'fresh', false, 'warn'));
  add('STEP_FAILURE', 'quality', { attempt: 1, durationMs: 9, error: error('blocking check failed: rows'), reason: 'check_failed' });
  add('STEP_SKIPPED', 'report', { reason: 'upstream_check_failed', blockedBy: ['quality'] }, 'report skipped: quality failed a check');
  add('ASSET_MATERIALIZATION', 'flaky', materialization('flaky', 1));
  add('STEP_SUCCESS', 'flaky', { attempt: 2, durationMs: 30 });
  add('STEP_START', 'revenue', { attempt: 1, kind: 'asset' });
  add('STEP_UP_FOR_RETRY', 'revenue', { attempt: 1, nextAttempt: 2, delayMs: 1000, error: error('timeout') });
  add('RUN_CANCELING', null, {});
  // Cancelled while waiting to retry: the attempt that asked for a retry fails after all.
  add('STEP_FAILURE', 'revenue', { attempt: 1, durationMs: 40, error: error('cancelled while waiting to retry'), reason: 'canceled' });
  add('STEP_START', 'late', { attempt: 1, kind: 'asset' }); // a step the plan did not list
  add('STEP_SUCCESS', 'late', { attempt: 1, durationMs: 1 });
  add('RUN_CANCELED', null, { durationMs: 300, succeeded: ['orders', 'flaky'], failed: ['quality', 'revenue'], skipped: ['report'] });
  return out;
}

/** What GET /api/runs/:id answers once the server has stored `events`: the oracle. */
function detailAfter(events: readonly ApiEventRecord[]): RunDetail {
  let status: RunDetail['run']['status'] = 'QUEUED';
  let startedAt: number | null = null;
  let endedAt: number | null = null;
  for (const e of events) {
    if (e.type === 'RUN_START') [status, startedAt] = ['STARTED', e.timestamp];
    if (e.type === 'RUN_CANCELING') status = 'CANCELING';
    if (e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED') {
      [status, endedAt] = [({ RUN_SUCCESS: 'SUCCESS', RUN_FAILURE: 'FAILURE', RUN_CANCELED: 'CANCELED' } as const)[e.type], e.timestamp];
    }
  }
  const stored = (e: ApiEventRecord) => ({ eventId: e.id, runId: e.runId, project: e.project, timestamp: e.timestamp });
  return {
    run: {
      runId: RUN_ID, project: 'shop', status, trigger: 'ui', selection: null, stepKeys: STEP_KEYS, parentRunId: null, rootRunId: null, tags: {},
      createdAt: T0, startedAt, endedAt,
    },
    steps: foldRunEvents(STEP_KEYS, events as unknown as EventRecord[]).steps,
    // As the server answers: the last event it folded (it reads every type but LOG).
    lastEventId: Math.max(0, ...events.filter((e) => e.type !== 'LOG').map((e) => e.id)),
    materializations: events.flatMap((e) => (e.type === 'ASSET_MATERIALIZATION' ? [{ ...e.data, ...stored(e) }] : [])),
    checks: events.flatMap((e) => (e.type === 'ASSET_CHECK_EVALUATION' ? [{ ...e.data, ...stored(e) }] : [])),
    observations: events.flatMap((e) => (e.type === 'ASSET_OBSERVATION' ? [{ ...e.data, ...stored(e) }] : [])),
  };
}

describe('applyRunEvents', () => {
  const events = script();
  const final = detailAfter(events);

  it('brings any snapshot up to date with what the server would answer, whatever overlap the replay has', () => {
    assert.equal(final.run.status, 'CANCELED');
    assert.deepEqual(final.steps.map((s) => `${s.key}:${s.status}`), [
      'orders_file:succeeded', 'orders:succeeded', 'flaky:succeeded', 'quality:failed', 'revenue:canceled', 'report:skipped', 'cached:reused', 'late:succeeded',
    ]);
    // Snapshot after k events; then the events from j on (j < k: a replay of some events it already holds).
    for (let k = 0; k <= events.length; k++) {
      const snapshot = detailAfter(events.slice(0, k));
      for (let j = 0; j <= k; j++) {
        const { detail, hasGap } = applyRunEvents(snapshot, events.slice(j));
        assert.equal(hasGap, false, `snapshot ${k}, replay from ${j}`);
        assert.deepEqual(detail, final, `snapshot ${k}, replay from ${j}`);
      }
    }
  });

  it('gives the same result event by event as in one batch, and never changes the snapshot it was given', () => {
    const start = detailAfter(events.slice(0, 5));
    const frozen = structuredClone(start);
    let detail = start;
    for (const event of events.slice(5)) detail = applyRunEvents(detail, [event]).detail;
    assert.deepEqual(detail, final);
    assert.deepEqual(start, frozen, 'the input is left as it was (React state)');
  });

  it('answers the very same object when every event is already applied, so the page does not re-render', () => {
    const { detail, hasGap } = applyRunEvents(final, events);
    assert.equal(detail, final);
    assert.equal(hasGap, false);
    const logOnly = events.filter((e) => e.type === 'LOG');
    const midway = detailAfter(events.slice(0, 12));
    assert.equal(applyRunEvents(midway, logOnly).detail, midway, 'log lines change nothing');
  });

  it('copies only the steps an event touches', () => {
    const at = events.findIndex((e) => e.type === 'STEP_SUCCESS' && e.stepKey === 'orders');
    const before = detailAfter(events.slice(0, at)); // orders is running
    const success = events[at]!;
    const after = applyRunEvents(before, [success]).detail;
    const changed = after.steps.filter((s, i) => s !== before.steps[i]).map((s) => s.key);
    assert.deepEqual(changed, ['orders']);
  });

  it('reports a gap when an event has no predecessor in the state, and still applies what it says', () => {
    const retryStart = events.findIndex((e) => e.type === 'STEP_START' && e.stepKey === 'flaky' && e.data.attempt === 2);
    const snapshot = detailAfter(events.slice(0, retryStart));
    // The stream lost `flaky`'s second start: its success cannot be placed, nor a later attempt than the next.
    const lost = [...events.slice(retryStart + 1)];
    const { detail, hasGap } = applyRunEvents(snapshot, lost);
    assert.equal(hasGap, true);
    const flaky = detail.steps.find((s) => s.key === 'flaky')!;
    assert.deepEqual(flaky.attempts.map((a) => [a.attempt, a.outcome]), [[1, 'retry']], 'no attempt is invented');
    assert.equal(flaky.status, 'succeeded', 'its end is right whatever came before');
    // Reading the run again and re-applying what was seen repairs it.
    assert.deepEqual(applyRunEvents(detailAfter(events), lost).detail, final);
    const skipped = applyRunEvents(detailAfter([]), [{ ...events[retryStart]! }]);
    assert.equal(skipped.hasGap, true, 'attempt 2 before attempt 1');
  });

  it('takes the run status and times from the run events, in order', () => {
    const started = applyRunEvents(detailAfter([]), events.slice(0, 2)).detail.run;
    assert.deepEqual([started.status, started.startedAt, started.endedAt], ['STARTED', events[1]!.timestamp, null]);
    const cancelling = applyRunEvents(detailAfter([]), events.slice(0, events.findIndex((e) => e.type === 'RUN_CANCELING') + 1)).detail.run;
    assert.equal(cancelling.status, 'CANCELING');
    // A replayed RUN_CANCELING never takes an ended run back.
    assert.equal(applyRunEvents(final, [events.find((e) => e.type === 'RUN_CANCELING')!]).detail.run.status, 'CANCELED');
  });
});

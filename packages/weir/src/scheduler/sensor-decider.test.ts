import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SensorStateRecord } from '../events/index.js';
import { decideEvaluation, dueSensors, nextEvaluationAt, SLOW_EVALUATION_MS } from './sensor-decider.js';

const state = (over: Partial<SensorStateRecord>): SensorStateRecord => ({
  sensorName: 'x', state: 'RUNNING', cursor: null, lastEvaluationStartedAt: null, lastEvaluationEndedAt: null, lastStatus: null, ...over,
});
const a = { name: 'a', intervalMs: 30_000 };
const b = { name: 'b', intervalMs: 60_000, select: 'orders+' };

describe('sensor decider: what is due', () => {
  it('a sensor never evaluated is due at once; then an interval after its last evaluation ended', () => {
    assert.deepEqual(dueSensors([a, b], new Map(), 0).map((s) => s.name), ['a', 'b']);
    const states = new Map([['a', state({ lastEvaluationStartedAt: 1_000, lastEvaluationEndedAt: 2_000 })]]);
    assert.equal(nextEvaluationAt(a, states.get('a')), 32_000);
    assert.deepEqual(dueSensors([a], states, 31_999), []);
    assert.deepEqual(dueSensors([a], states, 32_000).map((s) => s.name), ['a']);
  });

  it('a slow evaluation pushes the next one back: due an interval after it ended, not after it started', () => {
    const states = new Map([['a', state({ lastEvaluationStartedAt: 0, lastEvaluationEndedAt: 95_000 })]]);
    assert.deepEqual(dueSensors([a], states, 60_000), [], 'not at start + 2 intervals');
    assert.deepEqual(dueSensors([a], states, 125_000).map((s) => s.name), ['a']);
  });

  it('a paused sensor is never due, nor one still being evaluated', () => {
    const states = new Map([['a', state({ state: 'PAUSED' })]]);
    assert.equal(nextEvaluationAt(a, states.get('a')), null);
    assert.deepEqual(dueSensors([a, b], states, 10 ** 12).map((s) => s.name), ['b']);
    assert.deepEqual(dueSensors([a, b], new Map(), 0, new Set(['b'])).map((s) => s.name), ['a']);
  });
});

describe('sensor decider: what an evaluation means', () => {
  it('run requests become launches with the sensor tag and the sensor selection unless the request has its own', () => {
    const decision = decideEvaluation(b, {
      result: { runRequests: [{ payload: { paths: ['in/a.csv'] }, tags: { team: 'shop' } }, { select: 'report' }], cursor: 'c2' }, durationMs: 12,
    });
    assert.deepEqual(decision, {
      status: 'REQUESTED', slow: false, cursor: 'c2', reason: '2 runs requested',
      launches: [
        { select: 'orders+', tags: { team: 'shop', 'weir/sensor': 'b' }, payload: { paths: ['in/a.csv'] } },
        { select: 'report', tags: { 'weir/sensor': 'b' } },
      ],
    });
  });

  it('no run request is SKIPPED with its reason; the cursor still moves', () => {
    assert.deepEqual(decideEvaluation(a, { result: { skipReason: 'no new order', cursor: 'c3' }, durationMs: 1 }),
      { status: 'SKIPPED', launches: [], slow: false, cursor: 'c3', reason: 'no new order' });
    assert.deepEqual(decideEvaluation(a, { result: {}, durationMs: 1 }), { status: 'SKIPPED', launches: [], slow: false, reason: 'nothing to do' });
  });

  it('an error is ERROR, never moves the cursor, and launches nothing', () => {
    assert.deepEqual(decideEvaluation(a, { error: 'connection refused', durationMs: 3 }), { status: 'ERROR', launches: [], error: 'connection refused', slow: false });
  });

  it('a malformed result is an ERROR that says what evaluate must return', () => {
    for (const [result, pattern] of [
      [42, /evaluate must return .*got number 42/],
      [{ runRequests: 'x' }, /runRequests must be an array, got string/],
      [{ runRequests: [{ tags: { n: 1 } }] }, /runRequests\[0\]\.tags must map names to strings/],
      [{ cursor: { id: 1 } }, /the cursor must be a string .*JSON\.stringify/],
    ] as const) {
      const decision = decideEvaluation(a, { result, durationMs: 1 });
      assert.equal(decision.status, 'ERROR');
      assert.match(decision.error!, pattern);
      assert.equal(decision.cursor, undefined);
    }
  });

  it('slow beyond the interval or beyond a minute, whichever is sooner: reported, the result still counts', () => {
    assert.equal(decideEvaluation(a, { result: {}, durationMs: 30_000 }).slow, false);
    const slow = decideEvaluation(a, { result: { runRequests: [{}] }, durationMs: 45_000 });
    assert.equal(slow.slow, true);
    assert.equal(slow.status, 'REQUESTED');
    assert.equal(slow.reason, '1 run requested; slow: took 45 s (reported beyond 30 s)');
    const hourly = { name: 'h', intervalMs: 3_600_000 };
    assert.equal(decideEvaluation(hourly, { result: {}, durationMs: SLOW_EVALUATION_MS + 1 }).slow, true);
  });
});

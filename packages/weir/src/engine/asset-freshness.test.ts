// The freshness evaluator: max lag and cron deadlines, with the clock injected, across a DST change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asset } from '../definitions/asset.js';
import { resolveFreshness } from '../definitions/freshness-policy.js';
import { evaluateFreshness } from './asset-freshness.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-03-02T10:00:00Z');

describe('evaluateFreshness: max lag', () => {
  const policy = resolveFreshness({ maxLag: '26h' });

  it('is fresh within the lag, until exactly last + maxLag', () => {
    const state = evaluateFreshness({ assetKey: 'revenue', policy, lastMaterializedAt: T }, T + 25 * HOUR);
    assert.equal(state.status, 'fresh');
    assert.equal(state.freshUntil, T + 26 * HOUR);
    assert.equal(evaluateFreshness({ assetKey: 'revenue', policy, lastMaterializedAt: T }, T + 26 * HOUR).status, 'fresh');
  });

  it('is violated past the lag: since when, by how much, what was expected', () => {
    const state = evaluateFreshness({ assetKey: 'revenue', policy, lastMaterializedAt: T }, T + 31 * HOUR);
    assert.equal(state.status, 'violated');
    assert.equal(state.violatedSince, T + 26 * HOUR);
    assert.equal(state.overdueMs, 5 * HOUR);
    assert.equal(state.expected, 'materialized at most 26h ago');
    assert.equal(state.message, 'revenue was last materialized 31h ago, 5h over its max lag of 26h');
  });

  it('never materialized is violated, with no since', () => {
    const state = evaluateFreshness({ assetKey: 'revenue', policy }, T);
    assert.equal(state.status, 'violated');
    assert.equal(state.violatedSince, null);
    assert.match(state.message, /never materialized/);
  });
});

describe('evaluateFreshness: cron and deadline', () => {
  // Due by 08:00 Brussels after each 06:00 Brussels tick (05:00Z in winter, 04:00Z in summer).
  const policy = resolveFreshness({ cron: '0 6 * * *', timezone: 'Europe/Brussels', deadline: '2h' });
  const tick = Date.parse('2026-03-02T05:00:00Z');

  it('before the deadline, yesterday\'s data is still fresh', () => {
    const state = evaluateFreshness({ assetKey: 'report', policy, lastMaterializedAt: tick - 20 * HOUR }, tick + HOUR);
    assert.equal(state.status, 'fresh');
    assert.equal(state.freshUntil, tick + 2 * HOUR);
  });

  it('after the deadline without a materialization since the tick, it is violated since the deadline', () => {
    const state = evaluateFreshness({ assetKey: 'report', policy, lastMaterializedAt: tick - 20 * HOUR }, tick + 3 * HOUR);
    assert.equal(state.status, 'violated');
    assert.equal(state.violatedSince, tick + 2 * HOUR);
    assert.equal(state.overdueMs, HOUR);
    assert.match(state.message, /no materialization since the tick of 2026-03-02T05:00:00.000Z/);
  });

  it('a materialization after the tick keeps it fresh until the next deadline', () => {
    const state = evaluateFreshness({ assetKey: 'report', policy, lastMaterializedAt: tick + 30 * 60_000 }, tick + 10 * HOUR);
    assert.equal(state.status, 'fresh');
    assert.equal(state.freshUntil, tick + 24 * HOUR + 2 * HOUR);
  });

  it('follows the time zone across the spring DST change (06:00 CEST is 04:00Z)', () => {
    const summerTick = Date.parse('2026-03-30T04:00:00Z');
    const late = evaluateFreshness({ assetKey: 'report', policy, lastMaterializedAt: summerTick - HOUR }, summerTick + 2 * HOUR + 1);
    assert.equal(late.status, 'violated');
    assert.equal(late.violatedSince, summerTick + 2 * HOUR);
  });

  it('the default time zone is UTC, and said so', () => {
    const utc = resolveFreshness({ cron: '0 6 * * *', deadline: '2h' });
    assert.match(evaluateFreshness({ assetKey: 'r', policy: utc }, T).expected, /UTC, the default/);
  });
});

describe('resolveFreshness: bad input says what to write', () => {
  it('rejects a malformed cron, an unknown zone and a bad duration', () => {
    assert.throws(() => resolveFreshness({ cron: '0 6 * *', deadline: '2h' }), /cron '0 6 \* \*' is not valid: it has 4 fields.*e\.g\. '0 6 \* \* \*'/);
    assert.throws(() => resolveFreshness({ cron: '0 6 * * *', timezone: 'Europe/Bruxelles', deadline: '2h' }), /'Europe\/Bruxelles' is not a time zone. Did you mean 'Europe\/Brussels'/);
    assert.throws(() => resolveFreshness({ maxLag: '26 hours' }), /freshness\.maxLag: '26 hours' is not a duration/);
    assert.throws(() => resolveFreshness({ maxLag: 0 }), /longer than zero/);
  });
});

describe('asset({ freshness })', () => {
  it('keeps the resolved policy on the definition, and names the asset and the shape in errors', () => {
    const revenue = asset({ key: 'revenue', freshness: { maxLag: '26h' } }, () => 'select 1');
    assert.deepEqual(revenue.freshness, { kind: 'max_lag', maxLagMs: 26 * HOUR, maxLag: '26h' });
    assert.throws(() => asset({ key: 'revenue', freshness: { maxLag: '26 hours' } }, () => 'select 1'),
      (error: Error & { hint?: string }) => /asset 'revenue': freshness\.maxLag: '26 hours' is not a duration/.test(error.message) && /\{ maxLag: '26h' \}/.test(error.hint ?? ''));
    assert.throws(() => asset({ key: 'revenue', freshness: { lag: '26h' } as never }, () => 'select 1'),
      /asset 'revenue': option 'freshness' is invalid.*expected \{ maxLag: '26h' \} or \{ cron/);
  });
});

// The declarative automation decider, pure: eager (new upstream data, debounced, never twice for the same data,
// holds back while upstream runs) and on_cron (after the tick, once every upstream has data of the period).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideDeclarativeAutomation, type DeclarativeAutomationInput, type MaterializationFacts } from './declarative-automation.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const m = (eventId: number, timestamp: number, upstream: Array<[string, number]> = []): MaterializationFacts =>
  ({ eventId, timestamp, upstream: upstream.map(([assetKey, id]) => ({ assetKey, eventId: id })) });

function input(overrides: Partial<DeclarativeAutomationInput>): DeclarativeAutomationInput {
  return {
    nowMs: NOW, debounceMs: 3000, inFlight: [], lastAutomationRun: new Map(),
    assets: [
      { key: 'revenue', policy: { kind: 'eager' }, upstream: ['orders'] },
      { key: 'report', policy: { kind: 'eager' }, upstream: ['revenue'] },
    ],
    latest: new Map([['orders', m(10, NOW - 60_000)], ['revenue', m(5, NOW - 3_600_000, [['orders', 4]])], ['report', m(6, NOW - 3_500_000, [['revenue', 5]])]]),
    ...overrides,
  };
}
const actions = (decisions: ReturnType<typeof decideDeclarativeAutomation>) => decisions.map((d) => [d.assetKey, d.action]);

describe('eager', () => {
  it('launches an asset whose upstream has a materialization it did not read; what is downstream waits for it', () => {
    const decisions = decideDeclarativeAutomation(input({}));
    assert.deepEqual(actions(decisions), [['revenue', 'launch'], ['report', 'none']]);
    const launch = decisions[0]!;
    assert.equal(launch.action === 'launch' && launch.tags['weir/automation'], 'eager');
    assert.equal(launch.reason, 'new data in orders');
  });

  it('debounces: upstream materialized moments ago waits', () => {
    const decisions = decideDeclarativeAutomation(input({ latest: new Map([...input({}).latest, ['orders', m(10, NOW - 1000)]]) }));
    assert.deepEqual(actions(decisions), [['revenue', 'wait'], ['report', 'none']]);
    assert.match(decisions[0]!.reason, /debouncing: orders changed 1000 ms ago/);
  });

  it('never launches twice for the same upstream data, even when that run failed', () => {
    const first = decideDeclarativeAutomation(input({}))[0]!;
    assert.equal(first.action, 'launch');
    const tags = first.action === 'launch' ? first.tags : {};
    const again = decideDeclarativeAutomation(input({ lastAutomationRun: new Map([['revenue', { runId: 'r1', tags }]]) }));
    assert.deepEqual(actions(again), [['revenue', 'none'], ['report', 'none']]);
    assert.match(again[0]!.reason, /already launched for this upstream data \(run r1\)/);
    // New upstream data: launches again.
    const newer = decideDeclarativeAutomation(input({ lastAutomationRun: new Map([['revenue', { runId: 'r1', tags }]]), latest: new Map([...input({}).latest, ['orders', m(11, NOW - 10_000)]]) }));
    assert.deepEqual(actions(newer), [['revenue', 'launch'], ['report', 'none']]);
  });

  it('waits while the asset or its upstream is in a run', () => {
    assert.deepEqual(actions(decideDeclarativeAutomation(input({ inFlight: [{ runId: 'x', stepKeys: ['orders'] }] }))), [['revenue', 'wait'], ['report', 'none']]);
    assert.deepEqual(actions(decideDeclarativeAutomation(input({ inFlight: [{ runId: 'x', stepKeys: ['revenue'] }] }))), [['revenue', 'wait'], ['report', 'none']]);
  });

  it('does nothing when up to date, or when no upstream has data', () => {
    const upToDate = new Map([['orders', m(4, NOW - 7_200_000)], ['revenue', m(5, NOW - 3_600_000, [['orders', 4]])], ['report', m(6, NOW, [['revenue', 5]])]]);
    assert.deepEqual(actions(decideDeclarativeAutomation(input({ latest: upToDate }))), [['revenue', 'none'], ['report', 'none']]);
    assert.deepEqual(actions(decideDeclarativeAutomation(input({ latest: new Map() }))), [['revenue', 'none'], ['report', 'none']]);
  });
});

describe('on_cron', () => {
  // 06:00 Brussels on 2026-03-02 is 05:00Z.
  const tick = Date.parse('2026-03-02T05:00:00Z');
  const assets: DeclarativeAutomationInput['assets'] = [{ key: 'report', policy: { kind: 'on_cron', cron: '0 6 * * *', timezone: 'Europe/Brussels', timezoneIsDefault: false }, upstream: ['revenue'] }];

  it('after the tick, waits until the upstream has data of the period, then launches once for that tick', () => {
    const before = new Map([['revenue', m(5, tick - 1000)]]);
    const waiting = decideDeclarativeAutomation(input({ assets, latest: before }));
    assert.deepEqual(actions(waiting), [['report', 'wait']]);
    assert.match(waiting[0]!.reason, /waiting for revenue to be materialized after the tick of 2026-03-02T05:00:00.000Z/);

    const after = new Map([['revenue', m(7, tick + 1000)]]);
    const launch = decideDeclarativeAutomation(input({ assets, latest: after }))[0]!;
    assert.equal(launch.action, 'launch');
    const tags = launch.action === 'launch' ? launch.tags : {};
    assert.deepEqual(tags, { 'weir/automation': 'on_cron', 'weir/tick': '2026-03-02T05:00:00.000Z' });
    const done = decideDeclarativeAutomation(input({ assets, latest: after, lastAutomationRun: new Map([['report', { runId: 'r9', tags }]]) }));
    assert.deepEqual(actions(done), [['report', 'none']]);
  });

  it('does nothing when someone already materialized it after the tick from the latest upstream data', () => {
    const latest = new Map([['revenue', m(7, tick + 1000)], ['report', m(8, tick + 2000, [['revenue', 7]])]]);
    assert.deepEqual(actions(decideDeclarativeAutomation(input({ assets, latest }))), [['report', 'none']]);
  });

  it('before the day\'s tick, the previous tick counts (already handled)', () => {
    const previousTickIso = '2026-03-01T05:00:00.000Z';
    const latest = new Map([['revenue', m(7, tick - 3_600_000)]]);
    const decisions = decideDeclarativeAutomation(input({ assets, latest, nowMs: tick - 60_000, lastAutomationRun: new Map([['report', { runId: 'r8', tags: { 'weir/tick': previousTickIso } }]]) }));
    assert.deepEqual(actions(decisions), [['report', 'none']]);
  });
});

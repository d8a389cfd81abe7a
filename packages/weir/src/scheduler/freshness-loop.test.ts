// The freshness loop on a real store with real runs: it signals a violation once, then its resolution once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asset } from '../definitions/asset.js';
import { openAutomationFixture, type AutomationFixture } from './automation-fixture.js';
import { createFreshnessLoop } from './freshness-loop.js';

const HOUR = 3_600_000;
const signal = new AbortController().signal;

describe('createFreshnessLoop', () => {
  let f: AutomationFixture;
  const daily = asset({ key: 'daily', freshness: { maxLag: '1h' } }, () => 'select 1 as n');
  const report = asset({ key: 'report', inputs: { daily }, freshness: { cron: '0 6 * * *', timezone: 'Europe/Brussels', deadline: '2h' } }, ({ daily }) => `select * from ${daily}`);
  const plain = asset({ key: 'plain' }, () => 'select 2 as n');
  before(async () => { f = await openAutomationFixture([daily, report, plain]); });
  after(async () => { await f.close(); });

  it('signals each asset with a policy once, then only changes of state', async () => {
    await f.runToEnd({ select: 'daily' });
    const loop = createFreshnessLoop(f.deps);
    assert.equal(loop.name, 'freshness');
    const now = Date.now();

    // First pass after a start: the current state of every asset with a policy (the router dedupes by problem key).
    await loop.runOnce(now, signal);
    assert.deepEqual((await f.signals()).map((s) => [s.kind, s.problemKey, s.resolved ?? false]), [
      ['FRESHNESS_VIOLATED', 'freshness:daily', true],
      ['FRESHNESS_VIOLATED', 'freshness:report', false],
    ]);
    assert.match((await f.signals())[1]!.message, /report was never materialized/);

    // Nothing changes: nothing signalled.
    await loop.runOnce(now + 60_000, signal);
    assert.equal((await f.signals()).length, 2);

    // Past daily's 1h lag: one violation, with what was expected and by how much.
    await loop.runOnce(now + 2 * HOUR, signal);
    assert.equal((await f.signals()).length, 3);
    const violation = (await f.signals())[2]!;
    assert.equal(violation.problemKey, 'freshness:daily');
    assert.equal(violation.resolved, undefined);
    assert.equal(violation.project, 'shop');
    assert.match(violation.message, /daily was last materialized 2h ago, 1h over its max lag of 1h/);
    assert.equal((violation.details as { expected: string }).expected, 'materialized at most 1h ago');
    await loop.runOnce(now + 2 * HOUR + 30_000, signal);
    assert.equal((await f.signals()).length, 3, 'a violation that holds is not signalled again');

    // Materialized again (at real time, which is before now + 2h + 1min): fresh, resolved once.
    await f.runToEnd({ select: 'daily' });
    const later = Date.now() + 60_000;
    await loop.runOnce(later, signal);
    assert.deepEqual((await f.signals()).slice(3).map((s) => [s.problemKey, s.resolved]), [['freshness:daily', true]]);
    await loop.runOnce(later + 1000, signal);
    assert.equal((await f.signals()).length, 4);
    assert.ok(f.logs.some((line) => line.level === 'warn' && /freshness violated: daily/.test(line.message)));
  });

  it('resolves the problem of an asset whose policy was removed while violated', async () => {
    const loop = createFreshnessLoop(f.deps);
    await loop.runOnce(Date.now(), signal); // report is violated (never materialized)
    const count = (await f.signals()).length;
    f.setAssets([daily, asset({ key: 'report', inputs: { daily } }, ({ daily }) => `select * from ${daily}`), plain]);
    await loop.runOnce(Date.now(), signal);
    assert.deepEqual((await f.signals()).slice(count).map((s) => [s.problemKey, s.resolved, s.message]), [
      ['freshness:report', true, 'report no longer has a freshness policy'],
    ]);
  });
});

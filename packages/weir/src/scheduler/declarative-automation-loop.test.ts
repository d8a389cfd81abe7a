// The declarative automation loop with real runs on a real store: eager launches once after an upstream
// materialization and not again for the same data (not even after a failure); on_cron waits for its upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asset } from '../definitions/asset.js';
import { timePartitions } from '../definitions/partitions.js';
import type { Run } from '../events/index.js';
import { openAutomationFixture, type AutomationFixture } from './automation-fixture.js';
import { createDeclarativeAutomationLoop } from './declarative-automation-loop.js';
import type { AutomationDecision } from './declarative-automation.js';

const DEBOUNCE_MS = 1000;
const signal = new AbortController().signal;
const state = { revenueFails: false, orderRows: 3 };

const orders = asset({ key: 'orders' }, () => `select * from range(${state.orderRows}) t(id)`);
const revenue = asset({ key: 'revenue', inputs: { orders }, automation: 'eager' }, ({ orders }) => {
  if (state.revenueFails) throw new Error('revenue failed on purpose');
  return `select count(*) as n from ${orders}`;
});
const summary = asset({ key: 'summary', inputs: { revenue }, automation: 'eager' }, ({ revenue }) => `select n * 2 as n2 from ${revenue}`);

async function automationRuns(f: AutomationFixture): Promise<Run[]> {
  return f.storage.runs.listRuns({ project: 'shop', trigger: 'automation' });
}

describe('declarative automation loop: eager', () => {
  let f: AutomationFixture;
  let decisions: AutomationDecision[] = [];
  before(async () => { f = await openAutomationFixture([orders, revenue, summary]); });
  after(async () => { await f.close(); });
  const pass = async (nowMs = Date.now() + DEBOUNCE_MS) => {
    const loop = createDeclarativeAutomationLoop(f.deps, { debounceMs: DEBOUNCE_MS, onDecisions: (d) => { decisions = d; } });
    await loop.runOnce(nowMs, signal);
    await f.launcher.idle();
  };

  it('launches nothing before any upstream data', async () => {
    await pass();
    assert.deepEqual(await automationRuns(f), []);
    assert.deepEqual(decisions.map((d) => [d.assetKey, d.reason]), [['revenue', 'no upstream data yet'], ['summary', 'no upstream data yet']]);
  });

  it('after an upstream materialization: debounced, then launched once, then its downstream once, then nothing', async () => {
    await f.runToEnd({ select: 'orders' });
    await pass(Date.now()); // within the debounce
    assert.deepEqual(await automationRuns(f), []);
    assert.equal(decisions[0]!.action, 'wait');

    await pass();
    const [first] = await automationRuns(f);
    assert.deepEqual([first?.stepKeys, first?.status, first?.trigger, first?.tags['weir/automation']], [['revenue'], 'SUCCESS', 'automation', 'eager']);
    assert.ok(first?.tags['weir/automation-data']);

    await pass();
    const runs = await automationRuns(f);
    assert.deepEqual(runs.map((r) => r.stepKeys[0]), ['summary', 'revenue']);
    await pass();
    await pass();
    assert.equal((await automationRuns(f)).length, 2, 'the same upstream data is never launched twice');
    assert.deepEqual(decisions.map((d) => d.action), ['none', 'none']);
    const latest = await f.storage.events.latestMaterializations('shop', ['summary']);
    assert.equal(latest.get('summary')?.runId, runs[0]!.runId);
  });

  it('a failed automation run is not retried for the same upstream data; new upstream data launches again', async () => {
    state.revenueFails = true;
    state.orderRows = 4;
    await f.runToEnd({ select: 'orders' });
    await pass();
    const [failed] = await automationRuns(f);
    assert.deepEqual([failed?.stepKeys, failed?.status], [['revenue'], 'FAILURE']);
    await pass();
    await pass();
    assert.equal((await automationRuns(f))[0]!.runId, failed!.runId, 'no second run for the data that failed');
    assert.match(decisions[0]!.reason, /already launched for this upstream data/);

    state.revenueFails = false;
    await f.runToEnd({ select: 'orders' });
    await pass();
    const [again] = await automationRuns(f);
    assert.deepEqual([again?.stepKeys, again?.status], [['revenue'], 'SUCCESS']);
  });
});

describe('declarative automation loop: on_cron', () => {
  let f: AutomationFixture;
  before(async () => { f = await openAutomationFixture([orders]); });
  after(async () => { await f.close(); });

  it('after the tick, waits for its upstream to be materialized since the tick, then launches once for that tick', async () => {
    state.revenueFails = false;
    await f.runToEnd({ select: 'orders' });
    // A cron that fires once, at the next whole second (UTC): orders above was materialized before it.
    const tick = Math.ceil((Date.now() + 1) / 1000) * 1000;
    const at = new Date(tick);
    const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
    const report = asset({ key: 'report', inputs: { orders }, automation: { onCron: cron, timezone: 'UTC' } }, ({ orders }) => `select count(*) as n from ${orders}`);
    f.setAssets([orders, report]);
    let decisions: AutomationDecision[] = [];
    const loop = createDeclarativeAutomationLoop(f.deps, { onDecisions: (d) => { decisions = d; } });

    await loop.runOnce(tick + 10, signal);
    assert.deepEqual(await automationRuns(f), []);
    assert.match(decisions[0]!.reason, new RegExp(`waiting for orders to be materialized after the tick of ${at.toISOString()}`));

    // The upstream data of the period arrives after the tick.
    while (Date.now() <= tick) await new Promise((resolve) => setTimeout(resolve, tick - Date.now() + 1));
    await f.runToEnd({ select: 'orders' });
    await loop.runOnce(Date.now(), signal);
    await f.launcher.idle();
    const runs = await automationRuns(f);
    assert.deepEqual(runs.map((r) => [r.stepKeys, r.status, r.tags['weir/automation'], r.tags['weir/tick']]), [[['report'], 'SUCCESS', 'on_cron', at.toISOString()]]);

    await loop.runOnce(Date.now() + 5000, signal);
    await f.launcher.idle();
    assert.equal((await automationRuns(f)).length, 1, 'one run per tick');
  });

  it('a month-partitioned asset materializes the month that ended by the tick', async () => {
    const g = await openAutomationFixture([orders]);
    try {
      await g.runToEnd({ select: 'orders' });
      const tick = Math.ceil((Date.now() + 1) / 1000) * 1000;
      const at = new Date(tick);
      const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
      const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'UTC' });
      const monthly = asset({ key: 'monthly', inputs: { orders }, partitions: months, automation: { onCron: cron, timezone: 'UTC' } },
        ({ orders }, ctx) => `select '${ctx.partition!.key}' as month, count(*) as n from ${orders}`);
      g.setAssets([orders, monthly]);
      while (Date.now() <= tick) await new Promise((resolve) => setTimeout(resolve, tick - Date.now() + 1));
      await g.runToEnd({ select: 'orders' });
      await createDeclarativeAutomationLoop(g.deps).runOnce(Date.now(), signal);
      await g.launcher.idle();
      const previousMonth = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
      const [run] = await g.storage.runs.listRuns({ project: 'shop', trigger: 'automation' });
      assert.deepEqual([run?.stepKeys, run?.status, run?.tags['weir/partition'], run?.tags['weir/tick']], [['monthly'], 'SUCCESS', previousMonth, at.toISOString()]);
    } finally {
      await g.close();
    }
  });
});

/**
 * The alert loop on real runs (DuckDB, SQLite) and real receivers on 127.0.0.1: a failing check is delivered once,
 * a receiver that is down gets it after a backoff (also after a restart), an unreachable channel never touches the run,
 * and no secret reaches a log line or a stored delivery.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDbWarehouse } from '../../connectors/duckdb/duckdb-warehouse.js';
import { asset } from '../../definitions/asset.js';
import type { AlertsConfig } from '../../definitions/alerts-config.js';
import { rowCount } from '../../definitions/check.js';
import type { Definitions } from '../../definitions/definitions.js';
import type { ProjectConfig } from '../../definitions/project.js';
import { launchRun } from '../../engine/launch-run.js';
import { buildAssetGraph } from '../../graph/index.js';
import { assertNoSecret } from '../../notifications/channel.contract.js';
import { startRecordingReceiver, type RecordingReceiver } from '../../notifications/recording-http-receiver.js';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../storage/storage.js';
import type { AutomationLogLine } from '../automation-deps.js';
import { createAlertLoop, type AlertLoopOptions } from './alert-loop.js';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

const NTFY_TOKEN = 'tk_loop_0123456789abcdef';
const HOOK_PATH_TOKEN = 'hook_9f8e7d6c5b4a3f2e1d0c';
const SIGNAL = new AbortController().signal;
const T0 = Date.UTC(2026, 2, 1, 5, 0, 0);

/** A project whose `orders` has one row and a check that wants three: the check fails (blocking, or warn only). */
async function fixture(options: { severity?: 'error' | 'warn'; receivers: { ntfy: string; hook: string }; gate?: Promise<void> }) {
  const root = mkdtempSync(join(tmpdir(), 'weir-alert-loop-'));
  roots.push(root);
  const alerts: AlertsConfig = {
    channels: [
      { name: 'team_ntfy', type: 'ntfy', enabled: true, config: { type: 'ntfy', url: options.receivers.ntfy, topic: 'weir-shop', token: NTFY_TOKEN }, secrets: [NTFY_TOKEN] },
      { name: 'ops_hook', type: 'webhook', enabled: true, config: { type: 'webhook', url: `${options.receivers.hook}/hooks/${HOOK_PATH_TOKEN}` }, secrets: [`${options.receivers.hook}/hooks/${HOOK_PATH_TOKEN}`] },
      { name: 'team_teams', type: 'teams', enabled: false, disabledReason: "setting 'teams_url' has no value", secrets: [] },
    ],
    rules: [
      { name: 'failures', on: ['check_failed', 'run_failed', 'run_recovered'], channels: ['team_ntfy', 'ops_hook', 'team_teams'] },
      { name: 'automation', on: ['schedule_errored', 'backfill_finished'], channels: ['ops_hook'] },
      { name: 'slow', on: ['run_too_long'], channels: ['team_ntfy'], runLongerThanMs: 30 * 60_000 },
    ],
  };
  const project: ProjectConfig = {
    name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: join(root, 'metadata.sqlite'),
    definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {}, alerts,
  };
  const orders = asset({ key: 'orders', checks: [rowCount({ name: 'three_orders', equals: 3, severity: options.severity ?? 'error' })] }, async () => {
    await options.gate;
    return 'select 1 as id, 10.5 as amount';
  });
  const definitions: Definitions = { project, assets: [orders], externals: [], resources: {} } as unknown as Definitions;
  const graph = buildAssetGraph(definitions);
  let storage = await openSqliteStorage(project.metadataPath);
  const warehouse = await DuckDbWarehouse.open(project.warehousePath);
  const logs: AutomationLogLine[] = [];
  const f = {
    root, definitions, graph, logs,
    get storage(): Storage { return storage; },
    loop: (loopOptions: AlertLoopOptions = {}) => createAlertLoop({
      project: () => ({ definitions, graph }), storage, log: (line) => logs.push(line), publicUrl: 'https://weir.example.org',
    }, { firstBackoffMs: 5_000, timeoutMs: 2_000, ...loopOptions }),
    run: () => launchRun({ definitions, graph, storage, warehouse, select: 'orders', trigger: 'schedule' }),
    /** Closes and opens the metadata again, as a restarted process does. */
    async restart() {
      await storage.close();
      storage = await openSqliteStorage(project.metadataPath);
    },
    async close() {
      await warehouse.close();
      await storage.close();
    },
  };
  return f;
}

async function receivers(): Promise<{ ntfy: RecordingReceiver; hook: RecordingReceiver; close: () => Promise<void> }> {
  const ntfy = await startRecordingReceiver();
  const hook = await startRecordingReceiver();
  return { ntfy, hook, close: async () => { await ntfy.close(); await hook.close(); } };
}

describe('alert loop', () => {
  it('a failed check is routed and delivered to each enabled channel once, with the run\'s link; later passes send nothing again', async () => {
    const r = await receivers();
    const f = await fixture({ receivers: { ntfy: r.ntfy.url, hook: r.hook.url } });
    try {
      const loop = f.loop();
      await loop.runOnce(T0, SIGNAL); // the first pass starts from now
      const run = await f.run();
      assert.equal(run.status, 'FAILURE');
      await loop.runOnce(T0 + 1000, SIGNAL);
      const deliveries = await f.storage.alerts.listDeliveries({ project: 'shop' });
      // The check failed and the run failed: two problems, each to the two enabled channels; the disabled one gets nothing.
      assert.deepEqual(deliveries.map((d) => [d.channel, d.message.kind, d.status]).sort(), [
        ['ops_hook', 'check_failed', 'DELIVERED'], ['ops_hook', 'run_failed', 'DELIVERED'],
        ['team_ntfy', 'check_failed', 'DELIVERED'], ['team_ntfy', 'run_failed', 'DELIVERED'],
      ]);
      const ntfyBodies = r.ntfy.requests.map((q) => JSON.parse(q.body));
      const check = ntfyBodies.find((b) => b.title.startsWith('Check failed'));
      assert.equal(check.title, 'Check failed: orders.three_orders');
      assert.match(check.message, /^orders: check three_orders failed: observed 1, expected 3/);
      assert.equal(check.click, `https://weir.example.org/#/runs/${run.runId}`);
      const hook = JSON.parse(r.hook.requests.find((q) => JSON.parse(q.body).type === 'weir.alert.run_failed')!.body);
      assert.equal(hook.data.runId, run.runId);
      assert.match(hook.data.line, /three_orders failed: observed 1, expected 3/);

      await f.run();
      await loop.runOnce(T0 + 2000, SIGNAL);
      await loop.runOnce(T0 + 3000, SIGNAL);
      assert.equal(r.ntfy.requests.length, 2, 'an open problem is not sent again');
      assert.equal((await f.storage.alerts.listDeliveries()).length, 4);
    } finally {
      await f.close();
      await r.close();
    }
  });

  it('a receiver that is down gets the delivery after a backoff, also when the process restarted in between', async () => {
    const r = await receivers();
    const f = await fixture({ receivers: { ntfy: r.ntfy.url, hook: r.hook.url } });
    try {
      await f.loop().runOnce(T0, SIGNAL);
      await r.ntfy.down();
      await f.run();
      await f.loop().runOnce(T0 + 1000, SIGNAL);
      const pending = (await f.storage.alerts.listDeliveries({ channel: 'team_ntfy' }));
      assert.deepEqual(pending.map((d) => [d.status, d.attempts, d.nextAttemptAt]), [['PENDING', 1, T0 + 6000], ['PENDING', 1, T0 + 6000]]);
      assert.match(pending[0]!.lastError!, /could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
      // Not due yet: no attempt.
      await f.loop().runOnce(T0 + 5000, SIGNAL);
      assert.equal((await f.storage.alerts.listDeliveries({ channel: 'team_ntfy' }))[0]!.attempts, 1);
      // Still down at the second attempt: the next wait doubles.
      await f.loop().runOnce(T0 + 6000, SIGNAL);
      assert.deepEqual((await f.storage.alerts.listDeliveries({ channel: 'team_ntfy' })).map((d) => [d.attempts, d.nextAttemptAt]), [[2, T0 + 16_000], [2, T0 + 16_000]]);
      await f.restart();
      await r.ntfy.up();
      await f.loop().runOnce(T0 + 16_000, SIGNAL);
      const delivered = await f.storage.alerts.listDeliveries({ channel: 'team_ntfy' });
      assert.deepEqual(delivered.map((d) => [d.status, d.attempts, d.lastError]), [['DELIVERED', 3, null], ['DELIVERED', 3, null]]);
      assert.equal(r.ntfy.requests.length, 2);
    } finally {
      await f.close();
      await r.close();
    }
  });

  it('a run with an unreachable channel succeeds; the delivery records the failure, with no secret in it or in the log', async () => {
    const r = await receivers();
    await r.ntfy.close();
    await r.hook.close();
    const f = await fixture({ severity: 'warn', receivers: { ntfy: r.ntfy.url, hook: r.hook.url } });
    try {
      const loop = f.loop({ maxAttempts: 2 });
      await loop.runOnce(T0, SIGNAL);
      // The loop passes while the run runs, as the serving process does.
      let passing = true;
      let now = T0;
      const passes = (async () => { while (passing) { now += 10_000; await loop.runOnce(now, SIGNAL); await new Promise((res) => setTimeout(res, 5)); } })();
      const run = await f.run();
      assert.equal(run.status, 'SUCCESS', 'a warning check does not fail the run, and neither does the alert');
      await new Promise((res) => setTimeout(res, 100));
      passing = false;
      await passes;
      await loop.runOnce(now + 10_000, SIGNAL);
      await loop.runOnce(now + 20_000, SIGNAL);
      const deliveries = await f.storage.alerts.listDeliveries();
      assert.deepEqual(deliveries.map((d) => [d.message.kind, d.message.severity, d.status, d.attempts]).sort(), [
        ['check_failed', 'warn', 'FAILED', 2], ['check_failed', 'warn', 'FAILED', 2],
      ]);
      for (const d of deliveries) {
        assert.match(d.lastError!, /ECONNREFUSED/);
        assertNoSecret(JSON.stringify(d), [NTFY_TOKEN, HOOK_PATH_TOKEN], 'a stored delivery');
      }
      assert.ok(f.logs.some((l) => l.level === 'error' && /attempt 2 failed/.test(l.message)));
      assertNoSecret(JSON.stringify(f.logs), [NTFY_TOKEN, HOOK_PATH_TOKEN], 'the loop\'s log');
      const events = await f.storage.events.eventsForRun(run.runId);
      assertNoSecret(JSON.stringify(events), [NTFY_TOKEN, HOOK_PATH_TOKEN], 'the run\'s events');
    } finally {
      await f.close();
    }
  });

  it('signals recorded by other loops (a schedule that errored, then ticks again) are delivered once each, durably', async () => {
    const r = await receivers();
    const f = await fixture({ receivers: { ntfy: r.ntfy.url, hook: r.hook.url } });
    try {
      const signal = { kind: 'SCHEDULE_ERRORED' as const, project: 'shop', subject: 'monthly_report', problemKey: 'schedule:monthly_report', timestamp: T0 };
      // Recorded before the alert loop's first pass: not lost.
      await f.storage.alerts.recordSignal({ ...signal, message: "monthly_report: cron '0 6 31 2 *' never fires (February has no day 31)" });
      await f.storage.alerts.recordSignal({ ...signal, message: 'still broken' });
      await f.loop().runOnce(T0, SIGNAL);
      await f.storage.alerts.recordSignal({ ...signal, message: 'monthly_report ticks again', resolved: true, timestamp: T0 + 1000 });
      await f.restart();
      await f.loop().runOnce(T0 + 1000, SIGNAL);
      await f.loop().runOnce(T0 + 2000, SIGNAL);
      const bodies = r.hook.requests.map((q) => JSON.parse(q.body).data);
      assert.deepEqual(bodies.map((b) => [b.kind, b.state, b.line, b.link]), [
        ['schedule_errored', 'problem', "monthly_report: cron '0 6 31 2 *' never fires (February has no day 31)", 'https://weir.example.org/#/automation'],
        ['schedule_errored', 'resolved', 'monthly_report ticks again', 'https://weir.example.org/#/automation'],
      ]);
      assert.equal(r.ntfy.requests.length, 0, 'the rule for automation sends only to ops_hook');
    } finally {
      await f.close();
      await r.close();
    }
  });

  it('a run longer than the rule\'s limit is sent once while it runs, and once more when it ends', async () => {
    const r = await receivers();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const f = await fixture({ severity: 'warn', receivers: { ntfy: r.ntfy.url, hook: r.hook.url }, gate });
    try {
      const loop = f.loop();
      await loop.runOnce(Date.now(), SIGNAL);
      const running = f.run();
      for (let i = 0; i < 200 && !(await f.storage.runs.listRuns({ statuses: ['STARTED'] })).length; i++) await new Promise((res) => setTimeout(res, 10));
      const [started] = await f.storage.runs.listRuns({ statuses: ['STARTED'] });
      assert.ok(started?.startedAt, 'the run has started');
      await loop.runOnce(started.startedAt + 29 * 60_000, SIGNAL);
      assert.equal(r.ntfy.requests.length, 0, 'under the limit');
      await loop.runOnce(started.startedAt + 31 * 60_000, SIGNAL);
      await loop.runOnce(started.startedAt + 32 * 60_000, SIGNAL);
      const late = r.ntfy.requests.map((q) => JSON.parse(q.body));
      assert.deepEqual(late.map((b) => b.title), ['Run running too long: orders']);
      assert.match(late[0].message, /^orders has been running for 31m00s \(limit 30m00s\)/);
      open();
      assert.equal((await running).status, 'SUCCESS');
      await loop.runOnce(started.startedAt + 33 * 60_000, SIGNAL);
      const titles = r.ntfy.requests.map((q) => JSON.parse(q.body).title);
      assert.ok(titles.includes('Run succeeded: orders'), titles.join(', '));
      assert.equal(titles.filter((t) => t.startsWith('Run running too long')).length, 1);
    } finally {
      open();
      await f.close();
      await r.close();
    }
  });
});

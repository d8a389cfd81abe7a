// The schedule loop on a real SQLite store and real runs (in-process launcher, DuckDB): a tick starts a tagged run
// and records it; catch-up after downtime; pause; a failed launch recorded with an alert signal; a crash between
// recording and launching never launches twice; two processes deciding the same pass launch once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asset } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import { defineSchedule, type ScheduleOptions } from '../definitions/schedule.js';
import type { AlertSignal } from '../events/index.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import type { AutomationLogLine } from './automation-deps.js';
import { createScheduleLoop, INTERRUPTED_TICK_REASON } from './schedule-loop.js';

const at = (iso: string) => Date.parse(iso);
const signal = new AbortController().signal;
const root = mkdtempSync(join(tmpdir(), 'weir-schedule-loop-'));
let warehouse: DuckDbWarehouse;
before(async () => { warehouse = await DuckDbWarehouse.open(join(root, 'warehouse.duckdb')); });
after(async () => { await warehouse.close(); rmSync(root, { recursive: true, force: true }); });

const orders = asset({ key: 'orders', tags: ['monthly'] }, () => 'select 1 as id, 10.5 as amount');
const revenue = asset({ key: 'revenue', inputs: { orders }, tags: ['monthly'] }, ({ orders }) => `select sum(amount) as total from ${orders}`);
const other = asset({ key: 'other' }, () => 'select 2 as x');
const project: ProjectConfig = {
  name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:',
  definitionGlobs: [], concurrency: 2, settings: { token: 'tok-s3cret-value-123' }, secretSettings: ['token'], settingSources: { token: 'default' },
};
const sched = (options: Partial<ScheduleOptions>) => defineSchedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', timezone: 'Europe/Brussels', ...options }, { origin: 'typescript' });

/** A store, a launcher and the loop over these schedules; alert signals as the loop raises them. */
async function setup(schedules: ReturnType<typeof sched>[], storage?: Storage) {
  const store = storage ?? await openSqliteStorage(':memory:');
  const definitions: Definitions = { project, assets: [orders, revenue, other], externals: [], schedules };
  const snapshot = { definitions, graph: buildAssetGraph(definitions) };
  const launcher: InProcessLauncher = inProcessLauncher({ project: () => snapshot, storage: store, warehouse: async () => warehouse });
  const signals: AlertSignal[] = [];
  const logs: AutomationLogLine[] = [];
  // merge: the alerts branch's AlertStore keeps signals; until then its placeholder drops them, so they are read here.
  const recording: Storage = Object.create(store, { alerts: { value: { recordSignal: async (s: AlertSignal) => { signals.push(s); } } } });
  const loop = createScheduleLoop({ project: () => snapshot, storage: recording, launcher, log: (line) => logs.push(line) });
  return { storage: store, launcher, loop, signals, logs };
}

describe('schedule loop', () => {
  it('starts the run of a due tick with trigger schedule and its tags, and records the tick with the run id', async () => {
    const { storage, launcher, loop } = await setup([sched({ tags: { team: 'shop' } })]);
    await loop.runOnce(at('2026-02-28T12:00:00Z'), signal); // first sight: starts counting here
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 0);
    await loop.runOnce(at('2026-03-01T04:59:59Z'), signal); // 05:59:59 Brussels: not yet
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 0);
    await loop.runOnce(at('2026-03-01T05:00:00.300Z'), signal); // 06:00:00.3 Brussels (CET)
    await launcher.idle();
    const [run] = await storage.runs.listRuns({ project: 'shop' });
    assert.ok(run, 'a run was started');
    assert.equal(run.trigger, 'schedule');
    assert.equal(run.status, 'SUCCESS');
    assert.deepEqual(run.stepKeys, ['orders', 'revenue']);
    assert.deepEqual(run.tags, { team: 'shop', 'weir/schedule': 'monthly_report', 'weir/tick': '2026-03-01T05:00:00.000Z' });
    const ticks = await storage.schedules.listTicks('shop', { schedule: 'monthly_report' });
    assert.deepEqual(ticks.map((t) => [new Date(t.tickAt).toISOString(), t.status, t.runId]), [['2026-03-01T05:00:00.000Z', 'SUBMITTED', run.runId]]);
    await loop.runOnce(at('2026-03-01T05:00:01.300Z'), signal); // the next pass: nothing again
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 1);
    await storage.close();
  });

  it('after downtime: catchup latest runs the latest missed tick and records the others as skipped', async () => {
    const { storage, launcher, loop } = await setup([sched({})]);
    await loop.runOnce(at('2026-01-15T00:00:00Z'), signal);
    await loop.runOnce(at('2026-04-15T00:00:00Z'), signal); // three months off: Feb, Mar, Apr ticks missed
    await launcher.idle();
    const runs = await storage.runs.listRuns({ project: 'shop' });
    assert.deepEqual(runs.map((r) => r.tags['weir/tick']), ['2026-04-01T04:00:00.000Z']); // 06:00 CEST
    const ticks = await storage.schedules.listTicks('shop');
    assert.deepEqual(ticks.map((t) => [new Date(t.tickAt).toISOString().slice(0, 10), t.status]), [['2026-04-01', 'SUBMITTED'], ['2026-03-01', 'SKIPPED'], ['2026-02-01', 'SKIPPED']]);
    assert.match(ticks[1]!.reason!, /superseded/);
    await storage.close();
  });

  it('a paused schedule starts nothing; resumed, it starts at its next tick and does not catch up the paused ones', async () => {
    const { storage, launcher, loop } = await setup([sched({ cron: '0 * * * *', timezone: undefined })]);
    await loop.runOnce(at('2026-03-01T00:30:00Z'), signal);
    await storage.schedules.setPaused('shop', 'monthly_report', true, at('2026-03-01T00:40:00Z'));
    await loop.runOnce(at('2026-03-01T03:00:00.500Z'), signal);
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 0);
    await storage.schedules.setPaused('shop', 'monthly_report', false, at('2026-03-01T03:10:00Z'));
    await loop.runOnce(at('2026-03-01T03:30:00Z'), signal);
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 0);
    await loop.runOnce(at('2026-03-01T04:00:00.200Z'), signal);
    await launcher.idle();
    assert.deepEqual((await storage.runs.listRuns({ project: 'shop' })).map((r) => r.tags['weir/tick']), ['2026-03-01T04:00:00.000Z']);
    await storage.close();
  });

  it('a launch that fails is recorded FAILED with the reason (secrets masked) and raises SCHEDULE_ERRORED; the next good tick resolves it', async () => {
    // As after a reload that removed the tag: the selection matches nothing when the tick comes.
    const broken = sched({ name: 'broken', select: 'tag:gone', cron: '0 * * * *', timezone: 'UTC' });
    const first = await setup([broken]);
    await first.loop.runOnce(at('2026-03-01T00:30:00Z'), signal);
    await first.loop.runOnce(at('2026-03-01T01:00:00.100Z'), signal);
    const [tick] = await first.storage.schedules.listTicks('shop');
    assert.equal(tick!.status, 'FAILED');
    assert.match(tick!.reason!, /tag:gone|matches no asset/);
    assert.equal(first.signals.length, 1);
    assert.equal(first.signals[0]!.kind, 'SCHEDULE_ERRORED');
    assert.equal(first.signals[0]!.subject, 'broken');
    assert.match(first.signals[0]!.message, /schedule 'broken': the tick at 2026-03-01T01:00:00.000Z could not start its run/);
    assert.ok(first.logs.some((l) => l.level === 'error' && /broken/.test(l.message)));
    // The definitions are fixed (select 'orders'): the next tick runs and the problem is resolved.
    const fixed = await setup([sched({ name: 'broken', select: 'orders', cron: '0 * * * *', timezone: 'UTC' })], first.storage);
    await fixed.loop.runOnce(at('2026-03-01T02:00:00.100Z'), signal);
    await fixed.launcher.idle();
    assert.deepEqual(fixed.signals.map((s) => [s.kind, s.resolved, s.problemKey]), [['SCHEDULE_ERRORED', true, first.signals[0]!.problemKey]]);
    assert.deepEqual((await first.storage.schedules.listTicks('shop')).map((t) => t.status), ['SUBMITTED', 'FAILED']);
    await first.storage.close();
  });

  it('a tick left LAUNCHING by a process that stopped is recorded FAILED at the next start, never launched again', async () => {
    const storage = await openSqliteStorage(':memory:');
    // What a process leaves if it dies right after recording the tick: LAUNCHING, no run.
    const [left] = (await storage.schedules.recordDecisions('shop', 'monthly_report', null, at('2026-03-01T05:00:00.100Z'), [{ tickAt: at('2026-03-01T05:00:00Z'), status: 'LAUNCHING' }], at('2026-03-01T05:00:00.100Z')))!;
    const { loop, launcher } = await setup([sched({})], storage);
    await loop.runOnce(at('2026-03-01T05:00:05Z'), signal);
    await launcher.idle();
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 0);
    const [tick] = await storage.schedules.listTicks('shop');
    assert.equal(tick!.id, left!.id);
    assert.equal(tick!.status, 'FAILED');
    assert.equal(tick!.reason, INTERRUPTED_TICK_REASON);
    await storage.close();
  });

  it('two processes deciding the same pass on one store start the run once', async () => {
    const storage = await openSqliteStorage(':memory:');
    const a = await setup([sched({ cron: '0 * * * *', timezone: 'UTC' })], storage);
    const b = await setup([sched({ cron: '0 * * * *', timezone: 'UTC' })], storage);
    await a.loop.runOnce(at('2026-03-01T00:30:00Z'), signal);
    await b.loop.runOnce(at('2026-03-01T00:30:00Z'), signal);
    await Promise.all([a.loop.runOnce(at('2026-03-01T01:00:00.100Z'), signal), b.loop.runOnce(at('2026-03-01T01:00:00.100Z'), signal)]);
    await Promise.all([a.launcher.idle(), b.launcher.idle()]);
    assert.equal((await storage.runs.listRuns({ project: 'shop' })).length, 1);
    assert.equal((await storage.schedules.listTicks('shop')).length, 1);
    assert.ok([...a.logs, ...b.logs].some((l) => /another process decided/.test(l.message)));
    await storage.close();
  });
});

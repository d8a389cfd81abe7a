/** The backfill loop on a real SQLite store, real DuckDB and real runs through the in-process launcher. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { asset } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import type { AlertSignal } from '../events/index.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { WeirError } from '../shared/errors.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import type { AutomationLogLine } from './automation-deps.js';
import { BACKFILL_TAG, createBackfillLoop, PARTITION_TAG } from './backfill-loop.js';
import { requestBackfill, retryFailedBackfill } from './request-backfill.js';
import { timePartitions, type TimePartitionsOptions } from '../definitions/partitions.js';

const NOW = Date.parse('2030-06-01');

interface World {
  storage: Storage;
  launcher: InProcessLauncher;
  snapshot: { definitions: Definitions; graph: ReturnType<typeof buildAssetGraph> };
  signals: AlertSignal[];
  logs: AutomationLogLine[];
  /** Partition keys whose run fails. */
  failing: Set<string>;
  /** While set, every run waits for it (or for its cancellation). */
  gate?: Promise<void>;
}

const root = mkdtempSync(join(tmpdir(), 'weir-backfill-loop-'));
let warehouse: DuckDbWarehouse;
let world: World;

before(async () => {
  warehouse = await DuckDbWarehouse.open(join(root, 'warehouse.duckdb'));
});
after(async () => {
  await warehouse.close();
  rmSync(root, { recursive: true, force: true });
});

async function openWorld(partitions: TimePartitionsOptions): Promise<World> {
  const storage = await openSqliteStorage(':memory:');
  const w = { storage, failing: new Set<string>(), signals: [], logs: [] } as unknown as World;
  const sales = asset({ key: 'sales', partitions: timePartitions(partitions) }, async (_inputs, ctx) => {
    const key = ctx.partition?.key ?? '';
    if (w.gate) {
      await Promise.race([w.gate, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }))]);
    }
    if (w.failing.has(key)) throw new Error(`no export for ${key}`);
    return `select '${key}' as month`;
  });
  const report = asset({ key: 'report' }, () => 'select 1 as x');
  const project: ProjectConfig = {
    name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:',
    definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
  } as unknown as ProjectConfig;
  const definitions: Definitions = { project, assets: [sales, report], externals: [] };
  w.snapshot = { definitions, graph: buildAssetGraph(definitions) };
  w.launcher = inProcessLauncher({ project: () => w.snapshot, storage, warehouse: async () => warehouse });
  // Records what the loop raises and hands it on to the real store.
  const record = storage.alerts.recordSignal.bind(storage.alerts);
  storage.alerts.recordSignal = async (signal) => { w.signals.push(signal); await record(signal); };
  return w;
}

function loopOf(w: World) {
  return createBackfillLoop({
    project: () => w.snapshot, storage: w.storage, launcher: w.launcher, log: (line) => w.logs.push(line),
  });
}

async function backfillRuns(w: World, backfillId: string) {
  const runs = await w.storage.runs.listRuns({ trigger: 'backfill' });
  return runs.filter((r) => r.tags[BACKFILL_TAG] === backfillId).reverse();
}

describe('backfill loop', () => {
  it('500 partitions, cancelled mid-way: at most `concurrency` in flight, running runs cancelled, nothing starts after the cancel', async () => {
    world = await openWorld({ unit: 'day', start: '2024-01-01', end: '2025-05-15' });
    const w = world;
    try {
      const deps = { project: () => w.snapshot, storage: w.storage };
      const { backfill, plan } = await requestBackfill(deps, { select: 'sales report', concurrency: 5 }, NOW);
      assert.equal(plan.count, 500);
      assert.deepEqual(plan.unpartitionedAssetKeys, ['report']);
      const loop = loopOf(w);
      const signal = new AbortController().signal;
      let now = NOW;
      // Ten passes, each followed by the end of every run it started: 50 partitions done.
      for (let pass = 0; pass < 10; pass += 1) {
        await loop.runOnce(now += 1_000, signal);
        const running = await w.storage.backfills.listPartitions(backfill.backfillId, { statuses: ['RUNNING'] });
        assert.ok(running.length <= 5, `${running.length} partitions in flight`);
        await w.launcher.idle();
      }
      // The next five hang until cancelled.
      let open!: () => void;
      w.gate = new Promise<void>((resolve) => { open = resolve; });
      await loop.runOnce(now += 1_000, signal);
      assert.equal((await w.storage.backfills.getBackfill(backfill.backfillId))?.cursor, 55);
      assert.equal(w.launcher.running().length, 5);

      assert.equal(await w.storage.backfills.requestCancel(backfill.backfillId, now += 1), true);
      const cancelledAt = Date.now();
      await loop.runOnce(now += 1_000, signal); // cancels the five
      await w.launcher.idle();
      open();
      w.gate = undefined;
      for (let pass = 0; pass < 3; pass += 1) await loop.runOnce(now += 1_000, signal);

      const ended = await w.storage.backfills.getBackfill(backfill.backfillId);
      assert.equal(ended?.status, 'CANCELED');
      assert.equal(ended?.cursor, 55);
      assert.deepEqual(await w.storage.backfills.partitionCounts(backfill.backfillId), { RUNNING: 0, SUCCESS: 50, FAILURE: 0, CANCELED: 5 });
      const runs = await backfillRuns(w, backfill.backfillId);
      assert.equal(runs.length, 55, 'one run per started partition, none after the cancel');
      assert.ok(runs.every((r) => r.createdAt <= cancelledAt), 'no run created after the cancel');
      assert.deepEqual(runs.map((r) => r.tags[PARTITION_TAG]), timePartitions({ unit: 'day', start: '2024-01-01' }).keys(NOW, 0, 55));
      assert.ok(runs.every((r) => r.trigger === 'backfill' && r.stepKeys.join() === 'sales'));
      assert.deepEqual(runs.slice(50).map((r) => r.status), ['CANCELED', 'CANCELED', 'CANCELED', 'CANCELED', 'CANCELED']);
      assert.equal(w.signals.length, 1);
      assert.equal(w.signals[0]!.kind, 'BACKFILL_FINISHED');
      assert.equal(w.signals[0]!.subject, backfill.backfillId);
      assert.match(w.signals[0]!.message, /canceled: 50 succeeded, 0 failed, 5 cancelled/);
    } finally {
      await w.launcher.idle();
      await w.storage.close();
    }
  });

  it('a backfill with failed partitions ends FAILED; re-running its failed partitions is a new, linked backfill that completes', async () => {
    const w = await openWorld({ unit: 'month', start: '2000-01', end: '2001-01' });
    try {
      w.failing = new Set(['2000-03', '2000-08']);
      const deps = { project: () => w.snapshot, storage: w.storage };
      const { backfill } = await requestBackfill(deps, { select: 'sales', from: '2000-02', to: '2000-10', concurrency: 3 }, NOW);
      const loop = loopOf(w);
      const signal = new AbortController().signal;
      let now = NOW;
      for (let pass = 0; pass < 6; pass += 1) {
        await loop.runOnce(now += 1_000, signal);
        await w.launcher.idle();
      }
      const ended = await w.storage.backfills.getBackfill(backfill.backfillId);
      assert.equal(ended?.status, 'FAILED');
      assert.equal(ended?.error, '2 of 9 partitions failed or were cancelled');
      assert.deepEqual((await w.storage.backfills.listPartitions(backfill.backfillId, { statuses: ['FAILURE'] })).map((p) => p.key), ['2000-03', '2000-08']);
      await assert.rejects(retryFailedBackfill(w.storage, 'nope', now), /no backfill has id 'nope'/);
      // What is stored now plans "missing only" and "failed only": 01, 11, 12 never ran; 03 and 08 failed.
      const missing = await requestBackfill(deps, { select: 'sales', only: 'missing' }, NOW);
      assert.deepEqual(missing.plan.ranges, [{ fromIndex: 0, toIndex: 0 }, { fromIndex: 2, toIndex: 2 }, { fromIndex: 7, toIndex: 7 }, { fromIndex: 10, toIndex: 11 }]);
      const failedOnly = await requestBackfill(deps, { select: 'sales', only: 'failed' }, NOW);
      assert.deepEqual(failedOnly.plan.ranges, [{ fromIndex: 2, toIndex: 2 }, { fromIndex: 7, toIndex: 7 }]);
      for (const planned of [missing, failedOnly]) await w.storage.backfills.requestCancel(planned.backfill.backfillId, now);
      await loop.runOnce(now += 1_000, signal); // both end CANCELED before launching anything

      w.failing.clear();
      const retry = await retryFailedBackfill(w.storage, backfill.backfillId, now += 1);
      assert.equal(retry.parentBackfillId, backfill.backfillId);
      assert.equal(retry.partitionCount, 2);
      for (let pass = 0; pass < 3; pass += 1) {
        await loop.runOnce(now += 1_000, signal);
        await w.launcher.idle();
      }
      assert.equal((await w.storage.backfills.getBackfill(retry.backfillId))?.status, 'COMPLETED');
      assert.deepEqual((await backfillRuns(w, retry.backfillId)).map((r) => [r.tags[PARTITION_TAG], r.status]), [['2000-03', 'SUCCESS'], ['2000-08', 'SUCCESS']]);
      assert.deepEqual(w.signals.map((s) => s.details?.status), ['FAILED', 'CANCELED', 'CANCELED', 'COMPLETED']);
      await assert.rejects(retryFailedBackfill(w.storage, retry.backfillId, now), /has no failed or cancelled partition/);
    } finally {
      await w.launcher.idle();
      await w.storage.close();
    }
  });

  it('a cancel before anything started ends the backfill at once; an empty plan completes', async () => {
    const w = await openWorld({ unit: 'month', start: '2000-01', end: '2000-07' });
    try {
      const deps = { project: () => w.snapshot, storage: w.storage };
      const { backfill } = await requestBackfill(deps, { select: 'sales' }, NOW);
      await w.storage.backfills.requestCancel(backfill.backfillId, NOW + 1);
      const loop = loopOf(w);
      await loop.runOnce(NOW + 2, new AbortController().signal);
      assert.equal((await w.storage.backfills.getBackfill(backfill.backfillId))?.status, 'CANCELED');
      assert.equal((await backfillRuns(w, backfill.backfillId)).length, 0);

      const empty = await w.storage.backfills.createBackfill({
        backfillId: 'empty', project: 'shop', selection: 'sales', assetKeys: ['sales'], request: { only: 'missing' }, concurrency: 2, ranges: [], partitionCount: 0, createdAt: 3_000,
      });
      await loop.runOnce(NOW + 4, new AbortController().signal);
      assert.equal((await w.storage.backfills.getBackfill(empty.backfillId))?.status, 'COMPLETED');
    } finally {
      await w.storage.close();
    }
  });

  it('a launch refused for a passing reason (the serving process is stopping) is tried again on the next pass', async () => {
    const w = await openWorld({ unit: 'month', start: '2000-01', end: '2000-03' });
    try {
      const { backfill } = await requestBackfill({ project: () => w.snapshot, storage: w.storage }, { select: 'sales' }, NOW);
      let isStopping = true;
      // As `weir serve` refuses launches while it stops (cli/drain-runs.ts), around the real launcher.
      const launcher = {
        launch: (request: Parameters<typeof w.launcher.launch>[0]) => {
          if (isStopping) return Promise.reject(new WeirError('weir serve is stopping and starts no new run', { code: 'SERVING_PROCESS_STOPPING' }));
          return w.launcher.launch(request);
        },
        cancel: (runId: string) => w.launcher.cancel(runId),
      };
      const loop = createBackfillLoop({ project: () => w.snapshot, storage: w.storage, launcher, log: (line) => w.logs.push(line) });
      await loop.runOnce(NOW + 1, new AbortController().signal);
      assert.deepEqual([(await w.storage.backfills.getBackfill(backfill.backfillId))?.status, (await w.storage.backfills.getBackfill(backfill.backfillId))?.cursor], ['RUNNING', 0]);
      assert.match(w.logs.at(-1)!.message, /partition 2000-01 could not start yet: weir serve is stopping/);
      isStopping = false;
      for (let pass = 0; pass < 2; pass += 1) {
        await loop.runOnce(NOW + 2 + pass, new AbortController().signal);
        await w.launcher.idle();
      }
      assert.equal((await w.storage.backfills.getBackfill(backfill.backfillId))?.status, 'COMPLETED');
    } finally {
      await w.launcher.idle();
      await w.storage.close();
    }
  });

  it('a partition that can no longer start ends the backfill FAILED with the reason', async () => {
    const w = await openWorld({ unit: 'month', start: '2000-01', end: '2000-07' });
    try {
      const deps = { project: () => w.snapshot, storage: w.storage };
      const { backfill } = await requestBackfill(deps, { select: 'sales' }, NOW);
      // The project was reloaded without the asset.
      const definitions = { ...w.snapshot.definitions, assets: w.snapshot.definitions.assets.filter((a) => a.key !== 'sales') };
      w.snapshot = { definitions, graph: buildAssetGraph(definitions) };
      await loopOf(w).runOnce(NOW + 2, new AbortController().signal);
      const ended = await w.storage.backfills.getBackfill(backfill.backfillId);
      assert.equal(ended?.status, 'FAILED');
      assert.match(ended?.error ?? '', /the next partitions cannot start: sales is no longer in the project/);
    } finally {
      await w.storage.close();
    }
  });
});

describe('a backfill whose assets read earlier partitions of it', () => {
  it('runs one partition at a time, oldest first, and says why; without such a reader it keeps its concurrency', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const months = timePartitions({ unit: 'month', start: '2025-01', end: '2025-07' });
      const figures = asset({ key: 'figures', partitions: months }, (_inputs, ctx) => `select '${ctx.partition!.key}' as month`);
      const growth = asset({ key: 'growth', partitions: months, inputs: { figures, previous: { asset: figures, partitions: { offset: -1 } } } },
        ({ figures: now, previous }) => `select * from ${now} left join ${previous} p on true`);
      const project = { name: 'shop', root, configFile: join(root, 'weir.yaml') } as unknown as ProjectConfig;
      const definitions: Definitions = { project, assets: [figures, growth], externals: [] };
      const deps = { project: () => ({ definitions, graph: buildAssetGraph(definitions) }), storage };
      const both = await requestBackfill(deps, { select: 'figures growth', concurrency: 4 }, NOW);
      assert.equal(both.backfill.concurrency, 1);
      assert.equal(both.inOrderBecause, "asset 'growth' reads earlier partitions of 'figures' (input 'previous')");
      const alone = await requestBackfill(deps, { select: 'figures', concurrency: 4 }, NOW);
      assert.equal(alone.backfill.concurrency, 4);
      assert.equal(alone.inOrderBecause, undefined);
      await assert.rejects(requestBackfill(deps, { select: 'figures growth', concurrency: 0 }, NOW), /concurrency must be a whole number/);
    } finally {
      await storage.close();
    }
  });
});

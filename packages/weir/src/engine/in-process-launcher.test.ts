/** The in-process launcher's queue (max_concurrent_runs), with real runs on real SQLite and DuckDB. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asset } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { EventType, RunStatus } from '../events/index.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import { cancelRun } from './cancel-run.js';
import { localLiveness } from './end-dead-runs.js';
import { inProcessLauncher, type InProcessLauncher } from './in-process-launcher.js';
import { adoptQueuedRuns } from './queued-runs.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-launcher-queue-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

/**
 * A project of five assets `held_0` … `held_4` whose step waits until the test opens the gate of its run (or the run is
 * cancelled). Each run of a test materializes another one: two runs of one asset would wait on its lock, not the queue.
 */
function heldProject(maxConcurrentRuns: number | undefined) {
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  const assets = Array.from({ length: 5 }, (_, i) => asset({ key: `held_${i}` }, async (_inputs, ctx) => {
    started.push(ctx.runId);
    await new Promise<void>((resolve, reject) => {
      gates.set(ctx.runId, resolve);
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    return 'select 1 as x';
  }));
  const root = mkdtempSync(join(tempRoot, 'p-'));
  const project: ProjectConfig = {
    name: 'queue', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'w.duckdb'), metadataPath: join(root, 'm.sqlite'),
    definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {},
    ...(maxConcurrentRuns !== undefined ? { maxConcurrentRuns } : {}),
  };
  const definitions: Definitions = { project, assets, externals: [] };
  return { definitions, graph: buildAssetGraph(definitions), gates, started, open: (runId: string) => gates.get(runId)!() };
}

/** The i-th run of a test: asset held_i. */
const nth = (i: number) => ({ stepKeys: [`held_${i}`] });

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function setUp(maxConcurrentRuns: number | undefined) {
  const p = heldProject(maxConcurrentRuns);
  const storage = await openSqliteStorage(p.definitions.project.metadataPath);
  const warehouse = await DuckDbWarehouse.open(p.definitions.project.warehousePath);
  const launcher = inProcessLauncher({ project: () => p, storage, warehouse: async () => warehouse });
  return {
    ...p, storage, launcher,
    status: async (runId: string) => (await storage.runs.getRun(runId))!.status,
    async close() { await launcher.idle(); warehouse.close(); await storage.close(); },
  };
}

async function types(storage: Storage, runId: string): Promise<string[]> {
  return (await storage.events.eventsForRun(runId)).filter((e) => e.stepKey === null).map((e) => e.type);
}

describe('in-process launcher queue (max_concurrent_runs)', () => {
  it('starts at most max_concurrent_runs; the others stay QUEUED and start first come first served as slots free', async () => {
    const t = await setUp(2);
    try {
      const runs = [];
      for (let i = 0; i < 5; i += 1) runs.push((await t.launcher.launch({ trigger: 'api', ...nth(i) })).runId);
      await until(() => t.started.length === 2, 'two runs started');
      assert.deepEqual(t.started, runs.slice(0, 2));
      assert.deepEqual(t.launcher.queued(), runs.slice(2));
      assert.deepEqual(await Promise.all(runs.map(t.status)), ['STARTED', 'STARTED', 'QUEUED', 'QUEUED', 'QUEUED']);
      const queued = await t.storage.runs.listRuns({ project: 'queue', statuses: [RunStatus.QUEUED] });
      assert.deepEqual(queued.map((r) => r.runId).sort(), runs.slice(2).sort());

      t.open(runs[1]!); // the second ends first: its slot goes to the oldest queued run
      await until(() => t.started.length === 3, 'a third run started');
      assert.equal(t.started[2], runs[2]);
      assert.equal(await t.status(runs[1]!), 'SUCCESS');
      t.open(runs[0]!);
      await until(() => t.started.length === 4, 'a fourth run started');
      assert.equal(t.started[3], runs[3]);
      for (const id of runs.slice(2)) {
        await until(() => t.gates.has(id), `run ${id} started`);
        t.open(id);
      }
      await t.launcher.idle();
      assert.deepEqual(await Promise.all(runs.map(t.status)), ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
      assert.deepEqual(t.started, runs, 'every run started once, in the order launched');
    } finally {
      await t.close();
    }
  });

  it('a queued run cancelled (here, or by `weir cancel` from another process) ends CANCELED without starting', async () => {
    const t = await setUp(1);
    try {
      const first = (await t.launcher.launch({ trigger: 'api', ...nth(0) })).runId;
      const second = (await t.launcher.launch({ trigger: 'api', ...nth(1) })).runId;
      const third = (await t.launcher.launch({ trigger: 'api', ...nth(2) })).runId;
      await until(() => t.started.length === 1, 'the first run started');
      assert.equal(await t.launcher.cancel(second), true);
      // Another process records the request only; the queued run's heartbeat sees it.
      assert.deepEqual(await cancelRun(t.storage, third, { nowMs: Date.now(), ...localLiveness() }), { outcome: 'requested' });
      await until(async () => (await t.status(second)) === 'CANCELED' && (await t.status(third)) === 'CANCELED', 'both queued runs cancelled');
      for (const id of [second, third]) {
        assert.deepEqual(await types(t.storage, id), [EventType.RUN_ENQUEUED, EventType.RUN_CANCELED], 'no RUN_START: it never started');
        const end = (await t.storage.events.eventsForRun(id, { types: [EventType.RUN_CANCELED] }))[0]!;
        assert.match(end.message, /^Run cancelled while queued: none of its 1 step started$/);
        assert.deepEqual((end.data as { canceled?: string[] }).canceled, [id === second ? 'held_1' : 'held_2']);
      }
      assert.deepEqual(t.launcher.queued(), []);
      t.open(first);
      await t.launcher.idle();
      assert.deepEqual(t.started, [first], 'the cancelled runs never started');
      assert.equal(await t.status(first), 'SUCCESS');
    } finally {
      await t.close();
    }
  });

  it('without max_concurrent_runs every run starts at once', async () => {
    const t = await setUp(undefined);
    try {
      const runs = [];
      for (let i = 0; i < 4; i += 1) runs.push((await t.launcher.launch({ trigger: 'api', ...nth(i) })).runId);
      await until(() => t.started.length === 4, 'all four started');
      assert.deepEqual(t.launcher.queued(), []);
      for (const id of runs) t.open(id);
    } finally {
      await t.close();
    }
  });

  it('closeQueue leaves queued runs QUEUED (a stopping process); the next serving process adopts and starts them in order', async () => {
    const t = await setUp(1);
    const runs: string[] = [];
    try {
      for (let i = 0; i < 3; i += 1) runs.push((await t.launcher.launch({ trigger: 'schedule', tags: { 'weir/schedule': 'daily' }, ...nth(i) })).runId);
      await until(() => t.started.length === 1, 'the first run started');
      t.launcher.closeQueue();
      t.open(runs[0]!);
      await t.launcher.idle();
      assert.deepEqual(await Promise.all(runs.map(t.status)), ['SUCCESS', 'QUEUED', 'QUEUED']);
      assert.deepEqual(t.started, [runs[0]]);
    } finally {
      await t.close();
    }

    // The process that queued them has "gone": record an executor that is dead (a pid that cannot exist) for them,
    // as a crashed or stopped `weir serve` leaves behind.
    const storage = await openSqliteStorage(t.definitions.project.metadataPath);
    for (const id of runs.slice(1)) await storage.runs.recordExecutor(id, { host: localLiveness().host, pid: 2 ** 22 + 7, processStart: null }, Date.now());
    const warehouse = await DuckDbWarehouse.open(t.definitions.project.warehousePath);
    const next: InProcessLauncher = inProcessLauncher({ project: () => t, storage, warehouse: async () => warehouse });
    try {
      t.started.length = 0;
      const adopted = await adoptQueuedRuns({
        storage, project: 'queue', nowMs: Date.now(), ...localLiveness(), hasAsset: (k) => t.graph.get(k) !== undefined, adopt: (run) => next.adopt(run),
      });
      assert.deepEqual(adopted, { adopted: runs.slice(1), ended: [] });
      await until(() => t.started.length === 1, 'the oldest adopted run started');
      assert.deepEqual(t.started, [runs[1]]);
      assert.deepEqual(next.queued(), [runs[2]]);
      t.open(runs[1]!);
      await until(() => t.started.length === 2, 'the next adopted run started');
      t.open(runs[2]!);
      await next.idle();
      for (const id of runs.slice(1)) {
        const run = (await storage.runs.getRun(id))!;
        assert.equal(run.status, 'SUCCESS');
        assert.equal(run.trigger, 'schedule', 'kept as recorded');
        assert.deepEqual(run.tags, { 'weir/schedule': 'daily' });
        assert.deepEqual(await types(storage, id), [EventType.RUN_ENQUEUED, EventType.RUN_START, EventType.RUN_SUCCESS]);
      }
      const again = await adoptQueuedRuns({ storage, project: 'queue', nowMs: Date.now(), ...localLiveness(), hasAsset: () => true, adopt: (run) => next.adopt(run) });
      assert.deepEqual(again, { adopted: [], ended: [] }, 'nothing left to adopt');
    } finally {
      await next.idle();
      warehouse.close();
      await storage.close();
    }
  });

  it('a queued run whose assets are gone from the definitions is ended FAILURE, clearly, and a live executor\'s queue is left alone', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const live = await storage.runs.createRun({ runId: 'live', project: 'shop', trigger: 'api', selection: null, stepKeys: ['a'], createdAt: 1 });
      await storage.runs.recordExecutor(live.runId, { host: localLiveness().host, pid: process.pid, processStart: null }, Date.now());
      await storage.runs.createRun({ runId: 'stale', project: 'shop', trigger: 'api', selection: null, stepKeys: ['a', 'gone'], createdAt: 2 });
      await storage.runs.recordExecutor('stale', { host: localLiveness().host, pid: 2 ** 22 + 7, processStart: null }, Date.now());
      await storage.runs.createRun({ runId: 'unclaimed', project: 'shop', trigger: 'cli', selection: null, stepKeys: ['a'], createdAt: 3 });
      const adoptedRuns: string[] = [];
      const result = await adoptQueuedRuns({
        storage, project: 'shop', nowMs: 10_000, ...localLiveness(), hasAsset: (k) => k === 'a', adopt: async (run) => { adoptedRuns.push(run.runId); },
      });
      assert.deepEqual(result, { adopted: [], ended: [{ runId: 'stale', missing: ['gone'] }] });
      assert.deepEqual(adoptedRuns, []);
      assert.equal((await storage.runs.getRun('stale'))!.status, 'FAILURE');
      const end = (await storage.events.eventsForRun('stale', { types: [EventType.RUN_FAILURE] }))[0]!;
      assert.equal(end.message, 'Run never started: it was queued for gone, which the definitions no longer have; launch it again');
      assert.equal((await storage.runs.getRun('live'))!.status, 'QUEUED');
      assert.equal((await storage.runs.getRun('unclaimed'))!.status, 'QUEUED');
    } finally {
      await storage.close();
    }
  });
});

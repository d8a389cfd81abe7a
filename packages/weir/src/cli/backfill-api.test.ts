/**
 * /api/backfills as `weir dev` and `weir serve` compose it (server routes + backfillControl + the backfill loop), on a
 * real SQLite store, real DuckDB and real runs: launch, bad input, progress per state, cancel, re-run failed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { asset } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import { timePartitions } from '../definitions/partitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { backfillControl } from '../scheduler/backfill-control.js';
import { createBackfillLoop, PARTITION_TAG } from '../scheduler/backfill-loop.js';
import { backfillDetailSchema, backfillListSchema, backfillStartedSchema } from '../server/api-schemas.js';
import { createApp } from '../server/app.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';

const NOW = Date.parse('2030-06-01');
const root = mkdtempSync(join(tmpdir(), 'weir-backfill-api-'));
let warehouse: DuckDbWarehouse;
let storage: Storage;
let launcher: InProcessLauncher;
let app: ReturnType<typeof createApp>;
const failing = new Set<string>();
let gate: Promise<void> | undefined;

before(async () => {
  warehouse = await DuckDbWarehouse.open(join(root, 'warehouse.duckdb'));
  storage = await openSqliteStorage(':memory:');
  const months = timePartitions({ unit: 'month', start: '2025-01', end: '2026-01' });
  const sales = asset({ key: 'sales', partitions: months }, async (_inputs, ctx) => {
    const key = ctx.partition?.key ?? '';
    if (gate) await Promise.race([gate, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }))]);
    if (failing.has(key)) throw new Error(`no export for ${key}`);
    return `select '${key}' as month`;
  });
  const daily = asset({ key: 'daily', partitions: timePartitions({ unit: 'day', start: '2025-01-01', end: '2025-02-01' }) }, () => 'select 1 as x');
  const report = asset({ key: 'report' }, () => 'select 1 as x');
  const project = {
    name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:',
    definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
  } as unknown as ProjectConfig;
  const definitions: Definitions = { project, assets: [sales, daily, report], externals: [] };
  const snapshot = { definitions, graph: buildAssetGraph(definitions) };
  launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
  app = createApp({ project: () => snapshot, storage, launcher, backfills: backfillControl({ project: () => snapshot, storage, now: () => NOW }), now: () => NOW });
  loop = createBackfillLoop({ project: () => snapshot, storage, launcher, log: () => undefined });
});
after(async () => {
  await launcher.idle();
  await storage.close();
  await warehouse.close();
  rmSync(root, { recursive: true, force: true });
});

let loop: ReturnType<typeof createBackfillLoop>;
let clock = NOW;
/** One pass of the loop, then the end of every run it started. */
async function pass(): Promise<void> {
  await loop.runOnce(clock += 1_000, new AbortController().signal);
  await launcher.idle();
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await app.request(path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}

describe('/api/backfills', () => {
  it('refuses bad input with 400 and a message that says what to do', async () => {
    const outside = await call('POST', '/api/backfills', { select: 'sales', from: '2030-01', to: '2030-02' });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.error.code, 'BACKFILL_UNKNOWN_PARTITION');
    assert.match(outside.body.error.message, /partition '2030-01' is not one of sales's partitions \(valid: .*2025-01 … 2025-12, 12 partitions\)/);
    const unpartitioned = await call('POST', '/api/backfills', { select: 'report' });
    assert.equal(unpartitioned.body.error.code, 'BACKFILL_NO_PARTITIONED_ASSET');
    const mixed = await call('POST', '/api/backfills', { select: 'sales daily' });
    assert.equal(mixed.body.error.code, 'BACKFILL_MIXED_PARTITIONS');
    const flags = await call('POST', '/api/backfills', { select: 'sales', missing: true, failed: true });
    assert.equal(flags.status, 400);
    const typo = await call('POST', '/api/backfills', { select: 'sails' });
    assert.equal(typo.status, 400);
    assert.match(typo.body.error.message, /sails/);
    assert.equal((await call('GET', '/api/backfills')).body.backfills.length, 0, 'nothing recorded');
  });

  it('launches, shows progress per state as ranges, cancels the whole backfill, and re-runs its failed partitions', async () => {
    failing.add('2025-02');
    const started = await call('POST', '/api/backfills', { select: 'sales report', from: '2025-01', to: '2025-10', concurrency: 2 });
    assert.equal(started.status, 202);
    const { backfillId, partitionCount, unpartitionedAssetKeys } = backfillStartedSchema.parse(started.body);
    assert.equal(partitionCount, 10);
    assert.deepEqual(unpartitionedAssetKeys, ['report']);

    await pass(); // 2025-01 ok, 2025-02 fails
    gate = new Promise(() => undefined); // the next two hang until cancelled
    await loop.runOnce(clock += 1_000, new AbortController().signal);
    const detail = backfillDetailSchema.parse((await call('GET', `/api/backfills/${backfillId.slice(0, 8)}`)).body);
    assert.equal(detail.backfill.status, 'RUNNING');
    assert.deepEqual(detail.backfill.counts, { QUEUED: 6, RUNNING: 2, SUCCESS: 1, FAILURE: 1, CANCELED: 0 });
    assert.deepEqual(detail.ranges.map((r) => [r.fromKey, r.toKey, r.count, r.state]), [
      ['2025-01', '2025-01', 1, 'SUCCESS'], ['2025-02', '2025-02', 1, 'FAILURE'], ['2025-03', '2025-04', 2, 'RUNNING'], ['2025-05', '2025-10', 6, 'QUEUED'],
    ]);
    assert.ok(detail.ranges[0]!.runId, 'a single launched partition links its run');

    const early = await call('POST', `/api/backfills/${backfillId}/retry-failed`);
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'BACKFILL_NOT_ENDED');

    const cancel = await call('POST', `/api/backfills/${backfillId}/cancel`);
    assert.deepEqual([cancel.status, cancel.body], [202, { backfillId, status: 'CANCELING' }]);
    await loop.runOnce(clock += 1_000, new AbortController().signal);
    await launcher.idle();
    gate = undefined;
    await pass();
    await pass();
    const list = backfillListSchema.parse((await call('GET', '/api/backfills')).body);
    assert.equal(list.backfills[0]!.status, 'CANCELED');
    assert.deepEqual(list.backfills[0]!.counts, { QUEUED: 6, RUNNING: 0, SUCCESS: 1, FAILURE: 1, CANCELED: 2 });
    assert.equal((await storage.runs.listRuns({ trigger: 'backfill' })).length, 4, 'nothing started after the cancel');
    assert.equal((await call('POST', `/api/backfills/${backfillId}/cancel`)).status, 409);

    failing.clear();
    const retry = await call('POST', `/api/backfills/${backfillId}/retry-failed`);
    assert.equal(retry.status, 202);
    assert.equal(retry.body.partitionCount, 3);
    for (let i = 0; i < 3; i += 1) await pass(); // two at once, then the third, then the end is noticed
    const retried = backfillDetailSchema.parse((await call('GET', `/api/backfills/${retry.body.backfillId}`)).body);
    assert.equal(retried.backfill.status, 'COMPLETED');
    assert.equal(retried.backfill.parentBackfillId, backfillId);
    assert.deepEqual(retried.ranges.map((r) => [r.fromKey, r.toKey, r.state]), [['2025-02', '2025-04', 'SUCCESS']]);
    const parent = backfillDetailSchema.parse((await call('GET', `/api/backfills/${backfillId}`)).body);
    assert.deepEqual(parent.retries, [retry.body.backfillId]);
    assert.equal((await call('GET', '/api/backfills/ffffffff')).status, 404);
  });
});

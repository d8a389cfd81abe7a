// GET /api/assets/:key/partitions and POST /api/runs with a partition, on a real app, store, DuckDB and runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asset } from '../../definitions/asset.js';
import { value } from '../../definitions/check.js';
import type { Definitions } from '../../definitions/definitions.js';
import { timePartitions } from '../../definitions/partitions.js';
import type { ProjectConfig } from '../../definitions/project.js';
import { buildAssetGraph } from '../../graph/asset-graph.js';
import { DuckDbWarehouse } from '../../connectors/duckdb/duckdb-warehouse.js';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../storage/storage.js';
import { inProcessLauncher, type InProcessLauncher } from '../../engine/in-process-launcher.js';
import { createApp } from '../app.js';
import { partitionsResponseSchema } from '../api-schemas.js';

const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
let badMonth: string | undefined;
const revenue = asset({ key: 'revenue', partitions: months, checks: [value({ sql: 'select min(total) from {{ this }}', min: 0 })] },
  (_, ctx) => `select ${ctx.partition!.key === badMonth ? -1 : 1} * 100 as total`);
const plain = asset({ key: 'plain' }, () => 'select 1 as x');

describe('partitions over HTTP', () => {
  let root: string;
  let storage: Storage;
  let warehouse: DuckDbWarehouse;
  let launcher: InProcessLauncher;
  let app: ReturnType<typeof createApp>;
  const post = (body: unknown) => app.request('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'weir-partition-routes-'));
    const project: ProjectConfig = {
      name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:',
      definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {},
    };
    const definitions: Definitions = { project, assets: [revenue, plain], externals: [] };
    const snapshot = { definitions, graph: buildAssetGraph(definitions) };
    storage = await openSqliteStorage(':memory:');
    warehouse = await DuckDbWarehouse.open(project.warehousePath);
    launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
    app = createApp({ project: () => snapshot, storage, launcher, subscribe: launcher.subscribe });
  });
  after(async () => {
    await launcher.idle();
    await warehouse.close();
    await storage.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('launches one partition, answers 400 for a key outside the definition, and shows status as ranges', async () => {
    for (const partition of ['2025-02', '2025-03']) assert.equal((await post({ select: 'revenue', partition })).status, 202);
    await launcher.idle();
    badMonth = '2025-03';
    assert.equal((await post({ select: 'revenue', partition: '2025-03' })).status, 202);
    await launcher.idle();
    badMonth = undefined;
    const refused = await post({ select: 'revenue', partition: '2024-12' });
    assert.equal(refused.status, 400);
    const error = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'UNKNOWN_PARTITION');
    assert.match(error.error.message, /partition key '2024-12' is outside monthly partitions from 2025-01 \(Europe\/Brussels\)/);

    const response = await app.request('/api/assets/revenue/partitions');
    assert.equal(response.status, 200);
    const body = partitionsResponseSchema.parse(await response.json());
    const count = months.count(Date.now());
    assert.deepEqual(body.definition, { kind: 'time', unit: 'month', timezone: 'Europe/Brussels', count, label: 'monthly partitions from 2025-01 (Europe/Brussels)' });
    assert.deepEqual(body.ranges.map((r) => [r.fromKey, r.toKey, r.status]), [
      ['2025-01', '2025-01', 'MISSING'], ['2025-02', '2025-02', 'MATERIALIZED'], ['2025-03', '2025-03', 'FAILED'],
      ['2025-04', months.keyAt(count - 1, Date.now()), 'MISSING'],
    ]);
    const windowed = partitionsResponseSchema.parse(await (await app.request('/api/assets/revenue/partitions?from=2025-02&to=2025-04')).json());
    assert.deepEqual(windowed.ranges.map((r) => [r.fromIndex, r.toIndex, r.status]), [[1, 1, 'MATERIALIZED'], [2, 2, 'FAILED'], [3, 3, 'MISSING']]);
    // By index: what the partition strip asks for the keys of a selection.
    const byIndex = partitionsResponseSchema.parse(await (await app.request('/api/assets/revenue/partitions?fromIndex=2&toIndex=2')).json());
    assert.deepEqual(byIndex.ranges.map((r) => [r.fromKey, r.status]), [['2025-03', 'FAILED']]);
  });

  it('a re-execution of a partition run materializes that partition again, not the latest', async () => {
    const runs = await storage.runs.listRuns({ project: 'shop' });
    const march = runs.find((r) => r.tags['weir/partition'] === '2025-03' && r.status === 'FAILURE')!;
    const response = await app.request(`/api/runs/${march.runId}/reexecute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'all' }) });
    assert.equal(response.status, 202);
    const { runId } = (await response.json()) as { runId: string };
    await launcher.idle();
    const rerun = (await storage.runs.getRun(runId))!;
    assert.equal(rerun.tags['weir/partition'], '2025-03');
    assert.equal(rerun.status, 'SUCCESS');
    assert.deepEqual((await storage.events.materializationsForRun(runId)).map((m) => m.partition), ['2025-03']);
  });

  it('404 for an unpartitioned or unknown asset, 400 for a bad window', async () => {
    assert.equal((await app.request('/api/assets/plain/partitions')).status, 404);
    assert.equal((await app.request('/api/assets/revenu/partitions')).status, 404);
    assert.equal((await app.request('/api/assets/revenue/partitions?from=1999-01')).status, 400);
    // The asset detail route still answers for the asset itself.
    assert.equal((await app.request('/api/assets/revenue')).status, 200);
  });
});

// The sweep of dead runs' staging relations and staged files, on a real DuckDB file and a real folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { asset } from '../definitions/asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import { stagingFilePath, stagingTableName } from '../shared/reserved-names.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import { publishedFileFolders, sweepStaging, unfinishedRunSuffixes } from './sweep-staging.js';

const root = mkdtempSync(join(tmpdir(), 'weir-sweep-'));
after(() => rmSync(root, { recursive: true, force: true }));

const DEAD = 'deadbeef-0000-4000-8000-000000000001';
const LIVE = 'a11ve000-0000-4000-8000-000000000002';

describe('sweepStaging', () => {
  it('drops the staging relations and removes the staged files of runs not unfinished, and nothing else', async () => {
    const project: ProjectConfig = {
      name: 'p', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'w.duckdb'), metadataPath: join(root, 'm.sqlite'),
      definitionGlobs: [], concurrency: 1, settings: {}, secretSettings: [], settingSources: {},
    };
    const revenue = asset({ key: 'revenue', io: { path: 'output/revenue.parquet' } }, () => 'select 1');
    const unwritten = asset({ key: 'later', io: { path: 'never/later.csv' } }, () => 'select 1');
    const out = join(root, 'output');
    mkdirSync(out);
    const final = join(out, 'revenue.parquet');
    for (const name of [final, stagingFilePath(final, DEAD), stagingFilePath(final, LIVE), join(out, '.notes'), join(out, 'other.parquet')]) writeFileSync(name, 'x');
    mkdirSync(stagingFilePath(join(out, 'dir.parquet'), DEAD)); // a raw file asset may have written a folder

    const storage = await openSqliteStorage(':memory:');
    await storage.runs.createRun({ runId: LIVE, project: 'p', trigger: 'cli', selection: null, stepKeys: ['revenue'], createdAt: 1 });
    await storage.events.append({ runId: LIVE, project: 'p', type: 'RUN_START', stepKey: null, timestamp: 2, message: '', data: { stepKeys: ['revenue'], concurrency: 1 } });
    await storage.runs.createRun({ runId: DEAD, project: 'p', trigger: 'cli', selection: null, stepKeys: ['revenue'], createdAt: 1 });
    await storage.events.append({ runId: DEAD, project: 'p', type: 'RUN_FAILURE', stepKey: null, timestamp: 3, message: '', data: { durationMs: 1, succeeded: [], failed: [], skipped: [] } });
    const keep = await unfinishedRunSuffixes(storage.runs);
    await storage.close();
    assert.deepEqual([...keep], ['a11ve000']);

    const warehouse = await DuckDbWarehouse.open(project.warehousePath);
    const session = await warehouse.connect();
    try {
      await session.run(`create schema sales;
        create table revenue as select 1 as n;
        create table ${stagingTableName('revenue', DEAD)} as select 2 as n;
        create table sales.${stagingTableName('orders', DEAD)} as select 2 as n;
        create view ${stagingTableName('orders_view', DEAD)} as select 3 as n;
        create table ${stagingTableName('revenue', LIVE)} as select 4 as n;
        create table orders__weir_audit as select 5 as n;
        create table ${stagingTableName('revenue', 'ffffffff-orphan')} as select 6 as n`);
      const result = await sweepStaging({ session, project, assets: [revenue, unwritten], keep });
      assert.deepEqual(result.relations.sort(), [
        'main.orders_view__weir_stage_deadbeef', 'main.revenue__weir_stage_deadbeef', 'main.revenue__weir_stage_ffffffff', 'sales.orders__weir_stage_deadbeef',
      ]);
      const left = await session.query<{ name: string }>(`select schema_name || '.' || table_name as name from duckdb_tables() order by 1`);
      assert.deepEqual(left.map((r) => r.name), ['main.orders__weir_audit', 'main.revenue', 'main.revenue__weir_stage_a11ve000']);
      assert.deepEqual(result.files.sort(), [join(out, '.dir.parquet.weir-stage-deadbeef'), join(out, '.revenue.parquet.weir-stage-deadbeef')]);
      assert.deepEqual(readdirSync(out).sort(), ['.notes', '.revenue.parquet.weir-stage-a11ve000', 'other.parquet', 'revenue.parquet']);
      assert.deepEqual(await sweepStaging({ session, project, assets: [revenue], keep }), { relations: [], files: [] }, 'a second sweep finds nothing');
    } finally {
      session.close();
      warehouse.close();
    }
  });

  it('sweeps the folder of a file asset deleted from the definitions, found in the stored history', async () => {
    const project: ProjectConfig = {
      name: 'p', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'w2.duckdb'), metadataPath: join(root, 'm.sqlite'),
      definitionGlobs: [], concurrency: 1, settings: {}, secretSettings: [], settingSources: {},
    };
    const old = join(root, 'old-exports');
    mkdirSync(old);
    const final = join(old, 'gone.csv');
    writeFileSync(final, 'n\n1\n');
    writeFileSync(stagingFilePath(final, DEAD), 'n\n2\n'); // left by a run that died; the asset was deleted since

    const storage = await openSqliteStorage(':memory:');
    await storage.runs.createRun({ runId: 'earlier', project: 'p', trigger: 'cli', selection: null, stepKeys: ['gone'], createdAt: 1 });
    await storage.events.append({
      runId: 'earlier', project: 'p', type: 'ASSET_MATERIALIZATION', stepKey: 'gone', timestamp: 2, message: '',
      data: { assetKey: 'gone', dataVersion: 'v1', codeVersion: 'c1', upstream: {}, storage: { kind: 'file', location: 'old-exports/gone.csv', format: 'csv' }, rowCount: 1, columns: [], durationMs: 1, bytes: null, metadata: {} },
    } as never);
    const knownFolders = await publishedFileFolders(storage.events, project);
    await storage.close();
    assert.deepEqual([...knownFolders], [old]);

    const warehouse = await DuckDbWarehouse.open(project.warehousePath);
    const session = await warehouse.connect();
    try {
      assert.deepEqual(await sweepStaging({ session, project, assets: [], keep: new Set() }), { relations: [], files: [] }, 'unknown to the definitions alone');
      assert.deepEqual((await sweepStaging({ session, project, assets: [], keep: new Set(), knownFolders })).files, [stagingFilePath(final, DEAD)]);
      assert.deepEqual(readdirSync(old), ['gone.csv'], 'the published file stays');
    } finally {
      session.close();
      warehouse.close();
    }
  });
});

/** Tests for one owner per published location: shared tables and files, and Weir's own names, are load errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, type AssetDefinition, type AssetOptions } from '../definitions/asset.js';
import { WeirErrors } from '../shared/errors.js';
import { buildAssetGraph } from './asset-graph.js';
import { publishedLocationProblems } from './published-locations.js';

const PROJECT = { root: '/p', settings: { out: 'output' }, warehousePath: '/p/.weir/warehouse.duckdb', metadataPath: '/p/meta/metadata.sqlite' };

function asset(options: AssetOptions, file: string, line: number, origin: 'typescript' | 'sql' = 'typescript'): AssetDefinition {
  return defineAsset(options, () => undefined, { origin, location: { file, line } });
}

const summaries = (assets: AssetDefinition[]) => publishedLocationProblems(assets, PROJECT).map((e) => e.summary);

test('two assets on one table are one error naming both definitions', () => {
  const errors = publishedLocationProblems([
    asset({ key: 'orders' }, 'defs/a.ts', 3),
    asset({ key: 'orders_copy', io: { table: 'orders' } }, 'defs/b.ts', 7),
  ], PROJECT);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'DUPLICATE_LOCATION');
  assert.equal(errors[0]!.message,
    "defs/b.ts:7: assets 'orders' (defs/a.ts:3) and 'orders_copy' (defs/b.ts:7) both publish to table main.orders. " +
    "Give each its own io.table or io.path: a table or file has one owner, or each run overwrites the other's data.");
});

test('tables compare as DuckDB compares identifiers: key normalisation and case do not hide a collision', () => {
  assert.deepEqual(summaries([
    asset({ key: 'sales/orders' }, 'defs/a.ts', 1),
    asset({ key: 'raw', io: { table: 'SALES__Orders', schema: 'MAIN' } }, 'models/raw.sql', 1, 'sql'),
  ]), ["assets 'sales/orders' (defs/a.ts:1) and 'raw' (models/raw.sql:1) both publish to table main.sales__orders"]);
  // Another schema is another table.
  assert.deepEqual(summaries([asset({ key: 'orders' }, 'defs/a.ts', 1), asset({ key: 'staged', io: { table: 'orders', schema: 'staging' } }, 'defs/b.ts', 1)]), []);
});

test('files compare by the path resolved against the project root, settings included', () => {
  assert.deepEqual(summaries([
    asset({ key: 'a', io: { path: 'output/x.parquet' } }, 'defs/a.ts', 1),
    asset({ key: 'b', io: { path: './output/../output/x.parquet' } }, 'defs/b.ts', 2),
    asset({ key: 'c', io: { path: '${settings.out}/x.parquet' } }, 'defs/c.ts', 3),
    asset({ key: 'd', io: { path: 'output/y.parquet' } }, 'defs/d.ts', 4),
  ]), ["assets 'a' (defs/a.ts:1), 'b' (defs/b.ts:2) and 'c' (defs/c.ts:3) all publish to file output/x.parquet"]);
});

test("a file asset owns the table it is built in, so its staging and audit tables are its own", () => {
  assert.deepEqual(summaries([
    asset({ key: 'merged', io: { path: 'output/merged.parquet' } }, 'defs/a.ts', 1),
    asset({ key: 'other', io: { table: 'merged' } }, 'defs/b.ts', 2),
  ]), ["assets 'merged' (defs/a.ts:1, which builds its file output/merged.parquet there) and 'other' (defs/b.ts:2) both publish to table main.merged"]);
});

test("names and files Weir keeps for itself are refused, whoever declares them", () => {
  const reserved = publishedLocationProblems([
    asset({ key: 'orders__weir_audit' }, 'defs/a.ts', 1),
    asset({ key: 'fine', io: { table: 'Orders__WEIR_stage_01jd3k5v' } }, 'models/fine.sql', 1, 'sql'),
    asset({ key: 'audit_file', io: { path: 'output/orders__weir_audit.parquet' } }, 'defs/c.ts', 1),
    asset({ key: 'staged_file', io: { path: 'output/.x.parquet.weir-stage-01jd3k5v', format: 'parquet' } }, 'defs/d.ts', 1),
    asset({ key: 'warehouse', io: { path: '.weir/warehouse.duckdb', format: 'raw' } }, 'defs/e.ts', 1),
    asset({ key: 'wal', io: { path: 'meta/metadata.sqlite-wal', format: 'raw' } }, 'defs/f.ts', 1),
    asset({ key: 'cache', io: { path: '.weir/cache/x.parquet' } }, 'defs/g.ts', 1),
  ], PROJECT);
  assert.deepEqual(reserved.map((e) => [e.code, e.location?.file]), [
    ['RESERVED_LOCATION', 'defs/a.ts'], ['RESERVED_LOCATION', 'models/fine.sql'], ['RESERVED_LOCATION', 'defs/d.ts'],
    ['RESERVED_LOCATION', 'defs/e.ts'], ['RESERVED_LOCATION', 'defs/f.ts'], ['RESERVED_LOCATION', 'defs/g.ts'],
  ]);
  assert.equal(reserved[0]!.summary,
    "asset 'orders__weir_audit' cannot publish where it does: its key 'orders__weir_audit' is reserved: names containing '__weir_stage_' or ending in '__weir_audit' are Weir's staging and audit tables");
  assert.match(reserved[3]!.summary, /its file \.weir\/warehouse\.duckdb is one of Weir's own/);
  assert.match(reserved[5]!.summary, /inside \.weir\/, the folder of Weir's own files/);
  // A file named like an audit table is an ordinary file: only relations and staged files are reserved.
  assert.ok(!reserved.some((e) => e.summary.includes("'audit_file'")));
  assert.equal(reserved[0]!.message.split(': ')[0], 'defs/a.ts:1', 'the location leads the message');
});

test('an ephemeral model has no relation, so it shares no table', () => {
  const ephemeral = defineAsset({ key: 'tmp', io: { table: 'orders' } }, () => undefined, { origin: 'sql', location: { file: 'models/tmp.sql' }, materialize: { kind: 'ephemeral' } });
  assert.deepEqual(summaries([asset({ key: 'orders' }, 'defs/a.ts', 1), ephemeral]), []);
});

test('buildAssetGraph reports location problems with the others, in one pass', () => {
  try {
    buildAssetGraph({
      assets: [asset({ key: 'a' }, 'defs/a.ts', 1), asset({ key: 'b', io: { table: 'a' } }, 'defs/b.ts', 1), asset({ key: 'c', deps: ['nope'] }, 'defs/c.ts', 1)],
      project: PROJECT,
    });
    assert.fail('expected buildAssetGraph to throw');
  } catch (error) {
    assert.ok(error instanceof WeirErrors);
    assert.deepEqual(error.errors.map((e) => e.code), ['DUPLICATE_LOCATION', 'UNKNOWN_DEPENDENCY']);
  }
});

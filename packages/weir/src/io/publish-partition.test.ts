// Per-partition publish: one partition's rows replaced in one transaction, the others untouched; schema changes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { publishPartition } from './publish-partition.js';

let warehouse: DuckDbWarehouse;
let session: DuckDbSession;
before(async () => {
  warehouse = await DuckDbWarehouse.open(':memory:');
  session = await warehouse.connect();
});
after(() => warehouse.close());

const spec = (partition: string, extra: Partial<Parameters<typeof publishPartition>[1]> = {}) => ({
  schema: 'main', staging: 'stage', table: 'revenue', column: 'weir_partition', partition, schemaChange: 'fail' as const, what: "asset 'revenue'", ...extra,
});
async function stage(sql: string) {
  await session.run('drop table if exists stage');
  await session.run(`create table stage as ${sql}`);
}
const rows = () => session.query('select weir_partition, sum(total)::integer as total, count(*)::integer as n from revenue group by all order by 1');

test('the first partition creates the table; each publish replaces only its own rows', async () => {
  await stage('select * from (values (1, 10), (2, 20)) v(product, total)');
  assert.deepEqual(await publishPartition(session, spec('2025-01')), { addedColumns: [], created: true });
  await stage('select * from (values (1, 5)) v(product, total)');
  await publishPartition(session, spec('2025-02'));
  await stage('select * from (values (1, 11), (2, 22), (3, 33)) v(product, total)');
  await publishPartition(session, spec('2025-01'));
  assert.deepEqual(await rows(), [{ weir_partition: '2025-01', total: 66, n: 3 }, { weir_partition: '2025-02', total: 5, n: 1 }]);
});

test('a partition with other columns fails and changes nothing, unless schemaChange is evolve', async () => {
  await stage("select 1 as product, 7 as total, 'x' as note");
  await assert.rejects(publishPartition(session, spec('2025-02')),
    /partition '2025-02' of asset 'revenue' has columns that differ from main.revenue: new column note \(VARCHAR\); nothing was published.*schemaChange: 'evolve'/);
  await stage("select 1 as product, 'seven' as total");
  await assert.rejects(publishPartition(session, spec('2025-02', { schemaChange: 'evolve' })), /changed type total INTEGER → VARCHAR/);
  assert.deepEqual(await rows(), [{ weir_partition: '2025-01', total: 66, n: 3 }, { weir_partition: '2025-02', total: 5, n: 1 }]);
  await stage("select 1 as product, 7 as total, 'x' as note");
  assert.deepEqual((await publishPartition(session, spec('2025-03', { schemaChange: 'evolve' }))).addedColumns, ['note']);
  assert.deepEqual(await session.query('select weir_partition, note from revenue where product = 1 order by 1'),
    [{ weir_partition: '2025-01', note: null }, { weir_partition: '2025-02', note: null }, { weir_partition: '2025-03', note: 'x' }]);
});

test('an output that carries the partition column (a partitioned input selected whole) gets this partition\'s key', async () => {
  await stage("select 1 as product, 2 as total, 'x' as note, '2025-01' as weir_partition");
  await publishPartition(session, spec('2025-04'));
  assert.deepEqual(await session.query("select weir_partition, total from revenue where weir_partition = '2025-04'"), [{ weir_partition: '2025-04', total: 2 }]);
});

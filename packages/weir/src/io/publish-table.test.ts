/** Tests of write-audit-publish for tables: swaps are atomic and views keep working. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isWeirError } from '../shared/errors.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { dropTable, publishTable } from './publish-table.js';
import { stagingTableName } from '../shared/reserved-names.js';

describe('publishTable', () => {
  let warehouse: DuckDbWarehouse;
  let session: DuckDbSession;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    session = await warehouse.connect();
    await session.run('create schema marts');
  });
  after(() => warehouse.close());

  test('stagingTableName is scoped to the run', () => {
    assert.equal(stagingTableName('revenue', '01JD3K5V8Q-7c2e9a41'), 'revenue__weir_stage_01jd3k5v');
    assert.equal(stagingTableName('revenue', 'a1b2-c3d4-e5f6'), 'revenue__weir_stage_a1b2c3d4');
  });

  test('swaps the staging table in; a dependent view sees the new data', async () => {
    await session.run('create table marts.revenue as select 1 as month, 100 as total');
    await session.run('create view marts.revenue_summary as select sum(total) as total from marts.revenue');
    const staging = stagingTableName('revenue', 'run-12345678');
    await session.run(`create table marts."${staging}" as select * from (values (1, 150), (2, 250)) v(month, total)`);
    await publishTable(session, { schema: 'marts', staging, table: 'revenue' });
    assert.deepEqual(await session.query('select * from marts.revenue_summary'), [{ total: 400 }]);
    assert.equal(await session.relationExists('marts', staging), undefined);
  });

  test('a missing staging table leaves the published table as it was', async () => {
    await assert.rejects(publishTable(session, { schema: 'marts', staging: 'revenue__stage_missing', table: 'revenue' }), (error: unknown) => {
      assert.ok(isWeirError(error));
      assert.equal(error.code, 'STAGING_TABLE_MISSING');
      return true;
    });
    assert.deepEqual(await session.query('select count(*) as n from marts.revenue'), [{ n: 2 }]);
  });

  test('a view in the way is replaced by the table', async () => {
    await session.run('create view main.orders as select 1 as id');
    await session.run('create table main.orders__stage_x as select 2 as id');
    await publishTable(session, { schema: 'main', staging: 'orders__stage_x', table: 'orders' });
    assert.equal(await session.relationExists('main', 'orders'), 'table');
    assert.deepEqual(await session.query('select id from main.orders'), [{ id: 2 }]);
  });

  test('dropTable drops and tolerates absence', async () => {
    await session.run('create table main.scratch as select 1 as a');
    await dropTable(session, { schema: 'main', table: 'scratch' });
    await dropTable(session, { schema: 'main', table: 'scratch' });
    assert.equal(await session.relationExists('main', 'scratch'), undefined);
  });
});

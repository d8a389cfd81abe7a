/** Tests of DuckDbSession against a real in-memory DuckDB: value conversion, cancellation, appends. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isWeirError } from '../../shared/errors.js';
import type { DuckDbSession } from './duckdb-session.js';
import { DuckDbWarehouse } from './duckdb-warehouse.js';
import { qualified, quoteIdent, quoteLiteral } from './quote-identifier.js';

describe('DuckDbSession', () => {
  let warehouse: DuckDbWarehouse;
  let session: DuckDbSession;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    session = await warehouse.connect();
  });
  after(() => warehouse.close());

  test('sessions creating the same new schema at once never conflict (parallel dbt seeds into +schema: raw)', async () => {
    // Without serialising, about one in four of these creations fails with "Catalog write-write conflict on create".
    const sessions = await Promise.all(Array.from({ length: 4 }, () => warehouse.connect()));
    try {
      for (let i = 0; i < 50; i++) {
        const results = await Promise.allSettled(sessions.map((s, n) => (n % 2
          ? s.run(`create schema if not exists race_${i}`)
          : s.query(`CREATE SCHEMA IF NOT EXISTS race_${i}`))));
        assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
      }
    } finally {
      for (const s of sessions) s.close();
    }
  });

  test('rows come back as plain objects with JSON-safe values', async () => {
    const [row] = await session.query(`select
      42::bigint as big, 12345678901234567890::hugeint as huge, 1.25::decimal(10,2) as dec,
      date '2024-01-02' as day, timestamp '2024-01-02 03:04:05.123456' as ts,
      timestamptz '2024-01-02 03:04:05+00' as tstz, [1, 2]::bigint[] as list,
      {'x': 1::bigint, 'y': 'a'} as struct, true as flag, null as nothing, 'text' as str, 1.5::double as dbl`);
    assert.deepEqual(row, {
      big: 42, huge: '12345678901234567890', dec: 1.25, day: '2024-01-02', ts: '2024-01-02T03:04:05.123456',
      tstz: '2024-01-02T03:04:05Z', list: [1, 2], struct: { x: 1, y: 'a' }, flag: true, nothing: null, str: 'text', dbl: 1.5,
    });
    assert.doesNotThrow(() => JSON.stringify(row));
  });

  test('parameters bind positionally, including dates and undefined', async () => {
    const rows = await session.query('select ? + 1 as a, ?::varchar as b, ? as c, ? is null as d', [41, 'x', new Date('2024-01-02T00:00:00Z'), undefined]);
    assert.deepEqual(rows, [{ a: 42, b: 'x', c: '2024-01-02T00:00:00', d: true }]);
  });

  test('aborting the signal interrupts a long query promptly', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('run cancelled')), 200);
    await assert.rejects(session.query('select count(*) from range(10000000000) t(i) where hash(i) % 7 = 0', [], { signal: controller.signal }), (error: Error) => {
      assert.equal(error.name, 'AbortError');
      assert.match(error.message, /run cancelled/);
      return true;
    });
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs < 1500, `took ${elapsedMs} ms`);
    // The connection is usable again afterwards.
    assert.deepEqual(await session.query('select 1 as one'), [{ one: 1 }]);
  });

  test('an already aborted signal rejects without running', async () => {
    await assert.rejects(session.run('create table never as select 1', [], { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(await session.relationExists('main', 'never'), undefined);
  });

  test('appender bulk-loads rows and describe reports them', async () => {
    await session.run('create table people (name varchar, age bigint)');
    const appender = await session.appender('main', 'people');
    for (let i = 0; i < 3000; i++) {
      appender.appendVarchar(`p${i}`);
      appender.appendBigInt(BigInt(i));
      appender.endRow();
    }
    appender.closeSync();
    assert.deepEqual(await session.describe(qualified('main', 'people')), {
      rowCount: 3000,
      columns: [{ name: 'name', type: 'VARCHAR' }, { name: 'age', type: 'BIGINT' }],
    });
  });

  test('stream yields batches without materializing the result', async () => {
    let rows = 0;
    let batches = 0;
    for await (const batch of session.stream('select i, i::varchar as s from range(10000) r(i)')) {
      batches += 1;
      rows += batch.rows.length;
      assert.deepEqual(batch.columns, [{ name: 'i', type: 'BIGINT' }, { name: 's', type: 'VARCHAR' }]);
    }
    assert.equal(rows, 10000);
    assert.ok(batches > 1);
  });

  test('transaction rolls back when the work throws', async () => {
    await session.run('create table kept as select 1 as a');
    await assert.rejects(session.transaction(async () => {
      await session.run('drop table kept');
      throw new Error('boom');
    }), /boom/);
    assert.equal(await session.relationExists('main', 'kept'), 'table');
  });

  test('a function from an unavailable extension fails fast with a WeirError', async () => {
    const started = Date.now();
    await assert.rejects(session.query(`select * from read_xlsx('x.xlsx')`), (error: unknown) => {
      assert.ok(isWeirError(error));
      assert.equal(error.code, 'DUCKDB_EXTENSION_UNAVAILABLE');
      assert.match(error.message, /read_xlsx.*excel extension.*load\.excel/);
      return true;
    });
    assert.ok(Date.now() - started < 1000);
  });

  test('quoting helpers', async () => {
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(qualified('my schema', 'order"s'), '"my schema"."order""s"');
    assert.equal(quoteLiteral("O'Brien"), "'O''Brien'");
    await session.run(`create table ${qualified('main', 'we"ird name')} as select ${quoteLiteral("it's")} as v`);
    assert.deepEqual(await session.query(`select v from ${qualified('main', 'we"ird name')}`), [{ v: "it's" }]);
  });
});

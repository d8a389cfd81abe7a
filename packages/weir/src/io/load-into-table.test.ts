/** Tests of loadIntoTable for each source kind, on files the test writes. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { load } from '../definitions/asset-context.js';
import { isWeirError, type WeirError } from '../shared/errors.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { writeExcelFromQuery } from '../connectors/excel/write-excel-from-query.js';
import { loadIntoTable } from './load-into-table.js';

describe('loadIntoTable', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let session: DuckDbSession;
  const target = (table: string) => ({ schema: 'main', table });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-load-'));
    warehouse = await DuckDbWarehouse.open(':memory:');
    session = await warehouse.connect();
  });
  after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('csv with auto-detection and options passed through', async () => {
    const path = join(dir, 'orders.csv');
    await writeFile(path, 'order_id;amount;day\n1;12,5;2024-01-02\n2;20;2024-01-03\n');
    const result = await loadIntoTable(session, load.csv(path, { delim: ';', decimal_separator: ',' }), target('orders'));
    assert.deepEqual(result, { rowCount: 2, columns: [{ name: 'order_id', type: 'BIGINT' }, { name: 'amount', type: 'DOUBLE' }, { name: 'day', type: 'DATE' }] });
    assert.deepEqual(await session.query('select * from main.orders'), [{ order_id: 1, amount: 12.5, day: '2024-01-02' }, { order_id: 2, amount: 20, day: '2024-01-03' }]);
  });

  test('json arrays and ndjson', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify([{ id: 1, tags: ['x'] }, { id: 2, tags: [] }]));
    await writeFile(join(dir, 'b.ndjson'), '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n');
    assert.equal((await loadIntoTable(session, load.json(join(dir, 'a.json')), target('a'))).rowCount, 2);
    assert.deepEqual(await session.query('select * from main.a order by id'), [{ id: 1, tags: ['x'] }, { id: 2, tags: [] }]);
    assert.equal((await loadIntoTable(session, load.json(join(dir, 'b.ndjson')), target('b'))).rowCount, 2);
  });

  test('parquet', async () => {
    const path = join(dir, 'p.parquet');
    await session.run(`copy (select i as id, i * 2 as twice from range(100) r(i)) to '${path}' (format parquet)`);
    assert.deepEqual(await loadIntoTable(session, load.parquet(path), target('p')), { rowCount: 100, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'twice', type: 'BIGINT' }] });
  });

  test('excel goes through the streaming reader and reports skipped rows', async () => {
    const path = join(dir, 'erp.xlsx');
    // Only connectors/ may import exceljs, so the workbook is written through the connector; the row of
    // NULLs becomes a row without values.
    await writeExcelFromQuery(session, 'select * from (values (3847, 24.2), (null, null), (3849, 34.3)) v(product_id, price)', path, { sheet: 'Feuil1' });
    const result = await loadIntoTable(session, load.excel(path, { sheet: 'Feuil1' }), target('erp'));
    assert.deepEqual(result, { rowCount: 2, columns: [{ name: 'product_id', type: 'BIGINT' }, { name: 'price', type: 'DOUBLE' }], skippedEmptyRows: 1, sheet: 'Feuil1' });
  });

  test('a missing file and a malformed file are WeirErrors naming the file', async () => {
    const missing = join(dir, 'nope.csv');
    await assert.rejects(loadIntoTable(session, load.csv(missing), target('x')), (error: unknown) => {
      assert.ok(isWeirError(error));
      assert.equal(error.code, 'FILE_NOT_FOUND');
      assert.equal(error.message.split(':')[0], missing);
      return true;
    });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"id": 1,');
    await assert.rejects(loadIntoTable(session, load.json(bad), target('x')), (error: unknown) => {
      assert.equal((error as WeirError).code, 'LOAD_FAILED');
      assert.match((error as WeirError).message, /bad\.json: the json file could not be loaded: /);
      return true;
    });
    await assert.rejects(loadIntoTable(session, load.csv(join(dir, 'orders.csv'), { 'delim) --': ';' }), target('x')), { code: 'BAD_LOAD_OPTION' });
  });

  /** The WeirError a load fails with, after checking that the target kept its last good data. */
  async function failedLoad(loadable: ReturnType<typeof load.csv>, table: string): Promise<WeirError> {
    await session.run(`create or replace table main.${table} as select 'last good' as kept`);
    const error = await loadIntoTable(session, loadable, target(table)).then(() => undefined, (e: unknown) => e);
    assert.ok(isWeirError(error), `expected a WeirError, got ${String(error)}`);
    assert.deepEqual(await session.query(`select kept from main.${table}`), [{ kept: 'last good' }], 'the table keeps its data');
    return error;
  }

  test('a csv row with too many or too few fields fails the load, naming the line and both counts', async () => {
    const more = join(dir, 'more.csv');
    await writeFile(more, 'id,name,amount\n1,a,10\n2,b,20,extra\n3,c,30\n');
    const tooMany = await failedLoad(load.csv(more), 'ragged');
    assert.equal(tooMany.code, 'CSV_WRONG_FIELD_COUNT');
    assert.deepEqual(tooMany.location, { file: more, line: 3 });
    assert.match(tooMany.message, /^.*more\.csv:3: the csv file has rows with the wrong number of fields: line 3 has 4 fields where the header \(line 1\) has 3\. Nothing was loaded from it\./);
    // Far into a long file, where DuckDB's sniffer gives up on the dialect; short rows too; every wrong line is counted.
    const late = join(dir, 'late.csv');
    const lines = ['id;name;amount', ...Array.from({ length: 5000 }, (_, i) => `${i};"n;${i}";${i}`)];
    lines[4001] = '4000;x';
    lines[4500] = '4499;x';
    lines[4700] = '4699;x;1;2';
    await writeFile(late, `${lines.join('\r\n')}\r\n`);
    const tooFew = await failedLoad(load.csv(late), 'ragged');
    assert.equal(tooFew.summary, 'the csv file has rows with the wrong number of fields: line 4002 has 2 fields where the header (line 1) has 3. 3 lines are wrong in all: line 4002 (2), line 4501 (2), line 4701 (4).');
  });

  test('quoted delimiters and newlines, CRLF, a header of one column and null_padding are not ragged', async () => {
    const quoted = join(dir, 'quoted.csv');
    await writeFile(quoted, 'id,comment\r\n1,"a, b"\r\n2,"two\r\nlines, ""quoted"""\r\n3,\r\n');
    assert.equal((await loadIntoTable(session, load.csv(quoted), target('quoted'))).rowCount, 3);
    assert.deepEqual(await session.query('select comment from main.quoted where id = 2'), [{ comment: 'two\r\nlines, "quoted"' }]);
    const single = join(dir, 'single.csv');
    await writeFile(single, 'name\nalpha\nbeta gamma\n');
    assert.equal((await loadIntoTable(session, load.csv(single), target('single'))).rowCount, 2);
    const short = join(dir, 'short.csv');
    await writeFile(short, 'id,name,amount\n1,a,10\n2,b\n');
    assert.equal((await loadIntoTable(session, load.csv(short, { null_padding: true }), target('padded'))).rowCount, 2);
    assert.deepEqual(await session.query('select amount from main.padded where id = 2'), [{ amount: null }]);
  });

  test('a csv in Latin-1 read as UTF-8 names the encoding, the line and the byte; declaring the encoding reads it', async () => {
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.concat([Buffer.from('id,name\n1,plain\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const error = await failedLoad(load.csv(latin1), 'encoded');
    assert.equal(error.code, 'FILE_ENCODING');
    assert.equal(error.message, `${latin1}:3: the csv file is not UTF-8: line 3 has the byte 0xE9 where UTF-8 cannot have it (in Latin-1/Windows-1252 it is 'é'). ` +
      "Nothing was loaded from it. Declare its encoding: load.csv(path, { encoding: 'latin-1' }), or export it as UTF-8.");
    await loadIntoTable(session, load.csv(latin1, { encoding: 'latin-1' }), target('encoded'));
    assert.deepEqual(await session.query('select name from main.encoded where id = 2'), [{ name: 'café' }]);
    const utf16 = join(dir, 'utf16.csv');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n1,a\n', 'utf16le')]));
    assert.match((await failedLoad(load.csv(utf16), 'encoded')).summary, /not UTF-8: it starts with a UTF-16 byte-order mark/);
    // A character split across the reader's 1 MiB chunks is not an error.
    const big = join(dir, 'big-utf8.csv');
    await writeFile(big, `id,name\n${Array.from({ length: 120_000 }, (_, i) => `${i},é€😀`).join('\n')}\n`);
    assert.equal((await loadIntoTable(session, load.csv(big), target('big'))).rowCount, 120_000);
  });
});

/** Tests of writeExcelFromQuery: typed cells, bold header, widths, and a round trip through the reader. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { DuckDbSession } from '../duckdb/duckdb-session.js';
import { DuckDbWarehouse } from '../duckdb/duckdb-warehouse.js';
import { readExcelIntoTable } from './read-excel-into-table.js';
import { workbookWriter } from './exceljs-parts.js';
import { sheetBytesWaiting, sheetWritten, writeExcelFromQuery } from './write-excel-from-query.js';

describe('writeExcelFromQuery', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let session: DuckDbSession;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-excel-write-'));
    warehouse = await DuckDbWarehouse.open(':memory:');
    session = await warehouse.connect();
  });
  after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("the writer waits for the zip: rows written without waiting pile up in memory, sheetWritten drains them", async () => {
    // Guards the undocumented exceljs 4 internals that writeExcelFromQuery's back-pressure reads: if an upgrade
    // hides them, this fails instead of memory quietly growing with the row count again.
    const WorkbookWriter = workbookWriter();
    const workbook = new WorkbookWriter({ filename: join(dir, 'drain.xlsx'), useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Sheet1');
    for (let i = 0; i < 5_000; i++) sheet.addRow([i, `product number ${i}`, i * 1.5]).commit();
    const waiting = sheetBytesWaiting(sheet);
    assert.ok(waiting !== undefined && waiting > 100_000, `XML waits in memory while nobody yields (${waiting} bytes)`);
    await sheetWritten(sheet);
    assert.ok(sheetBytesWaiting(sheet)! <= 16_384, `drained to the stream's high-water mark (${sheetBytesWaiting(sheet)} bytes)`);
    sheet.commit();
    await workbook.commit();
  });

  test('numbers stay numbers, dates become dates, the header is bold', async () => {
    const path = join(dir, 'nested', 'out.xlsx');
    const sql = `select i::bigint as id, i * 1.5 as amount, 'product number ' || i as product_name,
      date '2024-01-01' + i::integer as day, timestamp '2024-01-01 10:30:00' as at, [i, i] as pair, i % 2 = 0 as even
      from range(1, 5001) r(i)`;
    assert.deepEqual(await writeExcelFromQuery(session, sql, path, { sheet: 'Revenue' }), { rowCount: 5000 });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('Revenue')!;
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['id', 'amount', 'product_name', 'day', 'at', 'pair', 'even']);
    assert.equal(sheet.getRow(1).getCell(1).font?.bold, true);
    const first = sheet.getRow(2);
    assert.equal(first.getCell(1).value, 1);
    assert.equal(first.getCell(2).value, 1.5);
    assert.deepEqual(first.getCell(4).value, new Date(Date.UTC(2024, 0, 2)));
    assert.deepEqual(first.getCell(5).value, new Date(Date.UTC(2024, 0, 1, 10, 30)));
    assert.equal(first.getCell(6).value, '[1,1]');
    assert.equal(first.getCell(7).value, false);
    assert.ok(sheet.getColumn(3).width! >= 'product number 1'.length, 'width follows the data');
    assert.equal(sheet.rowCount, 5001);

    // And the reader brings back the same types.
    const loaded = await readExcelIntoTable(session, { path, sheet: 'Revenue' }, { schema: 'main', table: 'round_trip' });
    assert.deepEqual(loaded.columns.map((c) => c.type), ['BIGINT', 'DOUBLE', 'VARCHAR', 'DATE', 'TIMESTAMP', 'VARCHAR', 'BOOLEAN']);
    assert.deepEqual(await session.query('select id, amount, day, "at" from main.round_trip where id = 2'), [{ id: 2, amount: 3, day: '2024-01-03', at: '2024-01-01T10:30:00' }]);
  });

  test('an empty result still writes the header row', async () => {
    const path = join(dir, 'empty.xlsx');
    assert.deepEqual(await writeExcelFromQuery(session, 'select 1 as a, \'x\' as b where false', path), { rowCount: 0 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    assert.deepEqual((workbook.getWorksheet('Sheet1')!.getRow(1).values as unknown[]).slice(1), ['a', 'b']);
  });
});

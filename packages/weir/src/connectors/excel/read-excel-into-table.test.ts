/** Tests of readExcelIntoTable on workbooks the test writes with exceljs, loaded into a real DuckDB. */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { isWeirError, type WeirError } from '../../shared/errors.js';
import type { DuckDbSession } from '../duckdb/duckdb-session.js';
import { DuckDbWarehouse } from '../duckdb/duckdb-warehouse.js';
import { readExcelIntoTable } from './read-excel-into-table.js';

type Cell = ExcelJS.CellValue;

async function writeWorkbook(path: string, sheets: Record<string, Cell[][]>, style?: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    rows.forEach((row, i) => {
      // An empty array leaves the row out of the file entirely, as Excel does for untouched rows.
      if (row.length > 0) sheet.getRow(i + 1).values = row as ExcelJS.CellValue[];
    });
  }
  style?.(workbook);
  await workbook.xlsx.writeFile(path);
  return path;
}

/** A zip of stored (uncompressed) entries, written by hand so a test can put any bytes in a part. */
function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(fileName.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The smallest workbook Excel writes the parts of: one sheet, numbers and inline strings, `sheetXml` as given. */
function minimalXlsx(sheetXml: string, sharedStrings?: string): Buffer {
  const ns = 'http://schemas.openxmlformats.org';
  return storedZip({
    // Before the sheet, as Excel writes it (exceljs reads the parts in zip order).
    ...(sharedStrings === undefined ? {} : { 'xl/sharedStrings.xml': sharedStrings }),
    '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheetXml,
  });
}

function sheetXml(rows: number): string {
  const body = Array.from({ length: rows }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c><c r="B${i + 2}" t="inlineStr"><is><t>text ${i}</t></is></c></row>`).join('');
  return `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>${body}</sheetData></worksheet>`;
}

function weirError(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isWeirError(error), `expected a WeirError, got ${String(error)}`);
    assert.equal((error as WeirError).code, code);
    assert.match((error as WeirError).message, pattern);
    return true;
  };
}

describe('readExcelIntoTable', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  let session: DuckDbSession;
  const target = (table: string) => ({ schema: 'main', table });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-excel-'));
    warehouse = await DuckDbWarehouse.open(':memory:');
    session = await warehouse.connect();
  });
  after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('infers a type per column; integers never gain a fraction, even in text columns', async () => {
    const path = await writeWorkbook(join(dir, 'types.xlsx'), {
      Data: [
        ['id', 'price', 'in_stock', 'day', 'at', 'sku', 'note', 'nothing', 'big'],
        [1, 12.5, true, new Date(Date.UTC(2024, 0, 2)), new Date(Date.UTC(2024, 0, 2, 16, 27, 25)), 15298, 'a', null, 2 ** 60],
        [2, 20, false, new Date(Date.UTC(2024, 0, 3)), new Date(Date.UTC(2024, 0, 3)), 'ABC-1', 'b', null, 1],
        [3, 7.25, true, new Date(Date.UTC(2024, 0, 4)), new Date(Date.UTC(2024, 0, 4, 8)), 12.5, '  c  ', null, 2],
      ],
    });
    const result = await readExcelIntoTable(session, { path }, target('types'));
    assert.deepEqual(result.columns, [
      { name: 'id', type: 'BIGINT' }, { name: 'price', type: 'DOUBLE' }, { name: 'in_stock', type: 'BOOLEAN' },
      { name: 'day', type: 'DATE' }, { name: 'at', type: 'TIMESTAMP' }, { name: 'sku', type: 'VARCHAR' },
      { name: 'note', type: 'VARCHAR' }, { name: 'nothing', type: 'VARCHAR' }, { name: 'big', type: 'DOUBLE' },
    ]);
    assert.equal(result.rowCount, 3);
    assert.equal(result.sheet, 'Data');
    const rows = await session.query('select * from main.types');
    assert.deepEqual(rows[0], {
      id: 1, price: 12.5, in_stock: true, day: '2024-01-02', at: '2024-01-02T16:27:25', sku: '15298', note: 'a', nothing: null, big: 2 ** 60,
    });
    assert.deepEqual(rows.map((r) => r.sku), ['15298', 'ABC-1', '12.5']);
    assert.equal(rows[2]!.note, '  c  ', 'text is kept as written');
    const described = await session.describe('main.types');
    assert.deepEqual(described.columns.map((c) => c.type), ['BIGINT', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE']);
  });

  test('a column of integers and text stays exact text: 15298 is 15298, not 15298.0', async () => {
    const path = await writeWorkbook(join(dir, 'liaison.xlsx'), {
      Sheet1: [['product_id', 'id_web'], [3847, 15298], [3849, '13127-1'], [3850, null], [3851, 19814]],
    });
    await readExcelIntoTable(session, { path }, target('liaison'));
    assert.deepEqual(await session.query('select id_web from main.liaison'), [{ id_web: '15298' }, { id_web: '13127-1' }, { id_web: null }, { id_web: '19814' }]);
  });

  test('entirely empty rows are skipped and counted, or kept on request', async () => {
    const rows: Cell[][] = [['a', 'b'], [1, 'x'], [null, '   '], [], [2, 'y'], [], []];
    const path = await writeWorkbook(join(dir, 'empty-rows.xlsx'), { S: rows }, (workbook) => {
      // A formatted but empty row is written to the file; it counts as empty too.
      workbook.getWorksheet('S')!.getCell('A7').numFmt = '0.00';
    });
    const skipped = await readExcelIntoTable(session, { path }, target('empty_rows'));
    assert.equal(skipped.rowCount, 2);
    assert.equal(skipped.skippedEmptyRows, 4); // rows 3 (blank text), 4 and 6 (absent), 7 (formatted only)
    assert.deepEqual(await session.query('select * from main.empty_rows'), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);

    const kept = await readExcelIntoTable(session, { path }, target('empty_rows_kept'), { keepEmptyRows: true });
    assert.equal(kept.rowCount, 6);
    assert.equal(kept.skippedEmptyRows, 0);
    assert.deepEqual((await session.query<{ a: number | null }>('select a from main.empty_rows_kept')).map((r) => r.a), [1, null, null, 2, null, null]);
  });

  test('formula cells use their cached result; rich text, hyperlinks and errors', async () => {
    const path = await writeWorkbook(join(dir, 'formulas.xlsx'), {
      S: [
        ['n', 'double', 'joined', 'ratio', 'due', 'rich', 'link'],
        [2, { formula: 'A2*2', result: 4 }, { formula: '"x"&"y"', result: 'xy' }, { formula: '1/0', result: { error: '#DIV/0!' } }, { formula: 'DATE(2024,1,2)', result: 45293 }, { richText: [{ text: 'ri' }, { text: 'ch', font: { bold: true } }] }, { text: 'site', hyperlink: 'https://example.org' }],
        [3, { formula: 'A3*2', result: 6 }, { formula: '"z"', result: 'z' }, { error: '#N/A' }, { formula: 'DATE(2024,1,3)', result: 45294 }, 'plain', 'other'],
      ],
    }, (workbook) => {
      const sheet = workbook.getWorksheet('S')!;
      sheet.getCell('E2').numFmt = 'dd/mm/yyyy';
      sheet.getCell('E3').numFmt = 'dd/mm/yyyy';
    });
    const result = await readExcelIntoTable(session, { path }, target('formulas'));
    assert.deepEqual(result.columns.map((c) => c.type), ['BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR', 'DATE', 'VARCHAR', 'VARCHAR']);
    assert.deepEqual(await session.query('select * from main.formulas'), [
      { n: 2, double: 4, joined: 'xy', ratio: null, due: '2024-01-02', rich: 'rich', link: 'site' },
      { n: 3, double: 6, joined: 'z', ratio: null, due: '2024-01-03', rich: 'plain', link: 'other' },
    ]);
  });

  test('empty and repeated headers get unique names, reported as a warning', async () => {
    const path = await writeWorkbook(join(dir, 'headers.xlsx'), {
      S: [['Report', null], [], [' name ', null, 'Name', 'price', 'price'], ['a', 1, 'b', 2, 3], ['c', 4, 'd', 5, 6, 'extra']],
    });
    const warnings: string[] = [];
    const result = await readExcelIntoTable(session, { path, headerRow: 3 }, target('headers'), { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(result.columns.map((c) => c.name), ['name', 'column_2', 'Name_2', 'price', 'price_2', 'column_6']);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /headers\.xlsx, sheet 'S': column B has no header, named 'column_2'; column C repeats the header 'Name', named 'Name_2'; column E repeats the header 'price', named 'price_2'/);
    assert.match(warnings[1]!, /row 5 has values right of the last header; added column F as 'column_6'/);
    assert.deepEqual(await session.query('select column_6 from main.headers'), [{ column_6: null }, { column_6: 'extra' }]);
  });

  test('sheets are chosen by name (also loosely) or 1-based position; unknown sheets list the real ones', async () => {
    const path = await writeWorkbook(join(dir, 'sheets.xlsx'), { Summary: [['x'], [1]], Feuil1: [['y'], [2]], Other: [['z'], [3]] });
    assert.equal((await readExcelIntoTable(session, { path }, target('s_default'))).sheet, 'Summary');
    assert.equal((await readExcelIntoTable(session, { path, sheet: 'Feuil1' }, target('s_name'))).sheet, 'Feuil1');
    assert.equal((await readExcelIntoTable(session, { path, sheet: 'feuil1 ' }, target('s_loose'))).sheet, 'Feuil1');
    assert.equal((await readExcelIntoTable(session, { path, sheet: 3 }, target('s_index'))).sheet, 'Other');
    assert.deepEqual(await session.query('select * from main.s_index'), [{ z: 3 }]);
    await assert.rejects(readExcelIntoTable(session, { path, sheet: 'Sheet1' }, target('nope')),
      weirError('EXCEL_UNKNOWN_SHEET', /sheets\.xlsx: the workbook has no sheet named 'Sheet1'\. Sheets in this workbook: 'Summary', 'Feuil1', 'Other'\./));
    await assert.rejects(readExcelIntoTable(session, { path, sheet: 4 }, target('nope')), weirError('EXCEL_UNKNOWN_SHEET', /no sheet number 4 \(it has 3\)/));
  });

  test('a missing file, an empty sheet and a missing header row are WeirErrors', async () => {
    await assert.rejects(readExcelIntoTable(session, { path: join(dir, 'absent.xlsx') }, target('x')), weirError('FILE_NOT_FOUND', /absent\.xlsx: the Excel file does not exist/));
    const empty = await writeWorkbook(join(dir, 'empty-sheet.xlsx'), { Blank: [] });
    await assert.rejects(readExcelIntoTable(session, { path: empty }, target('x')), weirError('EXCEL_EMPTY_SHEET', /empty-sheet\.xlsx: the sheet is empty/));
    const late = await writeWorkbook(join(dir, 'late-header.xlsx'), { S: [[], [], ['a', 'b'], [1, 2]] });
    await assert.rejects(readExcelIntoTable(session, { path: late }, target('x')), weirError('EXCEL_NO_HEADER_ROW', /row 1, the header row, is empty\. The first row with values is 3: .*headerRow: 3/));
    assert.equal((await readExcelIntoTable(session, { path: late, headerRow: 3 }, target('late'))).rowCount, 1);
  });

  test('files that are not readable workbooks say why and what to do', async () => {
    const good = await writeWorkbook(join(dir, 'good.xlsx'), { S: [['a', 'b'], ...Array.from({ length: 3000 }, (_, i) => [i, `text ${i}`])] });
    const bytes = await readFile(good);
    const cases: Array<[string, Buffer | string, RegExp]> = [
      ['renamed.xlsx', 'id;name\n1;a\n', /it is a text file starting with "id;name\\n1;a\\n"/],
      ['empty.xlsx', '', /the file is empty/],
      ['old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), /old \.xls workbook or a password-protected one/],
      ['truncated.xlsx', bytes.subarray(0, Math.floor(bytes.length * 0.6)), /truncated/],
      ['corrupted.xlsx', Buffer.from(bytes.map((b, i) => (i >= 2000 && i < 2400 ? b ^ 0x5a : b))), /not a readable \.xlsx workbook/],
    ];
    for (const [name, content, reason] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      await assert.rejects(readExcelIntoTable(session, { path }, target('bad')), (error: unknown) => {
        weirError('EXCEL_UNREADABLE', /not a readable \.xlsx workbook \(.+\)\. Re-export it from Excel as \.xlsx/)(error);
        assert.ok((error as WeirError).message.startsWith(`${path}: `), (error as WeirError).message);
        assert.match((error as WeirError).message, reason);
        return true;
      }, name);
    }
    // Nothing of a failed load is left behind.
    assert.equal(await session.relationExists('main', 'bad'), undefined);
    assert.deepEqual(await session.query(`select table_name from duckdb_tables() where temporary`), []);
  });

  test('a workbook cut short is refused whole, never loaded as fewer rows', async () => {
    const whole = sheetXml(500);
    const complete = join(dir, 'complete.xlsx');
    await writeFile(complete, minimalXlsx(whole));
    assert.equal((await readExcelIntoTable(session, { path: complete }, target('complete'))).rowCount, 500, 'the hand-written workbook reads whole');
    const sharedStrings = `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="201" uniqueCount="201"><si><t>b</t></si>${Array.from({ length: 200 }, (_, i) => `<si><t>text ${i}</t></si>`).join('')}</sst>`;
    const sharedSheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="s"><v>0</v></c></row>${Array.from({ length: 200 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c><c r="B${i + 2}" t="s"><v>${i + 1}</v></c></row>`).join('')}</sheetData></worksheet>`;
    const withShared = join(dir, 'shared-strings.xlsx');
    await writeFile(withShared, minimalXlsx(sharedSheet, sharedStrings));
    assert.equal((await readExcelIntoTable(session, { path: withShared }, target('shared'))).rowCount, 200, 'whole shared strings read whole');
    assert.deepEqual(await session.query(`select count(b) as n, max(b) as last from shared`), [{ n: 200, last: 'text 99' }]);
    const zip = minimalXlsx(whole);
    const directoryAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])));
    const cases: Array<[string, Buffer, RegExp]> = [
      // Every part is there and readable, only the zip's central directory is missing (a download cut at the end).
      ['no-central-directory.xlsx', zip.subarray(0, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))), /its zip central directory is missing, so it is truncated/],
      ['cut-in-directory.xlsx', zip.subarray(0, directoryAt + 10), /its zip central directory is missing/],
      // A well-formed zip whose sheet stops half-way (a writer killed mid-file): the first 250 rows would parse.
      ['sheet-ends-early.xlsx', minimalXlsx(whole.slice(0, Math.floor(whole.length / 2))), /sheet 'S' ends early: its XML stops before <\/worksheet>, so rows are missing/],
      ['sheet-without-end-tag.xlsx', minimalXlsx(whole.replace('</worksheet>', '')), /sheet 'S' ends early/],
      // A whole sheet whose text cells point into shared strings that stop half-way: they would load as NULLs.
      ['shared-strings-end-early.xlsx', minimalXlsx(sharedSheet, sharedStrings.slice(0, Math.floor(sharedStrings.length / 2))),
        /its shared strings end early: xl\/sharedStrings.xml stops before <\/sst>, so text cells would be missing/],
    ];
    for (const [name, content, reason] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      await assert.rejects(readExcelIntoTable(session, { path }, target('cut')), (error: unknown) => {
        weirError('EXCEL_UNREADABLE', reason)(error);
        assert.ok((error as WeirError).message.startsWith(`${path}: not a readable .xlsx workbook`), (error as WeirError).message);
        return true;
      }, name);
    }
    assert.equal(await session.relationExists('main', 'cut'), undefined, 'nothing loaded');
  });

  test('an aborted signal stops the load', async () => {
    const path = await writeWorkbook(join(dir, 'abort.xlsx'), { S: [['a'], ...Array.from({ length: 5000 }, (_, i) => [i])] });
    await assert.rejects(readExcelIntoTable(session, { path }, target('aborted'), { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(await session.relationExists('main', 'aborted'), undefined);
  });
});

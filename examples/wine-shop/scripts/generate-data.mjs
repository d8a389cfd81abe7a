// Writes fictional wine-shop exports shaped like the real ones, and the check figures they must give.
//
//   node generate-data.mjs --out DIR [--months 2025-01..2025-06] [--products 825] [--seed 1]
//
// Writes DIR/Fichier_erp.xlsx, DIR/fichier_liaison.xlsx, DIR/Fichier_web.xlsx (one sheet 'Sheet1' each, same
// columns and defects as the real exports) and DIR/expected.json (the seven check figures, computed from the clean
// catalogue before the defects were added). With --months, one folder per month instead (DIR/2025-01/…, each with
// its three exports and its own expected.json): the same shop month after month, with prices revised, stock moved,
// sales added and products added and removed. The same seed, size and months always give the same data.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import {
  DEFAULT_PRODUCTS,
  ERP_COLUMNS,
  LIAISON_COLUMNS,
  WEB_COLUMNS,
  WEB_DATE_COLUMNS,
  buildWineCatalog,
} from './wine-catalog.mjs';

const USAGE = 'usage: node generate-data.mjs --out DIR [--months YYYY-MM..YYYY-MM] [--products N] [--seed S]';

/**
 * The months of a range, first to last.
 *
 * @example
 *   monthRange('2025-01..2025-03') // -> ['2025-01', '2025-02', '2025-03']
 */
export function monthRange(range) {
  const match = /^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$/.exec(range);
  if (!match) throw new Error(`--months ${range}: expected a range of months such as 2025-01..2025-06. ${USAGE}`);
  const [first, last] = [Number(match[1]) * 12 + Number(match[2]) - 1, Number(match[3]) * 12 + Number(match[4]) - 1];
  if (last < first || last - first >= 120) throw new Error(`--months ${range}: the last month must follow the first, at most 120 months apart.`);
  return Array.from({ length: last - first + 1 }, (_, i) => `${Math.floor((first + i) / 12)}-${String(((first + i) % 12) + 1).padStart(2, '0')}`);
}

/** Writes the three exports and expected.json of one month of the shop into `dir`; returns the expected figures. */
async function writeMonth(dir, { products, seed, month, key }) {
  const catalog = buildWineCatalog({ products, seed, month });
  await mkdir(dir, { recursive: true });
  await writeExport(join(dir, 'Fichier_erp.xlsx'), ERP_COLUMNS, catalog.erpRows);
  await writeExport(join(dir, 'fichier_liaison.xlsx'), LIAISON_COLUMNS, catalog.liaisonRows);
  await writeExport(join(dir, 'Fichier_web.xlsx'), WEB_COLUMNS, catalog.webRows, WEB_DATE_COLUMNS);
  const expected = { ...(key ? { month: key } : {}), ...catalog.expected, generator: catalog.summary };
  await writeFile(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  return expected;
}

// The real exports' header style (as written by pandas' to_excel, then saved by Excel).
const HEADER_STYLE = {
  font: { bold: true },
  border: { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } },
  alignment: { horizontal: 'center', vertical: 'top' },
};
const DATE_FORMAT = 'yyyy\\-mm\\-dd\\ hh:mm:ss';
const EXPORT_DATE = new Date(Date.UTC(2020, 7, 28));

/**
 * Streams `rows` (arrays of cell values in column order; null leaves the cell empty) into a one-sheet workbook.
 *
 * @example
 *   await writeExport('/tmp/x/fichier_liaison.xlsx', ['product_id', 'id_web'], [[3847, 15298], [3849, null]]);
 *   // -> /tmp/x/fichier_liaison.xlsx, sheet 'Sheet1': a header row and two data rows
 */
export async function writeExport(path, columns, rows, dateColumns = []) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  // A fixed date keeps every XML part identical from run to run; only the zip entries' own timestamps vary.
  workbook.created = EXPORT_DATE;
  workbook.modified = EXPORT_DATE;
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.columns = columns.map((name) => ({
    key: name,
    width: Math.max(10, name.length + 2),
    style: dateColumns.includes(name) ? { numFmt: DATE_FORMAT } : {},
  }));
  const header = sheet.addRow(columns);
  header.eachCell((cell) => Object.assign(cell, HEADER_STYLE));
  header.commit();
  for (const values of rows) sheet.addRow(values).commit();
  sheet.commit();
  await workbook.commit();
}

async function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, months: { type: 'string' }, products: { type: 'string' }, seed: { type: 'string' } },
  });
  if (!values.out) throw new Error(`--out is required. ${USAGE}`);
  const products = values.products === undefined ? DEFAULT_PRODUCTS : Number(values.products);
  const seed = values.seed ?? '1';
  if (values.months === undefined) {
    console.log(JSON.stringify(await writeMonth(values.out, { products, seed, month: 0 })));
    return;
  }
  const months = monthRange(values.months);
  // One month after another (not all at once): exceljs's writers hold a month's rows, and 2 cores are enough.
  for (const [month, key] of months.entries()) {
    const { total_revenue, web_rows, premium_wines } = await writeMonth(join(values.out, key), { products, seed, month, key });
    console.log(`${key}: ${web_rows} products on the web, revenue ${total_revenue}, ${premium_wines} premium wines`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}

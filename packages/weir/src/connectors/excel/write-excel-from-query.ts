/** Streams a DuckDB query's rows into an .xlsx file, one sheet, typed cells and a bold header. */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type ExcelJS from 'exceljs';
import { workbookWriter } from './exceljs-parts.js';
import { WeirError } from '../../shared/errors.js';
import type { ColumnDescription, DuckDbSession } from '../duckdb/duckdb-session.js';
import type { JsonValue } from '../duckdb/json-value-converter.js';

export interface ExcelWriteOptions {
  /** Sheet name (default `Sheet1`). */
  sheet?: string;
  signal?: AbortSignal;
  /** Told about values Excel cannot hold as they are (over-long text). */
  onWarning?: (message: string) => void;
}

export interface ExcelWriteResult {
  rowCount: number;
}

// Excel's own limits: past them it refuses or "repairs" the file.
const EXCEL_MAX_ROWS = 1_048_576;
const EXCEL_MAX_CELL_CHARS = 32_767;
const MIN_WIDTH_CHARS = 8;
const MAX_WIDTH_CHARS = 60;

type ColumnKind = 'number' | 'date' | 'timestamp' | 'other';

/**
 * Writes the rows of `sql` to `path` with exceljs's streaming writer, so memory stays flat however many
 * rows there are. Numbers stay numbers, DATE and TIMESTAMP become Excel dates, nested values become
 * JSON text; the header row is bold and column widths follow the header and the first rows.
 *
 * @example
 * await writeExcelFromQuery(session, 'select * from main.revenue', 'out/revenue.xlsx', { sheet: 'Revenue' })
 * // { rowCount: 12 }
 */
export async function writeExcelFromQuery(session: DuckDbSession, sql: string, path: string, options: ExcelWriteOptions = {}): Promise<ExcelWriteResult> {
  await mkdir(dirname(path), { recursive: true });
  const WorkbookWriter = workbookWriter();
  const workbook = new WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(options.sheet ?? 'Sheet1');
  let rowCount = 0;
  let kinds: ColumnKind[] | undefined;
  let truncated = 0;
  try {
    for await (const batch of session.stream(sql, [], { signal: options.signal })) {
      if (!kinds) {
        kinds = batch.columns.map((column) => columnKind(column.type));
        startSheet(sheet, batch.columns, kinds, batch.rows);
      }
      for (const row of batch.rows) {
        rowCount += 1;
        if (rowCount + 1 > EXCEL_MAX_ROWS) {
          throw new WeirError(`the query returns more rows than an Excel sheet holds (${EXCEL_MAX_ROWS - 1} plus the header)`, {
            code: 'EXCEL_TOO_MANY_ROWS',
            location: { file: path },
            hint: "Write this asset as parquet or csv (io: { path: '….parquet' }), or aggregate it first.",
          });
        }
        const cells = row.map((value, i) => {
          const cell = excelValue(value, kinds![i]!);
          if (typeof cell === 'string' && cell.length > EXCEL_MAX_CELL_CHARS) {
            truncated += 1;
            return cell.slice(0, EXCEL_MAX_CELL_CHARS);
          }
          return cell;
        });
        sheet.addRow(cells).commit();
      }
    }
    if (!kinds) {
      // No rows at all: still write the header, so the file shows what the columns would be.
      const columns = await session.describe(`(${sql})`, { signal: options.signal });
      startSheet(sheet, columns.columns, columns.columns.map((c) => columnKind(c.type)), []);
    }
    sheet.commit();
    await workbook.commit();
  } catch (error) {
    await workbook.commit().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
  if (truncated > 0) options.onWarning?.(`${path}: ${truncated} text values were longer than Excel's ${EXCEL_MAX_CELL_CHARS} characters and were cut`);
  return { rowCount };
}

function startSheet(sheet: ExcelJS.Worksheet, columns: ColumnDescription[], kinds: ColumnKind[], sample: JsonValue[][]): void {
  sheet.columns = columns.map((column, i) => ({
    key: column.name,
    width: columnWidth(column.name, kinds[i]!, sample.map((row) => row[i] ?? null)),
    style: kinds[i] === 'date' ? { numFmt: 'yyyy-mm-dd' } : kinds[i] === 'timestamp' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  const header = sheet.addRow(columns.map((column) => column.name));
  header.font = { bold: true };
  header.commit();
}

function columnKind(type: string): ColumnKind {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)\b/.test(type)) return 'number';
  if (type === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(type)) return 'timestamp';
  return 'other';
}

// Values arrive JSON-safe from the session; Excel wants Dates for dates, and text for anything nested.
function excelValue(value: JsonValue, kind: ColumnKind): ExcelJS.CellValue {
  if (value === null) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string' && (kind === 'date' || kind === 'timestamp')) {
    // '2024-01-02' or '2024-01-02T03:04:05.123456' (no zone: read as UTC, which is how Excel dates are written)
    const date = new Date(kind === 'date' ? `${value}T00:00:00Z` : /Z$/.test(value) ? value : `${value}Z`);
    return Number.isNaN(date.getTime()) ? value : date; // 'infinity' stays text
  }
  return value;
}

function columnWidth(name: string, kind: ColumnKind, sample: JsonValue[]): number {
  if (kind === 'date') return Math.max(12, name.length + 2);
  if (kind === 'timestamp') return Math.max(20, name.length + 2);
  let widest = name.length;
  for (const value of sample) {
    const text = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    widest = Math.max(widest, text.length);
  }
  return Math.min(MAX_WIDTH_CHARS, Math.max(MIN_WIDTH_CHARS, widest + 2));
}

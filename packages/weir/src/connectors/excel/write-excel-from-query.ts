/** Streams a DuckDB query's rows into an .xlsx file, one sheet, typed cells and a bold header. */
import { once } from 'node:events';
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
      await sheetWritten(sheet);
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

/*
 * Why: exceljs's streaming writer never waits. Each committed row's XML is written into the zip's input without
 * looking at write()'s answer, so when DuckDB hands rows faster than deflate and the disk take them, the XML piles
 * up in memory: ~475 MB of buffers for a million rows of five columns. Between DuckDB's batches (2,048 rows), this
 * waits until the zip has taken what was written, which keeps memory flat. It reaches undocumented properties (exceljs 4's
 * WorksheetWriter `stream.pipes`: the streams its sheet XML is written to, and their `_writableState`); if they are
 * ever absent, it waits for nothing, as before.
 */
/**
 * Resolves once the zip has taken the sheet XML written so far (at once when it has).
 *
 * @example
 * for (const row of batch) sheet.addRow(row).commit();
 * await sheetWritten(sheet); // the XML of those rows is compressed or on its way to the file, not piling up
 */
export async function sheetWritten(sheet: ExcelJS.Worksheet): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes ?? [];
  for (const pipe of pipes) {
    // archiver wraps the sheet in readable-stream 2's PassThrough, which predates `writableLength`.
    const target = pipe as NodeJS.EventEmitter & { writableLength?: number; _writableState?: { length?: number; highWaterMark?: number } };
    const buffered = target.writableLength ?? target._writableState?.length;
    const limit = target._writableState?.highWaterMark ?? 16_384;
    if (typeof buffered === 'number' && buffered > limit) await once(target, 'drain');
  }
}

/** What sheetWritten waits on: the bytes of sheet XML not yet taken by the zip (undefined if exceljs hides them). */
export function sheetBytesWaiting(sheet: ExcelJS.Worksheet): number | undefined {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  if (!pipes?.length) return undefined;
  let total = 0;
  for (const pipe of pipes) {
    const target = pipe as { writableLength?: number; _writableState?: { length?: number } };
    const buffered = target.writableLength ?? target._writableState?.length;
    if (typeof buffered !== 'number') return undefined;
    total += buffered;
  }
  return total;
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

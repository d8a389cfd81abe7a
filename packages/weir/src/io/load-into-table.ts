/** Loads a file an asset returned (`load.excel()`, `load.csv()`, …) into a DuckDB table. */
import { open, stat } from 'node:fs/promises';
import type { Loadable } from '../definitions/asset-context.js';
import { WeirError, isWeirError } from '../shared/errors.js';
import type { ColumnDescription, DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { qualified, quoteLiteral } from '../connectors/duckdb/quote-identifier.js';
import type { TableTarget } from '../connectors/excel/read-excel-into-table.js';
import { checkCsvFieldCounts, checkUtf8, guessCsvDialect, type CsvDialect } from '../shared/check-csv-file.js';

export interface LoadOptions {
  signal?: AbortSignal;
  /** Told about things worth a look that do not stop the load (e.g. renamed Excel headers). */
  onWarning?: (message: string) => void;
  /** excel: keep entirely empty rows as rows of NULLs. */
  keepEmptyRows?: boolean;
}

export interface LoadResult {
  rowCount: number;
  columns: ColumnDescription[];
  /** excel only: rows with no value that were left out. */
  skippedEmptyRows?: number;
  /** excel only: the sheet that was read. */
  sheet?: string;
}

const READERS = { csv: 'read_csv', parquet: 'read_parquet', json: 'read_json_auto' } as const;
// Option names go into SQL unquoted, so only plain identifiers pass.
const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Loads `loadable` into `target`, replacing it: Excel is streamed by Weir, CSV goes through DuckDB's
 * `read_csv` with auto-detection (`options` passed through), Parquet through `read_parquet`, JSON and
 * NDJSON through `read_json_auto`. A CSV file is checked first (see check-csv-file.ts): bytes that are not in its
 * declared encoding (UTF-8 unless `encoding` says otherwise) or a row with the wrong number of fields fail the load
 * with the line, and nothing is loaded.
 *
 * @example
 * await loadIntoTable(session, load.csv('data/orders.csv', { delim: ';' }), { schema: 'main', table: 'orders' })
 * // runs: create or replace table "main"."orders" as select * from read_csv('data/orders.csv', auto_detect = true, delim = ';')
 * // -> { rowCount: 1200, columns: [{ name: 'order_id', type: 'BIGINT' }, …] }
 */
export async function loadIntoTable(session: DuckDbSession, loadable: Loadable, target: TableTarget, options: LoadOptions = {}): Promise<LoadResult> {
  if (loadable.load === 'excel') {
    // exceljs costs ~0.5 s to load: only pipelines that read Excel pay for it.
    const { readExcelIntoTable } = await import('../connectors/excel/read-excel-into-table.js');
    return readExcelIntoTable(session, { path: loadable.path, sheet: loadable.sheet, headerRow: loadable.headerRow }, target, options);
  }
  await assertFileExists(loadable.path, loadable.load);
  const reader = READERS[loadable.load];
  if (!reader) {
    throw new WeirError(`unknown load kind '${String(loadable.load)}'`, { code: 'UNKNOWN_LOAD_KIND', location: { file: loadable.path }, hint: 'Use load.excel, load.csv, load.parquet or load.json.' });
  }
  const args = [quoteLiteral(loadable.path)];
  if (loadable.load === 'csv') args.push('auto_detect = true');
  for (const [name, value] of Object.entries(loadable.options ?? {})) {
    if (!OPTION_NAME.test(name)) {
      throw new WeirError(`'${name}' is not a ${reader} option name`, { code: 'BAD_LOAD_OPTION', location: { file: loadable.path }, hint: `See DuckDB's ${reader} documentation for the options it takes.` });
    }
    args.push(`${name} = ${typeof value === 'string' ? quoteLiteral(value) : String(value)}`);
  }
  if (loadable.load === 'csv') await checkCsvInput(session, loadable.path, loadable.options ?? {}, args.slice(1), options.signal);
  const relation = qualified(target.schema, target.table);
  try {
    await session.run(`create or replace table ${relation} as select * from ${reader}(${args.join(', ')})`, [], { signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    // DuckDB's first line says what is wrong with the file (a bad delimiter, a malformed row, …).
    const detail = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new WeirError(`the ${loadable.load} file could not be loaded: ${detail}`, {
      code: 'LOAD_FAILED',
      location: { file: loadable.path },
      hint: loadable.load === 'csv' ? "Pass read_csv options to fix detection, e.g. load.csv(path, { delim: ';', header: true })." : `Check that the file is valid ${loadable.load}.`,
      cause: error,
    });
  }
  return session.describe(relation, { signal: options.signal });
}

async function assertFileExists(path: string, kind: string): Promise<void> {
  try {
    await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WeirError(code === 'ENOENT' ? `the ${kind} file does not exist` : `the ${kind} file cannot be read (${code ?? String(error)})`, {
      code: code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      location: { file: path },
      hint: 'Check the path (relative paths start at the project folder) and that the file was exported.',
      cause: error,
    });
  }
}

/**
 * The checks DuckDB does not do well itself: the encoding, then the number of fields of every row. Options that
 * ask DuckDB to accept ragged rows (`null_padding`, `ignore_errors`, `strict_mode: false`) skip the second.
 */
async function checkCsvInput(session: DuckDbSession, path: string, options: Record<string, string | number | boolean>, optionArgs: string[], signal?: AbortSignal): Promise<void> {
  const option = (name: string) => Object.entries(options).find(([key]) => key.toLowerCase() === name)?.[1];
  const encoding = String(option('encoding') ?? 'utf-8').toLowerCase();
  if (encoding === 'utf-8' || encoding === 'utf8') await checkUtf8(path, 'csv', signal);
  if (option('null_padding') === true || option('ignore_errors') === true || option('strict_mode') === false) return;
  const skipRows = Number(option('skip') ?? 0);
  const sniffed = await sniffCsvDialect(session, path, optionArgs, skipRows, signal);
  if (!sniffed) return;
  // Never the sniffer's own SkipRows: on a ragged file it skips the rows before the last change of field count
  // and reads what is left as if it were the whole file.
  try {
    await checkCsvFieldCounts(path, { ...sniffed.dialect, skipRows }, { header: option('header') !== false, signal });
  } catch (error) {
    if (!isWeirError(error) || sniffed.skipRows <= skipRows) throw error;
    const lines = sniffed.skipRows - skipRows;
    throw new WeirError(error.summary, {
      code: error.code, location: error.location,
      hint: `${error.hint} If the first ${lines === 1 ? 'line is a title' : `${lines} lines are a title`}, not data, pass load.csv(path, { skip: ${sniffed.skipRows} }).`,
    });
  }
}

/** DuckDB's sniffer's dialect, or a guess from the header line when it sees one column or none (a ragged file). */
async function sniffCsvDialect(session: DuckDbSession, path: string, optionArgs: string[], skipRows: number, signal?: AbortSignal): Promise<{ dialect: CsvDialect; skipRows: number } | undefined> {
  const unset = (value: unknown) => (value === '(empty)' || value === null || value === undefined ? '' : String(value));
  try {
    const [sniffed] = await session.query<Record<string, unknown>>(
      `select Delimiter as delimiter, Quote as quote, Escape as escape, SkipRows as skip_rows, Comment as comment, len(Columns) as columns from sniff_csv(${[quoteLiteral(path), ...optionArgs].join(', ')})`,
      [], { signal },
    );
    if (sniffed && Number(sniffed.columns) > 1) {
      const sniffedSkip = Number(sniffed.skip_rows ?? 0);
      return { dialect: { delimiter: unset(sniffed.delimiter), quote: unset(sniffed.quote), escape: unset(sniffed.escape), skipRows: sniffedSkip, comment: unset(sniffed.comment) }, skipRows: sniffedSkip };
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    // The sniffer gives up on a ragged file ("not possible to automatically detect the CSV parsing dialect").
  }
  const guessed = guessCsvDialect(await headerLine(path, skipRows), skipRows);
  return guessed && { dialect: guessed, skipRows };
}

/** The first line after `skipRows`, from the first 64 KiB of the file. */
async function headerLine(path: string, skipRows: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r\n|\n|\r/)[skipRows] ?? '';
  } finally {
    await handle.close();
  }
}

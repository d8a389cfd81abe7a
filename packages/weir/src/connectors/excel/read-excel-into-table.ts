/**
 * Loads one sheet of an .xlsx workbook into a DuckDB table: parse-excel-sheet.ts streams the sheet's rows, as text,
 * into a temporary table through DuckDB's appender; one `CREATE TABLE … AS SELECT CAST(…)` then builds the target
 * with the inferred column types. (Parsing in worker threads was measured slower here: each worker pays exceljs's
 * import and a cold JIT again, ~1.0-2.0 s against ~1.1 s in one thread for the wine-shop's three exports.)
 */
import { randomBytes } from 'node:crypto';
import type { ColumnDescription, DuckDbSession } from '../duckdb/duckdb-session.js';
import { qualified, quoteIdent } from '../duckdb/quote-identifier.js';
import { parseExcelSheet, type ExcelParseOptions, type ExcelSource } from './parse-excel-sheet.js';

export type { ExcelSource } from './parse-excel-sheet.js';

export interface TableTarget {
  schema: string;
  table: string;
}

export interface ExcelReadOptions extends ExcelParseOptions {
  /** Told about things worth a look that do not stop the load, e.g. renamed headers. */
  onWarning?: (message: string) => void;
}

export interface ExcelLoadResult {
  rowCount: number;
  columns: ColumnDescription[];
  skippedEmptyRows: number;
  /** The name of the sheet that was read. */
  sheet: string;
}

// Appended rows live in DuckDB's transaction-local storage until flushed; flushing now and then keeps
// that bounded on very long sheets.
const FLUSH_EVERY_ROWS = 50_000;

/**
 * Streams a sheet into `target` (replacing it). Column types come from the cells (all integers: BIGINT;
 * numbers: DOUBLE; booleans: BOOLEAN; dates: DATE or TIMESTAMP; anything mixed or empty: VARCHAR).
 *
 * @example
 * await readExcelIntoTable(session, { path: 'data/erp.xlsx', sheet: 'Feuil1' }, { schema: 'main', table: 'erp' })
 * // { rowCount: 825, sheet: 'Feuil1', skippedEmptyRows: 0,
 * //   columns: [{ name: 'product_id', type: 'BIGINT' }, { name: 'price', type: 'DOUBLE' }, …] }
 */
export async function readExcelIntoTable(
  session: DuckDbSession,
  source: ExcelSource,
  target: TableTarget,
  options: ExcelReadOptions = {},
): Promise<ExcelLoadResult> {
  const raw = new RawTable(session, `__weir_excel_${randomBytes(6).toString('hex')}`);
  try {
    const summary = await parseExcelSheet(source, {
      columns: (names) => raw.columns(names.length),
      row: (texts) => raw.appendRow(texts),
      warning: (message) => options.onWarning?.(message),
    }, { keepEmptyRows: options.keepEmptyRows, signal: options.signal });
    const { names, types } = summary;
    await raw.finish();
    const select = names.map((name, i) => (types[i] === 'VARCHAR' ? `c${i + 1}` : `cast(c${i + 1} as ${types[i]!})`) + ` as ${quoteIdent(name)}`);
    await session.run(`create or replace table ${qualified(target.schema, target.table)} as select ${select.join(', ')} from ${raw.qualifiedName}`, [], {
      signal: options.signal,
    });
    return { rowCount: summary.rowCount, columns: names.map((name, i) => ({ name, type: types[i]! })), skippedEmptyRows: summary.skippedEmptyRows, sheet: summary.sheet };
  } finally {
    await raw.drop();
  }
}

/**
 * The temporary all-VARCHAR table rows are appended to. TEMP: it lives only in this connection and is
 * never written to the warehouse file.
 */
class RawTable {
  #appender: Awaited<ReturnType<DuckDbSession['appender']>> | undefined;
  #columns = 0;
  #rowsSinceFlush = 0;
  #created = false;

  constructor(
    readonly session: DuckDbSession,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `temp.main.${quoteIdent(this.name)}`;
  }

  /** Creates the table on the first call, adds the new columns on later ones. */
  async columns(columns: number): Promise<void> {
    if (this.#created) return this.addColumns(columns);
    const list = Array.from({ length: columns }, (_, i) => `c${i + 1} varchar`).join(', ');
    await this.session.run(`create temp table ${quoteIdent(this.name)} (${list})`);
    this.#created = true;
    this.#columns = columns;
    this.#appender = await this.session.appender('main', this.name, 'temp');
  }

  private async addColumns(columns: number): Promise<void> {
    this.#appender?.closeSync();
    for (let i = this.#columns; i < columns; i++) await this.session.run(`alter table ${this.qualifiedName} add column c${i + 1} varchar`);
    this.#columns = columns;
    this.#appender = await this.session.appender('main', this.name, 'temp');
  }

  appendRow(texts: ReadonlyArray<string | null>): void {
    const appender = this.#appender!;
    for (let i = 0; i < this.#columns; i++) {
      const text = texts[i];
      if (text === undefined || text === null) appender.appendNull();
      else appender.appendVarchar(text);
    }
    appender.endRow();
    if (++this.#rowsSinceFlush >= FLUSH_EVERY_ROWS) {
      appender.flushSync();
      this.#rowsSinceFlush = 0;
    }
  }

  async finish(): Promise<void> {
    this.#appender?.closeSync();
    this.#appender = undefined;
  }

  async drop(): Promise<void> {
    try {
      this.#appender?.closeSync();
    } catch {
      // Closing flushes; after a failure the rows are being thrown away anyway.
    }
    this.#appender = undefined;
    if (this.#created && !this.session.isClosed) await this.session.run(`drop table if exists ${this.qualifiedName}`);
  }
}

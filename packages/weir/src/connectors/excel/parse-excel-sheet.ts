/**
 * Reads one sheet of an .xlsx workbook with exceljs's streaming reader and hands its rows, as text, to a sink,
 * while inferring each column's type from the cells. It never touches DuckDB: where the rows go is the sink's
 * business. The workbook is never loaded whole: a 100k-row sheet read whole takes about 1 GB.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import type ExcelJS from 'exceljs';
import { workbookReader } from './exceljs-parts.js';
import { WeirError, isWeirError } from '../../shared/errors.js';
import { ColumnTypeInference, type InferredType } from './column-type-inference.js';
import { excelCellValue, type CellValue } from './excel-cell-value.js';
import { QueryAbortedError } from '../duckdb/query-aborted.js';

export interface ExcelSource {
  path: string;
  /** Sheet name or 1-based position (default: the first visible sheet). */
  sheet?: string | number;
  /** 1-based row holding the column names (default 1); rows above it are ignored. */
  headerRow?: number;
}

export interface ExcelParseOptions {
  /** Keep rows with no value at all as rows of NULLs (default: skip and count them). */
  keepEmptyRows?: boolean;
  signal?: AbortSignal;
}

/** Where the rows go. Column names come first, and again whenever values right of the last header add columns. */
export interface SheetSink {
  columns(names: readonly string[]): void | Promise<void>;
  /** One row's cells as text (NULL for an empty cell), left to right; shorter than the columns when it ends early. */
  row(texts: ReadonlyArray<string | null>): void | Promise<void>;
  /** Things worth a look that do not stop the load, e.g. renamed headers. */
  warning(message: string): void;
}

export interface SheetSummary {
  /** The name of the sheet that was read. */
  sheet: string;
  names: string[];
  /** DuckDB type per column: all integers BIGINT, numbers DOUBLE, booleans BOOLEAN, dates DATE/TIMESTAMP, else VARCHAR. */
  types: InferredType[];
  rowCount: number;
  skippedEmptyRows: number;
}

const ABORT_CHECK_EVERY_ROWS = 1_000;

interface SheetModel {
  name: string;
  state?: string;
}

// exceljs's typings omit what the streaming reader exposes at run time.
interface StreamingWorkbook extends AsyncIterable<StreamingSheet> {
  model?: { sheets?: SheetModel[] };
  properties?: { model?: { date1904?: boolean } };
}
interface StreamingSheet extends AsyncIterable<ExcelJS.Row> {
  name?: string;
  id?: number;
  /** The sheet's XML as it is unzipped: what exceljs parses rows from. */
  iterator?: AsyncIterable<Buffer | string>;
}

// The end of a sheet's XML, with or without a namespace prefix (`</x:worksheet>`).
const WORKSHEET_END = /<\/(?:[A-Za-z_][\w.-]*:)?worksheet>\s*$/;
const TAIL_CHARS = 64;

/**
 * Makes a sheet whose XML stops before `</worksheet>` an error. exceljs never closes its XML parser, so a sheet cut
 * short inside a well-formed zip (a damaged export, a writer killed mid-file) would otherwise read as fewer rows.
 */
function requireCompleteXml(worksheet: StreamingSheet, path: string, sheet: string): void {
  const source = worksheet.iterator;
  if (!source) return;
  worksheet.iterator = (async function* () {
    let tail = '';
    for await (const chunk of source) {
      // Only the end of each chunk is decoded: exceljs decodes the whole sheet already.
      const end = typeof chunk === 'string' ? chunk.slice(-TAIL_CHARS) : chunk.subarray(Math.max(0, chunk.length - TAIL_CHARS)).toString('utf8');
      tail = (tail + end).slice(-TAIL_CHARS);
      yield chunk;
    }
    if (!WORKSHEET_END.test(tail)) {
      throw new WeirError(`not a readable .xlsx workbook (sheet '${sheet}' ends early: its XML stops before </worksheet>, so rows are missing)`, {
        code: 'EXCEL_UNREADABLE', location: { file: path },
        hint: 'The file was cut short or damaged: export it again from its source (or re-save it in Excel as .xlsx). Nothing was loaded from it.',
      });
    }
  })();
}

// The end of the shared strings part (`</sst>`, maybe prefixed): every text cell of every sheet points into it.
const SHARED_STRINGS_END = /<\/(?:[A-Za-z_][\w.-]*:)?sst>\s*$/;

/** The streaming reader's hook for the shared strings part, which exceljs reads before the sheets. */
interface SharedStringsHook {
  _parseSharedStrings?: (entry: NodeJS.ReadableStream) => AsyncGenerator<unknown>;
}

/**
 * Makes a shared strings part whose XML stops before `</sst>` an error, as requireCompleteXml does for a sheet: cut
 * short, it would leave every text cell that points past its end empty, and the sheet would load "fine".
 * The part is piped through a tail-keeping stream and handed on, so exceljs reads exactly what it would have.
 */
function requireCompleteSharedStrings(reader: StreamingWorkbook, path: string): void {
  const hooked = reader as StreamingWorkbook & SharedStringsHook;
  const original = hooked._parseSharedStrings;
  if (typeof original !== 'function') return;
  hooked._parseSharedStrings = async function* (entry: NodeJS.ReadableStream) {
    let tail = '';
    const tracked = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        tail = (tail + chunk.subarray(Math.max(0, chunk.length - TAIL_CHARS)).toString('utf8')).slice(-TAIL_CHARS);
        done(null, chunk);
      },
    });
    entry.on('error', (error) => tracked.destroy(error as Error));
    entry.pipe(tracked);
    yield* original.call(this, tracked);
    if (!SHARED_STRINGS_END.test(tail)) {
      throw new WeirError('not a readable .xlsx workbook (its shared strings end early: xl/sharedStrings.xml stops before </sst>, so text cells would be missing)', {
        code: 'EXCEL_UNREADABLE', location: { file: path },
        hint: 'The file was cut short or damaged: export it again from its source (or re-save it in Excel as .xlsx). Nothing was loaded from it.',
      });
    }
  };
}

interface SheetOptions extends ExcelParseOptions {
  date1904: boolean;
}

/**
 * @example
 * await parseExcelSheet({ path: 'data/erp.xlsx' }, { columns: …, row: …, warning: … })
 * // { sheet: 'Feuil1', names: ['product_id', 'price', …], types: ['BIGINT', 'DOUBLE', …], rowCount: 825, skippedEmptyRows: 0 }
 */
export async function parseExcelSheet(source: ExcelSource, sink: SheetSink, options: ExcelParseOptions = {}): Promise<SheetSummary> {
  let delivered = false;
  const watched: SheetSink = {
    columns: (names) => { delivered = true; return sink.columns(names); },
    row: (texts) => { delivered = true; return sink.row(texts); },
    warning: (message) => sink.warning(message),
  };
  try {
    return await parseExcelSheetOnce(source, watched, options);
  } catch (error) {
    // exceljs's streaming reader now and then loses a part of the zip it was handed (its stream iteration races the
    // unzip stream) and then trips over itself with a TypeError, on a workbook that reads fine the next time. Read
    // once more, but only when nothing reached the sink yet and the failure is that internal one, never one of ours.
    if (delivered || !isReaderInternalFailure(error)) throw error;
    return parseExcelSheetOnce(source, sink, options);
  }
}

function isReaderInternalFailure(error: unknown): boolean {
  return isWeirError(error) && error.code === 'EXCEL_UNREADABLE' && (error as { cause?: unknown }).cause instanceof TypeError;
}

async function parseExcelSheetOnce(source: ExcelSource, sink: SheetSink, options: ExcelParseOptions): Promise<SheetSummary> {
  const { path } = source;
  const headerRow = source.headerRow ?? 1;
  if (!Number.isInteger(headerRow) || headerRow < 1) {
    throw new WeirError(`headerRow must be a row number from 1, not ${String(source.headerRow)}`, { code: 'EXCEL_BAD_HEADER_ROW', location: { file: path } });
  }
  await checkLooksLikeXlsx(path);

  const input = createReadStream(path);
  // exceljs loses errors from its unzip stream (a corrupted entry leaves its iterators waiting forever,
  // and Node then exits as if all were done), so we listen on the unzip stream ourselves and race it.
  const failure = new Tripwire();
  const pipe = input.pipe.bind(input);
  input.pipe = ((destination: NodeJS.WritableStream, pipeOptions?: { end?: boolean }) => {
    destination.on('error', failure.trip);
    return pipe(destination, pipeOptions);
  }) as typeof input.pipe;
  input.on('error', failure.trip);

  const WorkbookReader = workbookReader();
  const reader = new WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles are needed to tell dates from numbers; hyperlinks are ignored so links read as their text.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as StreamingWorkbook;
  requireCompleteSharedStrings(reader, path);

  try {
    for await (const worksheet of guarded(reader, failure, path)) {
      const sheets = reader.model?.sheets ?? [];
      const wanted = resolveSheetName(source.sheet, sheets);
      const name = worksheet.name ?? `sheet${worksheet.id ?? ''}`;
      if (wanted !== undefined ? name !== wanted : !isFirstSheet(name, sheets)) continue;
      const date1904 = reader.properties?.model?.date1904 ?? false;
      requireCompleteXml(worksheet, path, name);
      return await parseRows(guarded(worksheet, failure, path), { ...source, headerRow }, name, sink, { ...options, date1904 });
    }
    throw unknownSheetError(path, source.sheet, reader.model?.sheets ?? []);
  } finally {
    input.destroy();
  }
}

async function parseRows(
  rows: AsyncIterable<ExcelJS.Row>,
  source: ExcelSource & { headerRow: number },
  sheet: string,
  sink: SheetSink,
  options: SheetOptions,
): Promise<SheetSummary> {
  const { path, headerRow } = source;
  const where = `${path}, sheet '${sheet}'`;
  const warn = (message: string) => sink.warning(`${where}: ${message}`);
  let names: string[] | undefined;
  const inference: ColumnTypeInference[] = [];
  let lastRow = headerRow;
  let rowCount = 0;
  let skippedEmptyRows = 0;
  let sawRowsAboveHeader = false;
  const cells: Array<CellValue | undefined> = [];

  const appendEmptyRows = async (count: number) => {
    if (options.keepEmptyRows) {
      for (let i = 0; i < count; i++) await sink.row([]);
      rowCount += count;
    } else {
      skippedEmptyRows += count;
    }
  };

  for await (const row of rows) {
    if (row.number < headerRow) {
      sawRowsAboveHeader = true;
      continue;
    }
    const values = row.values as unknown[]; // sparse, 1-based: values[1] is column A
    cells.length = 0;
    let width = 0; // 1 + index of the last cell with a value: styled empty cells at the end do not count
    for (let col = 1; col < values.length; col++) {
      const value = values[col];
      // Only formula results need the cell's format (to spot dates); fetching it for every cell costs.
      const cell =
        value !== null && typeof value === 'object' && !(value instanceof Date) && ('formula' in value || 'sharedFormula' in value)
          ? excelCellValue(value, { numFmt: row.getCell(col).numFmt, date1904: options.date1904 })
          : excelCellValue(value);
      cells[col - 1] = cell;
      if (cell) width = col;
    }
    cells.length = width;
    const hasValue = width > 0;

    if (!names) {
      if (!hasValue) continue; // an empty header row: look on for the first row with values, for the hint
      if (row.number !== headerRow) {
        throw new WeirError(`row ${headerRow}, the header row, is empty`, {
          code: 'EXCEL_NO_HEADER_ROW',
          location: { file: path },
          hint: `The first row with values is ${row.number}: put the column names in row ${headerRow} or pass headerRow: ${row.number} to load.excel().`,
        });
      }
      // A header of numbers only is a data row: the real header was deleted or the sheet starts lower down.
      const written = cells.filter((c) => c !== undefined && c !== null);
      // Years are fair column names ('2023'); a fraction such as 24.2 never is.
      const looksLikeData = written.some((c) => c.kind === 'float') || (written.length > 1 && written.every((c) => c.kind === 'int' || c.kind === 'float'));
      if (looksLikeData) {
        throw new WeirError(`row ${headerRow}, the header row, holds numbers (${written.slice(0, 5).map((c) => c.text).join(', ')}): it looks like data, not column names`, {
          code: 'EXCEL_NO_HEADER_ROW',
          location: { file: path, line: headerRow },
          hint: `Restore the header row with the column names, or pass headerRow: N to load.excel() if the names are in another row.`,
        });
      }
      names = columnNames(cells, warn);
      for (let i = 0; i < names.length; i++) inference.push(new ColumnTypeInference());
      await sink.columns(names);
      continue;
    }

    await appendEmptyRows(row.number - lastRow - 1); // rows absent from the file are empty rows too
    lastRow = row.number;
    if (!hasValue) {
      await appendEmptyRows(1);
      continue;
    }
    if (cells.length > names.length) {
      // Values right of the last header: keep them under generated names rather than drop them.
      const added: string[] = [];
      for (let i = names.length; i < cells.length; i++) {
        const generated = uniqueName(`column_${i + 1}`, new Set(names.map((n) => n.toLowerCase())));
        names.push(generated);
        inference.push(new ColumnTypeInference());
        added.push(`${columnLetter(i + 1)} as '${generated}'`);
      }
      await sink.columns(names);
      warn(`row ${row.number} has values right of the last header; added column ${added.join(', ')}`);
    }
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell) inference[i]!.observe(cell.kind);
    }
    await sink.row(cells.map((cell) => cell?.text ?? null));
    rowCount += 1;
    if (rowCount % ABORT_CHECK_EVERY_ROWS === 0 && options.signal?.aborted) throw new QueryAbortedError(options.signal.reason);
  }

  if (!names) {
    throw new WeirError(sawRowsAboveHeader ? `the sheet has no values in row ${headerRow} (the header row) or below` : 'the sheet is empty', {
      code: 'EXCEL_EMPTY_SHEET',
      location: { file: path },
      hint: sawRowsAboveHeader ? 'Check headerRow in load.excel().' : `Check that '${sheet}' is the sheet that holds the data.`,
    });
  }

  return { sheet, names, types: inference.map((column) => column.type), rowCount, skippedEmptyRows };
}

/**
 * Column names from the header cells, trimmed. Empty names become `column_<n>` and repeats get `_2`,
 * `_3`, compared case-insensitively because DuckDB resolves identifiers that way.
 */
function columnNames(cells: ReadonlyArray<CellValue | undefined>, warn: (message: string) => void): string[] {
  const names: string[] = [];
  const taken = new Set<string>();
  const renamed: string[] = [];
  // Written names first, so a generated `column_3` never takes a name the sheet itself uses.
  const written = new Set(cells.map((cell) => cell?.text.trim().toLowerCase()).filter((n): n is string => !!n));
  for (let i = 0; i < cells.length; i++) {
    const written_ = cells[i]?.text.trim() ?? '';
    const base = written_ === '' ? `column_${i + 1}` : written_;
    const name = uniqueName(base, taken, written_ === '' ? written : undefined);
    taken.add(name.toLowerCase());
    names.push(name);
    if (written_ === '') renamed.push(`${columnLetter(i + 1)} has no header, named '${name}'`);
    else if (name !== written_) renamed.push(`${columnLetter(i + 1)} repeats the header '${written_}', named '${name}'`);
  }
  if (renamed.length > 0) warn(`column ${renamed.join('; column ')}`);
  return names;
}

function uniqueName(base: string, taken: ReadonlySet<string>, alsoAvoid?: ReadonlySet<string>): string {
  const free = (name: string) => !taken.has(name.toLowerCase()) && !alsoAvoid?.has(name.toLowerCase());
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}_${n}`)) return `${base}_${n}`;
}

/** 1 -> A, 27 -> AA: how Excel users name columns. */
function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function resolveSheetName(wanted: string | number | undefined, sheets: readonly SheetModel[]): string | undefined {
  if (wanted === undefined) return undefined;
  if (typeof wanted === 'number') return sheets[wanted - 1]?.name ?? `#${wanted}`;
  if (sheets.some((s) => s.name === wanted)) return wanted;
  // 'feuil1 ' for 'Feuil1': accept when exactly one sheet matches loosely.
  const loose = sheets.filter((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  return loose.length === 1 ? loose[0]!.name : wanted;
}

function isFirstSheet(name: string, sheets: readonly SheetModel[]): boolean {
  if (sheets.length === 0) return true; // workbook part not seen yet: the first sheet streamed is all we know
  const first = sheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden') ?? sheets[0]!;
  return first.name === name;
}

function unknownSheetError(path: string, wanted: string | number | undefined, sheets: readonly SheetModel[]): WeirError {
  if (sheets.length === 0) return unreadableError(path, new Error('it contains no worksheets'));
  const known = sheets.map((s) => `'${s.name}'`).join(', ');
  const what = typeof wanted === 'number' ? `has no sheet number ${wanted} (it has ${sheets.length})` : `has no sheet named '${String(wanted)}'`;
  return new WeirError(`the workbook ${what}`, {
    code: 'EXCEL_UNKNOWN_SHEET',
    location: { file: path },
    hint: `Sheets in this workbook: ${known}.`,
  });
}

/**
 * Rejects the promise currently being waited on when tripped. Not `Promise.race(x, failure)` per row:
 * every race leaves a reaction on the never-settling `failure` that keeps that row alive, which for a
 * 100k-row sheet held every row in memory.
 */
class Tripwire {
  #error: { value: unknown } | undefined;
  #rejectWaiting: ((error: unknown) => void) | undefined;

  readonly trip = (error: unknown): void => {
    this.#error ??= { value: error };
    this.#rejectWaiting?.(error);
  };

  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.#error) return Promise.reject(this.#error.value);
    return new Promise<T>((resolve, reject) => {
      this.#rejectWaiting = reject;
      promise.then(resolve, reject);
    });
  }
}

/**
 * Iterates exceljs's `source` but rejects as soon as `failure` trips, even if `source` is stuck; any
 * error from the reader means the file is not a readable workbook.
 */
async function* guarded<T>(source: AsyncIterable<T>, failure: Tripwire, path: string): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    while (true) {
      let next: IteratorResult<T>;
      try {
        next = await failure.guard(iterator.next());
      } catch (error) {
        throw isWeirError(error) ? error : unreadableError(path, error);
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Not awaited: after a failure the source may never settle.
    if (!done) void iterator.return?.()?.catch(() => {});
  }
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

// The cheap checks up front give a precise reason for the common mistakes (a CSV or .xls renamed
// .xlsx, an empty download) before exceljs starts.
async function checkLooksLikeXlsx(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WeirError(code === 'ENOENT' ? 'the Excel file does not exist' : `the Excel file cannot be read (${code ?? String(error)})`, {
      code: code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      location: { file: path },
      hint: 'Check the path (relative paths start at the project folder) and that the file was exported.',
      cause: error,
    });
  }
  if (size === 0) throw unreadableError(path, new Error('the file is empty'));
  const handle = await open(path, 'r');
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, 64, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, 4).equals(ZIP_SIGNATURE)) return checkZipEnd(path, size);
  if (head.subarray(0, 4).equals(OLE2_SIGNATURE)) {
    throw unreadableError(path, new Error('it is an old .xls workbook or a password-protected one'));
  }
  const text = head.subarray(0, Math.min(size, 64)).toString('utf8');
  const printable = /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text.replace(/\ufffd$/, ''));
  throw unreadableError(path, new Error(printable ? `it is a text file starting with ${JSON.stringify(text.slice(0, 24))}` : 'it is not a zip archive'));
}

const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
// The end record is 22 bytes plus a comment of at most 65,535.
const MAX_END_RECORD_BYTES = 22 + 0xffff;

/**
 * A zip ends with its central directory. The streaming reader never reads it, so a file cut after its last sheet
 * (or anywhere in the parts after it) would load as if whole: without that end record the file is truncated.
 */
async function checkZipEnd(path: string, size: number): Promise<void> {
  const length = Math.min(size, MAX_END_RECORD_BYTES);
  const tail = Buffer.alloc(length);
  const handle = await open(path, 'r');
  try {
    await handle.read(tail, 0, length, size - length);
  } finally {
    await handle.close();
  }
  const at = tail.lastIndexOf(END_OF_CENTRAL_DIRECTORY);
  const directoryEnd = at >= 0 && at + 22 <= length ? tail.readUInt32LE(at + 16) + tail.readUInt32LE(at + 12) : undefined;
  if (directoryEnd === undefined || directoryEnd > size) {
    throw unreadableError(path, new Error('the file ends early: its zip central directory is missing, so it is truncated'));
  }
}

function unreadableError(path: string, error: unknown): WeirError {
  const message = error instanceof Error ? error.message : String(error);
  let reason = message;
  if (message === 'FILE_ENDED') reason = 'the file ends early: it is truncated';
  else if (/invalid signature/i.test(message)) reason = 'its zip structure is damaged';
  else if (/invalid (stored block|distance|code|block type|literal)|incorrect header check|unexpected end of file/i.test(message)) {
    reason = `its compressed data is corrupted: ${message}`;
  }
  return new WeirError(`not a readable .xlsx workbook (${reason})`, {
    code: 'EXCEL_UNREADABLE',
    location: { file: path },
    hint: 'Re-export it from Excel as .xlsx (File > Save As > Excel Workbook).',
    cause: error,
  });
}

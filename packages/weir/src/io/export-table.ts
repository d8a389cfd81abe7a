/** Writes a DuckDB relation to a file: parquet, csv or json through DuckDB's COPY, xlsx through exceljs. */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileFormat } from '../definitions/io.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { quoteLiteral } from '../connectors/duckdb/quote-identifier.js';

export interface ExportOptions {
  format: FileFormat;
  path: string;
  /** xlsx: the sheet name (default `Sheet1`). */
  sheet?: string;
  /** The path the file is published to, when `path` is a staged file: its extension decides JSON's layout. */
  finalPath?: string;
  signal?: AbortSignal;
}

/**
 * Writes `relation` (a quoted table name) to `path`, creating its folder, and returns the bytes
 * written. JSON is one array for `.json` and one object per line for `.ndjson`/`.jsonl`.
 *
 * @example
 * await exportTable(session, '"main"."revenue"', { format: 'parquet', path: 'out/revenue.parquet' }) // 1843
 * // runs: copy (select * from "main"."revenue") to 'out/revenue.parquet' (format parquet)
 */
export async function exportTable(session: DuckDbSession, relation: string, options: ExportOptions): Promise<number> {
  const { format, path, signal } = options;
  await mkdir(dirname(path), { recursive: true });
  if (format === 'xlsx') {
    // Loaded on demand, like the reader: exceljs is heavy.
    const { writeExcelFromQuery } = await import('../connectors/excel/write-excel-from-query.js');
    await writeExcelFromQuery(session, `select * from ${relation}`, path, { sheet: options.sheet, signal });
  } else {
    await session.run(`copy (select * from ${relation}) to ${quoteLiteral(path)} (${copyOptions(format, options.finalPath ?? path)})`, [], { signal });
  }
  return (await stat(path)).size;
}

function copyOptions(format: Exclude<FileFormat, 'xlsx'>, path: string): string {
  switch (format) {
    case 'parquet':
      return 'format parquet';
    case 'csv':
      return 'format csv, header true';
    case 'json':
      // A .json file should parse as one JSON document; NDJSON suits line-oriented tools.
      return /\.(ndjson|jsonl)$/i.test(path) ? 'format json' : 'format json, array true';
  }
}

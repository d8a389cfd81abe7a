/**
 * exceljs's streaming reader and writer, each loaded on its own. The package's entry loads all of exceljs (~265 ms
 * here); the reader alone takes ~160 ms and the writer ~50 ms more, so a run that only reads workbooks, or only
 * writes one, starts that much sooner. (exceljs 4 has no `exports` map; these paths are its public file layout.)
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

const load = createRequire(import.meta.url);

export function workbookReader(): typeof ExcelJS.stream.xlsx.WorkbookReader {
  return load('exceljs/lib/stream/xlsx/workbook-reader.js') as typeof ExcelJS.stream.xlsx.WorkbookReader;
}

export function workbookWriter(): typeof ExcelJS.stream.xlsx.WorkbookWriter {
  return load('exceljs/lib/stream/xlsx/workbook-writer.js') as typeof ExcelJS.stream.xlsx.WorkbookWriter;
}

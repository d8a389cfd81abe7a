/** The Excel connector: streams .xlsx sheets into DuckDB tables and query results out to .xlsx files. */
export { readExcelIntoTable, type ExcelLoadResult, type ExcelReadOptions, type ExcelSource, type TableTarget } from './read-excel-into-table.js';
export { parseExcelSheet, type SheetSink, type SheetSummary } from './parse-excel-sheet.js';
export { writeExcelFromQuery, type ExcelWriteOptions, type ExcelWriteResult } from './write-excel-from-query.js';
export { excelCellValue, isDateFormat, type CellKind, type CellValue } from './excel-cell-value.js';
export { ColumnTypeInference, type InferredType } from './column-type-inference.js';

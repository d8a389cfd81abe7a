/** The IO layer: loading sources into tables, exporting tables to files, and write-audit-publish. */
export { loadIntoTable, type LoadOptions, type LoadResult } from './load-into-table.js';
export { exportTable, type ExportOptions } from './export-table.js';
export { dropTable, publishTable, type PublishTableSpec } from './publish-table.js';
export { publishFile } from './publish-file.js';
export * from '../shared/reserved-names.js';
export { describeRelation } from './describe-relation.js';
export type { ColumnDescription, RelationDescription } from '../connectors/duckdb/duckdb-session.js';
export type { TableTarget } from '../connectors/excel/read-excel-into-table.js';

/** The DuckDB connector: the warehouse, its sessions and SQL quoting. */
export { DuckDbWarehouse } from './duckdb-warehouse.js';
export { readCatalogSnapshot, writeCatalogSnapshot } from './catalog-snapshot.js';
export { DuckDbSession, QueryAbortedError, type ColumnDescription, type QueryOptions, type RelationDescription, type RowBatch } from './duckdb-session.js';
export { jsonValueConverter, toDuckDbParam, type JsonValue } from './json-value-converter.js';
export { qualified, quoteIdent, quoteLiteral } from './quote-identifier.js';

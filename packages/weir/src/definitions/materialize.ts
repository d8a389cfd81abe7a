/**
 * How an asset's computed SQL becomes its published relation. TypeScript assets use the default ('table',
 * write-audit-publish); SQL models (dbt) pick one per model. Data only: `engine/` carries each strategy out.
 */

/** When an asset's checks run relative to publishing it. */
export type AuditMode =
  /** Checks run on the staged relation; only passing data is published (Weir's default). */
  | 'staged'
  /** Publish first, then run the checks on the published relation (dbt's `build` behaviour). */
  | 'publish_then_test';

export interface IncrementalOptions {
  uniqueKey?: string[];
  /** Default: 'delete+insert' with a unique key, else 'append' (as dbt-duckdb). */
  strategy?: 'append' | 'delete+insert' | 'merge';
  onSchemaChange?: 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
}

/** A type-2 history of a query's rows (dbt snapshots): each change closes the current version and adds a new one. */
export interface SnapshotOptions {
  /** Columns that identify a row (one or several). */
  uniqueKey: string[];
  /** 'timestamp': a row changed when `updatedAt` is newer; 'check': when any of `checkCols` differs. */
  strategy: 'timestamp' | 'check';
  /** SQL expression of when the row was last updated (strategy 'timestamp'). */
  updatedAt?: string;
  /** Columns compared (strategy 'check'): 'all' or a list. */
  checkCols?: 'all' | string[];
  /** A row gone from the query: kept open ('ignore'), closed ('invalidate'), or closed with a deleted version ('new_record'). */
  hardDeletes: 'ignore' | 'invalidate' | 'new_record';
  /** SQL expression written in dbt_valid_to of current rows instead of null (dbt's `dbt_valid_to_current`). */
  validToCurrent?: string;
}

/**
 * @example
 * { kind: 'view' }                                                       // staged as a view, then create or replace
 * { kind: 'incremental', incremental: { uniqueKey: ['id'], strategy: 'merge' } }
 * { kind: 'ephemeral' }                                                  // no relation: inlined by its readers
 */
export interface MaterializeSpec {
  kind: 'table' | 'view' | 'incremental' | 'ephemeral' | 'snapshot';
  incremental?: IncrementalOptions;
  snapshot?: SnapshotOptions;
  audit?: AuditMode;
  /** The database (DuckDB catalog) the relation lives in, when it is not the warehouse's default one. */
  database?: string;
}

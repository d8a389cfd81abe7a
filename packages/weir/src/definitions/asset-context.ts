/** What an asset function receives besides its inputs: the run, a logger, the warehouse and settings. */
import type { PartitionContext } from './partitions.js';

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Runs SQL on the warehouse. Rows come back as plain objects; BIGINT becomes a number when exact. */
export interface QueryRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
}

export interface AssetContext extends QueryRunner {
  runId: string;
  project: string;
  assetKey: string;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
  log: Logger;
  /**
   * Quoted staging relation to write into when the function builds its table itself
   * (`create table ${ctx.target} as …`). Returning SQL or rows instead makes Weir write it.
   */
  target: string;
  /** For `io: { format: 'raw' }` file assets: the temporary path to write; renamed into place after checks pass. */
  outputPath?: string;
  /** The project's settings, after environment-variable overrides. */
  settings: Readonly<Record<string, string | number | boolean>>;
  resources: Readonly<Record<string, unknown>>;
  /** Aborted on cancel or timeout; long work should pass it on or check it. */
  signal: AbortSignal;
  /** For a partitioned asset: the partition this run materializes (key, window, dimensions); undefined otherwise. */
  partition?: PartitionContext;
}

/** A source Weir streams into the asset's table: see `load.excel()` and friends. */
export interface Loadable {
  load: 'excel' | 'csv' | 'parquet' | 'json';
  path: string;
  /** excel: sheet name or 1-based index (default: the first sheet). */
  sheet?: string | number;
  /** excel: 1-based header row (default 1). */
  headerRow?: number;
  /** csv: options passed to DuckDB's read_csv, e.g. { delim: ';' }. */
  options?: Record<string, string | number | boolean>;
}

export interface AssetResultObject {
  sql?: string;
  rows?: Array<Record<string, unknown>>;
  load?: Loadable;
  metadata?: Record<string, unknown>;
  /** SQL models: statements run before building (pre-hooks) and after publishing (post-hooks). */
  preHooks?: string[];
  postHooks?: string[];
  /** Incremental models: true when the published table exists and this run merges into it (not a full refresh). */
  incremental?: boolean;
}

/**
 * What an asset function may return:
 * - a SQL query string: Weir creates the table from it;
 * - a `Loadable` (`load.excel(path)`): Weir streams the file into the table;
 * - an array of row objects;
 * - `{ sql | rows | load, metadata }`; or
 * - nothing (or `{ metadata }`) when the function wrote `ctx.target` / `ctx.outputPath` itself.
 */
export type AssetResult = string | Loadable | Array<Record<string, unknown>> | AssetResultObject | void | undefined;

/** Constructors for `Loadable` sources. */
export const load = {
  /** @example load.excel(erpPath, { sheet: 'Feuil1' }) */
  excel: (path: string, options: { sheet?: string | number; headerRow?: number } = {}): Loadable => ({ load: 'excel', path, ...options }),
  csv: (path: string, options?: Record<string, string | number | boolean>): Loadable => ({ load: 'csv', path, options }),
  parquet: (path: string): Loadable => ({ load: 'parquet', path }),
  json: (path: string): Loadable => ({ load: 'json', path }),
};

export function isLoadable(value: unknown): value is Loadable {
  return !!value && typeof value === 'object' && typeof (value as Loadable).load === 'string' && typeof (value as Loadable).path === 'string';
}

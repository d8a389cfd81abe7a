/** One connection to the DuckDB warehouse: queries with JSON-safe rows, cancellation, bulk appends. */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { QueryRunner } from '../../definitions/asset-context.js';
import { WeirError } from '../../shared/errors.js';
import { QueryAbortedError } from './query-aborted.js';
import { jsonValueConverter, toDuckDbParam, type JsonValue } from './json-value-converter.js';

export { QueryAbortedError };

const INTERRUPT_REPEAT_MS = 20;

/*
 * DuckDB fails a second connection that creates the same new schema at the same moment ("Catalog write-write
 * conflict on create"): parallel dbt seeds or models with `+schema: raw` hit it at random. Statements that create a
 * schema are therefore run one at a time per DuckDB instance; once the schema exists, `create schema if not exists`
 * writes nothing and the next one returns at once. Keyed by the instance: several warehouses may share one.
 */
const schemaCreation = new WeakMap<object, Promise<unknown>>();
const CREATES_SCHEMA = /^\s*create\s+(or\s+replace\s+)?schema\b/i;

function oneAtATime<T>(key: object, work: () => Promise<T>): Promise<T> {
  const previous = schemaCreation.get(key) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(work);
  schemaCreation.set(key, next.catch(() => {}));
  return next;
}

export interface QueryOptions {
  /** Aborting interrupts the running DuckDB query; the call then rejects with an `AbortError`. */
  signal?: AbortSignal;
}

export interface ColumnDescription {
  name: string;
  /** DuckDB's spelling of the type, e.g. `BIGINT`, `DECIMAL(10,2)`, `VARCHAR[]`. */
  type: string;
}

export interface RelationDescription {
  rowCount: number;
  columns: ColumnDescription[];
}

/** A batch of rows from `DuckDbSession.stream()`, values JSON-safe as in `query()`. */
export interface RowBatch {
  columns: ColumnDescription[];
  rows: JsonValue[][];
}

/**
 * A session on the warehouse: one DuckDB connection. Sessions of one warehouse run queries in
 * parallel; a single session runs one query at a time (DuckDB queues them per connection).
 *
 * @example
 * const session = await warehouse.connect();
 * await session.query('select 42::bigint as answer, date \'2024-01-02\' as day');
 * // [{ answer: 42, day: '2024-01-02' }]
 */
export class DuckDbSession implements QueryRunner {
  #connection: DuckDBConnection;
  #closed = false;
  readonly #onClose: (session: DuckDbSession) => void;
  readonly #instanceKey: object;

  /**
   * Use `DuckDbWarehouse.connect()`; the warehouse closes its sessions when it closes. `instanceKey` identifies the
   * DuckDB instance the connection belongs to (sessions of one instance create schemas one at a time).
   */
  constructor(connection: DuckDBConnection, onClose: (session: DuckDbSession) => void = () => {}, instanceKey: object = connection) {
    this.#connection = connection;
    this.#onClose = onClose;
    this.#instanceKey = instanceKey;
  }

  /**
   * Runs a query and returns its rows as plain objects with JSON-safe values: BIGINT/HUGEINT as
   * numbers when exact (else strings), DECIMAL as numbers, DATE as 'YYYY-MM-DD', TIMESTAMP as ISO
   * text, LIST/STRUCT as arrays/objects. Parameters bind to `?` or `$1`.
   *
   * @example
   * await session.query<{ n: number }>('select count(*) as n from range(?)', [10]) // [{ n: 10 }]
   */
  async query<T = Record<string, unknown>>(sql: string, params?: unknown[], options: QueryOptions = {}): Promise<T[]> {
    const connection = this.#open();
    const work = () => this.#cancellable(options.signal, async () => {
      const reader = await connection.runAndReadAll(sql, params?.map(toDuckDbParam));
      return reader.convertRowObjects(jsonValueConverter) as T[];
    });
    return CREATES_SCHEMA.test(sql) ? oneAtATime(this.#instanceKey, work) : work();
  }

  /**
   * Runs a statement (or several, separated by `;`) and discards any result.
   *
   * @example
   * await session.run('create table t as select * from range(?) r(i)', [3])
   */
  async run(sql: string, params?: unknown[], options: QueryOptions = {}): Promise<void> {
    const connection = this.#open();
    const work = () => this.#cancellable(options.signal, async () => {
      await connection.run(sql, params?.map(toDuckDbParam));
    });
    await (CREATES_SCHEMA.test(sql) ? oneAtATime(this.#instanceKey, work) : work());
  }

  /**
   * Streams a query's result in batches (DuckDB's chunks of up to 2,048 rows), so a large export
   * never holds the whole result in memory.
   *
   * @example
   * for await (const { columns, rows } of session.stream('select * from big')) write(columns, rows);
   */
  async *stream(sql: string, params?: unknown[], options: QueryOptions = {}): AsyncGenerator<RowBatch> {
    const connection = this.#open();
    const { signal } = options;
    if (signal?.aborted) throw new QueryAbortedError(signal.reason);
    const stopInterrupting = this.#interruptOnAbort(signal);
    try {
      const result = await connection.stream(sql, params?.map(toDuckDbParam));
      const names = result.columnNames();
      const columns = result.columnTypes().map((type, i) => ({ name: names[i]!, type: type.toString() }));
      for await (const rows of result.yieldConvertedRows(jsonValueConverter)) {
        if (rows.length > 0) yield { columns, rows };
      }
    } catch (error) {
      if (signal?.aborted) throw new QueryAbortedError(signal.reason);
      throw error;
    } finally {
      stopInterrupting();
    }
  }

  /**
   * Runs `work` inside one transaction: committed when it resolves, rolled back when it throws.
   *
   * @example
   * await session.transaction(async () => { await session.run('drop table a'); await session.run('alter table b rename to a'); });
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('begin transaction');
    try {
      const result = await work();
      await this.run('commit');
      return result;
    } catch (error) {
      // The transaction may already be aborted by DuckDB after the failure; rollback then just ends it.
      await this.run('rollback').catch(() => {});
      throw error;
    }
  }

  /**
   * An appender for bulk loads into an existing table: far faster than INSERTs. Close it to flush.
   *
   * @example
   * const appender = await session.appender('main', 'raw');
   * appender.appendVarchar('a'); appender.appendNull(); appender.endRow();
   * appender.closeSync();
   */
  async appender(schema: string, table: string, catalog?: string): Promise<DuckDBAppender> {
    return this.#open().createAppender(table, schema, catalog ?? null);
  }

  /**
   * Row count and columns of a table, view or any relation SQL can select from, in one statement (this runs once per
   * step). Pass `rowCount` when it is known already (DuckDB returns it from CREATE TABLE AS): the columns alone.
   *
   * @example
   * await session.describe('"main"."revenue"')
   * // { rowCount: 12, columns: [{ name: 'month', type: 'DATE' }, { name: 'total', type: 'DOUBLE' }] }
   */
  async describe(relation: string, options: QueryOptions & { rowCount?: number } = {}): Promise<RelationDescription> {
    const { rowCount, ...queryOptions } = options;
    const count = rowCount === undefined ? `(select count(*) from ${relation})` : 'null';
    const rows = await this.query<{ column_name: string; column_type: string; n: number | null }>(
      `select column_name, column_type, ${count} as n from (describe select * from ${relation})`, [], queryOptions,
    );
    return { rowCount: rowCount ?? Number(rows[0]?.n ?? 0), columns: rows.map((r) => ({ name: r.column_name, type: r.column_type })) };
  }

  /**
   * Whether a table or view exists (names compare case-insensitively, as DuckDB resolves them).
   *
   * @example
   * await session.relationExists('main', 'revenue') // 'table' | 'view' | undefined
   */
  async relationExists(schema: string, name: string): Promise<'table' | 'view' | undefined> {
    const rows = await this.query<{ kind: 'table' | 'view' }>(
      `select 'table' as kind from duckdb_tables() where lower(schema_name) = lower(?) and lower(table_name) = lower(?) and not temporary
       union all
       select 'view' from duckdb_views() where lower(schema_name) = lower(?) and lower(view_name) = lower(?) and not temporary`,
      [schema, name, schema, name],
    );
    return rows[0]?.kind;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.closeSync();
    this.#onClose(this);
  }

  #open(): DuckDBConnection {
    if (this.#closed) throw new Error('This DuckDB session is closed.');
    return this.#connection;
  }

  // interrupt() makes DuckDB stop at its next check (a few ms), so the awaited promise settles promptly
  // and the connection is free again when we reject; rejecting before it settles would leave it busy.
  async #cancellable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new QueryAbortedError(signal.reason);
    const stopInterrupting = this.#interruptOnAbort(signal);
    try {
      return await work();
    } catch (error) {
      if (signal?.aborted) throw new QueryAbortedError(signal.reason);
      throw missingExtensionError(error) ?? error;
    } finally {
      stopInterrupting();
    }
  }

  /**
   * Interrupts this connection's query when `signal` aborts, and again every few milliseconds until the returned
   * function is called: an interrupt that lands before DuckDB has started the query (still queued on libuv's thread
   * pool) is lost, since DuckDB clears the flag when a query begins, and the query would then run to its end.
   */
  #interruptOnAbort(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => {};
    let repeat: NodeJS.Timeout | undefined;
    const onAbort = () => {
      this.#connection.interrupt();
      repeat = setInterval(() => this.#connection.interrupt(), INTERRUPT_REPEAT_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return () => {
      clearInterval(repeat);
      signal.removeEventListener('abort', onAbort);
    };
  }
}

// Weir runs DuckDB offline with autoloading off; DuckDB's own message then suggests `INSTALL x`, which
// cannot work here. Say what can.
function missingExtensionError(error: unknown): WeirError | undefined {
  const message = error instanceof Error ? error.message : '';
  const extension = /exists in the (\w+) extension/.exec(message)?.[1];
  if (!extension) return undefined;
  const what = /with name "?([\w.]+)"?/.exec(message)?.[1];
  return new WeirError(`${what ? `'${what}' needs` : 'this query needs'} DuckDB's ${extension} extension, which Weir does not load`, {
    code: 'DUCKDB_EXTENSION_UNAVAILABLE',
    hint:
      extension === 'excel'
        ? 'Read workbooks with load.excel(path) instead; Weir streams them itself.'
        : 'Only the built-in extensions (parquet, json, icu) are available; read the source in TypeScript and return rows, or use load.csv/parquet/json.',
    cause: error,
  });
}

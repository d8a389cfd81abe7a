/** The DuckDB warehouse file: opened once per process, handing out sessions that query in parallel. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { WeirError } from '../../shared/errors.js';
import type { DuckDbSession } from './duckdb-session.js';
import { duckDbApi } from './node-api.js';

const IN_MEMORY = ':memory:';

// Off: DuckDB would otherwise try to download an extension from extensions.duckdb.org on first use,
// which fails slowly or oddly offline. With these off, `read_xlsx` fails at once, naming the extension.
const INSTANCE_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};
// With checkpointOnClose: false (see WarehouseOptions), changes stay in the WAL across processes until it reaches
// this size; DuckDB's default (16 MB) otherwise.
const WAL_KEPT_THRESHOLD = '4MB';

// DuckDB's file lock is per process (fcntl), so a second DuckDBInstance on the same file in the SAME
// process opens without error and the two would corrupt each other's writes. Instances are therefore
// shared per resolved path and closed when the last warehouse holding them closes.
const openInstances = new Map<string, { instance: DuckDBInstance; holders: number }>();

/**
 * The DuckDB database holding every asset table. A file admits one process: a second process gets a
 * WeirError naming the pid that holds it.
 *
 * @example
 * const warehouse = await DuckDbWarehouse.open('.weir/warehouse.duckdb');
 * const [a, b] = await Promise.all([warehouse.connect(), warehouse.connect()]);
 * await Promise.all([a.run('create table x as select 1'), b.run('create table y as select 2')]);
 * warehouse.close();
 */
export class DuckDbWarehouse {
  readonly path: string;
  readonly #instance: DuckDBInstance;
  readonly #sessions = new Set<DuckDbSession>();
  #closed = false;

  private constructor(path: string, instance: DuckDBInstance) {
    this.path = path;
    this.#instance = instance;
  }

  /**
   * Opens (creating it and its folder if needed) the warehouse file, or an in-memory one for ':memory:'.
   *
   * @example
   * await DuckDbWarehouse.open(':memory:')
   * await DuckDbWarehouse.open('/srv/weir/warehouse.duckdb')
   * await DuckDbWarehouse.open('/p/.weir/warehouse.duckdb', { checkpointOnClose: false })
   */
  static async open(path: string, options: WarehouseOptions = {}): Promise<DuckDbWarehouse> {
    if (path === IN_MEMORY) return new DuckDbWarehouse(path, await createInstance(path, options));
    const absolute = resolve(path);
    const shared = openInstances.get(absolute);
    if (shared) {
      shared.holders += 1;
      return new DuckDbWarehouse(absolute, shared.instance);
    }
    await mkdir(dirname(absolute), { recursive: true });
    const instance = await createInstance(absolute, options);
    openInstances.set(absolute, { instance, holders: 1 });
    return new DuckDbWarehouse(absolute, instance);
  }

  /**
   * A new session (DuckDB connection). Each step of a run takes its own so independent steps run in
   * parallel. Note that node-api runs queries on libuv's thread pool (4 threads unless
   * UV_THREADPOOL_SIZE says otherwise), which bounds how many queries truly run at once.
   */
  async connect(): Promise<DuckDbSession> {
    if (this.#closed) throw new Error(`The warehouse ${this.path} is closed.`);
    const connection = await this.#instance.connect();
    // Loaded here, not at the top: the session module pulls in DuckDB's native module, which commands that only
    // read metadata never load.
    const { DuckDbSession } = await import('./duckdb-session.js');
    const session = new DuckDbSession(connection, (s) => this.#sessions.delete(s), this.#instance);
    this.#sessions.add(session);
    return session;
  }

  /** Whether `schema.table` exists as a table, on a connection of its own. */
  async hasTable(schema: string, table: string): Promise<boolean> {
    const session = await this.connect();
    try {
      return (await session.relationExists(schema, table)) === 'table';
    } finally {
      session.close();
    }
  }

  /** Every table in the warehouse as `schema.table`, e.g. to remember the catalog at close (catalog-snapshot.ts). */
  async listTables(): Promise<string[]> {
    const session = await this.connect();
    try {
      const rows = await session.query<{ name: string }>(`select schema_name || '.' || table_name as name from duckdb_tables() where not temporary`);
      return rows.map((r) => r.name);
    } finally {
      session.close();
    }
  }

  /** Closes every session still open, then the database (when no other holder in this process uses it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#sessions]) session.close();
    if (this.path === IN_MEMORY) {
      this.#instance.closeSync();
      return;
    }
    const shared = openInstances.get(this.path);
    if (shared && shared.instance === this.#instance) {
      shared.holders -= 1;
      if (shared.holders > 0) return;
      openInstances.delete(this.path);
    }
    this.#instance.closeSync();
  }
}

export interface WarehouseOptions {
  /**
   * Fold the WAL into the file when closing (DuckDB's default; true unless said otherwise). Skipping it saves
   * 100-160 ms at the end of every command against ~15 ms to replay a 1 MB WAL at the next open, and loses nothing
   * (each commit is synced to the WAL; DuckDB checkpoints by itself past checkpoint_threshold). The file alone is
   * then not the whole database: whoever copies it must copy its .wal too (or run CHECKPOINT first).
   */
  checkpointOnClose?: boolean;
}

async function createInstance(path: string, options: WarehouseOptions): Promise<DuckDBInstance> {
  try {
    const { DuckDBInstance } = duckDbApi();
    const keepWal = path !== IN_MEMORY && options.checkpointOnClose === false;
    const instance = await DuckDBInstance.create(path, keepWal ? { ...INSTANCE_OPTIONS, checkpoint_threshold: WAL_KEPT_THRESHOLD } : INSTANCE_OPTIONS);
    if (keepWal) {
      const connection = await instance.connect();
      try {
        await connection.run('PRAGMA disable_checkpoint_on_shutdown');
      } finally {
        connection.closeSync();
      }
    }
    return instance;
  } catch (error) {
    throw openError(path, error);
  }
}

function openError(path: string, error: unknown): WeirError {
  const message = error instanceof Error ? error.message : String(error);
  if (/could not set lock|conflicting lock/i.test(message)) {
    // e.g. 'Conflicting lock is held in /usr/bin/node (PID 7383)'
    const pid = /\(PID (\d+)\)/i.exec(message)?.[1];
    const holder = pid ? `another Weir process (pid ${pid})` : 'another process';
    return new WeirError(`${holder} has the warehouse open; a DuckDB file admits one process at a time`, {
      code: 'WAREHOUSE_LOCKED',
      location: { file: path },
      hint: `Stop it${pid ? ` (kill ${pid})` : ''} or run the command through it (e.g. against the running \`weir dev\` server).`,
      cause: error,
    });
  }
  return new WeirError(`the DuckDB warehouse could not be opened: ${message}`, {
    code: 'WAREHOUSE_OPEN_FAILED',
    location: { file: path },
    hint: 'Check that the path is a DuckDB database file written by DuckDB 1.5 or older, and that the folder is writable.',
    cause: error,
  });
}

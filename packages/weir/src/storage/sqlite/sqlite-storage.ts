/** The embedded metadata store: one SQLite file (or ':memory:'), through libsql and the shared SQL code. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely } from 'kysely';
import Database from 'libsql';
import { WeirError, isWeirError } from '../../shared/errors.js';
import type { SqlFlavor } from '../sql/sql-flavor.js';
import { SqlStorage } from '../sql/sql-storage.js';
import type { WeirDb } from '../sql/weir-db.js';
import { withCachedStatements } from './cached-statements.js';
import { sqliteAppendNow, type AppendNow } from './sqlite-append-now.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';

/** How long a writer waits for another process's write lock before failing with "database is locked". */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** SQLite's differences from the shared SQL: `integer primary key autoincrement` ids (rowid aliases). */
export const sqliteFlavor: SqlFlavor = {
  name: 'sqlite',
  eventIdType: 'integer',
  eventIdColumnType: 'integer',
  // AUTOINCREMENT: ids are never reused, even after the newest events are deleted, so a live view resuming
  // "after id X" can never miss an event that reused an old id.
  isAutoIncrement: true,
  consecutiveInsertIds: true,
};

/**
 * Storage in one SQLite file: what `weir dev` and tests use. Open it with openSqliteStorage.
 *
 * @example
 * const storage = await openSqliteStorage('.weir/metadata.sqlite');
 * await storage.runs.countRuns() // 0 on a new file
 * await storage.close();
 */
export class SqliteStorage extends SqlStorage {
  /** The file as given (or ':memory:'). */
  readonly path: string;

  /** `appendNow`: the synchronous append of the same database (sqliteAppendNow), if it has one. */
  constructor(db: Kysely<WeirDb>, path: string, appendNow?: AppendNow) {
    super(db, sqliteFlavor, path, { appendNow });
    this.path = path;
  }
}

/**
 * Opens (creating it and its parent folders if needed) the SQLite metadata database at `path` and migrates it to
 * the latest schema. `':memory:'` gives a private database that lives until close().
 * Throws a WeirError naming the file if it is not a SQLite database, is corrupt, or was written by a newer Weir.
 *
 * @example
 * await openSqliteStorage('/tmp/x/metadata.sqlite') // creates /tmp/x/ and the file
 * await openSqliteStorage('notes.txt')
 * // WeirError: notes.txt: Weir's metadata file (run history) is damaged or is not a SQLite database (file is not a database). … mv 'notes.txt' 'notes.txt.broken'
 */
export async function openSqliteStorage(path: string): Promise<SqliteStorage> {
  const isMemory = path === ':memory:';
  let database: Database.Database;
  try {
    if (!isMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    database = new Database(path);
  } catch (error) {
    throw cannotOpen(path, error);
  }
  let storage: SqliteStorage | undefined;
  try {
    // The first statement reads the file header, so a file that is not SQLite fails here, before any write.
    // WAL: readers never block the writer. synchronous=NORMAL: in WAL mode a commit no longer waits for fsync;
    // a power cut may lose the last commits but never corrupts the file, and an append drops from ~ms to ~µs.
    if (!isMemory) database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    storage = new SqliteStorage(new Kysely<WeirDb>({ dialect: new SqliteImmediateDialect({ database: withCachedStatements(database) }) }), path, sqliteAppendNow(database));
    await storage.migrate();
    return storage;
  } catch (error) {
    if (storage) await storage.close().catch(() => undefined);
    else database.close();
    throw notWeirDatabase(path, error);
  }
}

const NOT_A_DATABASE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Whether SQLite said the file is damaged or is not a database, at open or later (a damaged page is found only when
 * a query reads it).
 *
 * @example
 * isCorruptDatabaseError(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' })) // true
 */
export function isCorruptDatabaseError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && NOT_A_DATABASE_CODES.has(code);
}

function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

function rootMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

function notWeirDatabase(path: string, error: unknown): Error {
  if (isCorruptDatabaseError(error)) return corruptMetadataError(path, rootMessage(error), error);
  if (isWeirError(error)) return error;
  return cannotOpen(path, error);
}

/**
 * The metadata file is damaged or is not SQLite: say which file, that the data is safe, and how to recover.
 *
 * @example
 * corruptMetadataError('/p/.weir/metadata.sqlite', 'file is not a database').message
 * // "/p/.weir/metadata.sqlite: Weir's metadata file (run history) is damaged or is not a SQLite database (file is not a
 * //  database). The warehouse and the published data are untouched. To recover, move it aside and run the command
 * //  again: Weir creates a new, empty one (the run history starts over): mv '/p/.weir/metadata.sqlite' '/p/.weir/metadata.sqlite.broken'
 * //  (and its -wal and -shm files, if any)."
 */
export function corruptMetadataError(path: string, reason: string, cause?: unknown): WeirError {
  const quote = (f: string) => `'${f.replaceAll("'", "'\\''")}'`;
  // SQLite may keep recent writes in -wal/-shm files beside it (after a crash): they belong to it and move with it,
  // or a new file would replay them. They are usually gone once the process that failed has exited.
  return new WeirError(`Weir's metadata file (run history) is damaged or is not a SQLite database (${reason})`, {
    code: 'METADATA_NOT_A_DATABASE', location: { file: path },
    hint: 'The warehouse and the published data are untouched. To recover, move it aside and run the command again: Weir creates a new, '
      + `empty one (the run history starts over): mv ${quote(path)} ${quote(`${path}.broken`)} (and its -wal and -shm files, if any).`,
    cause,
  });
}

function cannotOpen(path: string, error: unknown): WeirError {
  return new WeirError(`Cannot open the metadata database ${path} (${rootMessage(error)})`, {
    code: 'METADATA_OPEN_FAILED', hint: 'Check that the folder exists and is writable, and that no other program locks the file.', cause: error,
  });
}

/** Runs the storage contract against SQLite (a temp file and ':memory:'), plus what only SQLite has. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { isWeirError } from '../../shared/errors.js';
import { storageContract } from '../storage.contract.js';
import { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-sqlite-storage-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let fileCount = 0;
/** A path in a folder that does not exist yet, so every open also tests that parent folders are created. */
function tempFile(): string {
  fileCount += 1;
  return join(tempRoot, `store-${fileCount}`, 'nested', 'metadata.sqlite');
}

storageContract('sqlite file', () => openSqliteStorage(tempFile()), {
  reopen: (closed) => openSqliteStorage((closed as SqliteStorage).path),
});
storageContract('sqlite :memory:', () => openSqliteStorage(':memory:'));

describe('sqlite specifics', () => {
  it('appendBatchNow says "not now" while a transaction is open on the connection, and stores nothing', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      await storage.runs.createRun({ runId: 'rt', project: 'shop', trigger: 'manual', selection: null, stepKeys: ['orders'], createdAt: 1 });
      const line = (message: string) => ({ runId: 'rt', project: 'shop', type: 'LOG', stepKey: 'orders', timestamp: 2, message, data: { level: 'info' } }) as const;
      let inside: unknown = 'not called';
      await storage.db.transaction().execute(async (trx) => {
        await trx.insertInto('events').values({ run_id: 'rt', project: 'shop', step_key: null, type: 'LOG', timestamp: 1, message: 'in the transaction', data: '{"level":"info"}' }).execute();
        // Written now, these rows would join this transaction (and its rollback).
        inside = storage.events.appendBatchNow!([line('now?')]);
        throw new Error('roll back');
      }).catch(() => undefined);
      assert.equal(inside, undefined);
      assert.deepEqual((await storage.events.eventsForRun('rt', { types: ['LOG'] })).map((e) => e.message), []);
      assert.deepEqual(storage.events.appendBatchNow!([line('after')])?.map((r) => r.message), ['after'], 'stored at once once the transaction is over');
    } finally {
      await storage.close();
    }
  });

  it('a file that is not SQLite gives an error naming it and what to do, and is left untouched', async () => {
    const path = join(tempRoot, 'garbage.sqlite');
    const content = 'this is not a database, just some text '.repeat(200);
    writeFileSync(path, content);
    await assert.rejects(openSqliteStorage(path), (error: unknown) => {
      assert.ok(isWeirError(error), 'a WeirError');
      assert.equal(error.code, 'METADATA_NOT_A_DATABASE');
      assert.equal(error.message, `${path}: Weir's metadata file (run history) is damaged or is not a SQLite database (file is not a database). `
        + 'The warehouse and the published data are untouched. To recover, move it aside and run the command again: Weir creates a new, empty one '
        + `(the run history starts over): mv '${path}' '${path}.broken' (and its -wal and -shm files, if any).`);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), content);
  });

  it('a path under a file (not a folder) gives an error naming the path', async () => {
    const blocker = join(tempRoot, 'blocker');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'metadata.sqlite');
    await assert.rejects(openSqliteStorage(path), (error: unknown) => {
      assert.ok(isWeirError(error), 'a WeirError');
      assert.equal(error.code, 'METADATA_OPEN_FAILED');
      assert.ok(error.message.includes(path), error.message);
      return true;
    });
  });

  it('a database migrated by a newer Weir is refused with a clear error', async () => {
    const path = tempFile();
    const storage = await openSqliteStorage(path);
    await storage.db.insertInto('weir_migration' as never).values({ name: '9999_from_the_future', timestamp: new Date().toISOString() } as never).execute();
    await storage.close();
    await assert.rejects(openSqliteStorage(path), (error: unknown) => {
      assert.ok(isWeirError(error), 'a WeirError');
      assert.equal(error.code, 'METADATA_SCHEMA_TOO_NEW');
      assert.ok(error.message.startsWith(`${path} was written by a newer version of Weir`), error.message);
      return true;
    });
  });

  it('uses WAL, synchronous=NORMAL and a busy timeout on files', async () => {
    const storage = await openSqliteStorage(tempFile());
    try {
      const pragma = async (name: string) => {
        const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(storage.db);
        return Object.values(rows[0] ?? {})[0];
      };
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 1);
      assert.equal(await pragma('busy_timeout'), 5000);
    } finally {
      await storage.close();
    }
  });

  it('two stores on one file see each other\'s writes (server and worker processes share the file)', async () => {
    const path = tempFile();
    const writer = await openSqliteStorage(path);
    const reader = await openSqliteStorage(path);
    try {
      await writer.runs.createRun({ runId: 'shared', project: 'shop', trigger: 'cli', selection: null, stepKeys: [], createdAt: 1 });
      assert.equal((await reader.runs.getRun('shared'))?.status, 'QUEUED');
      await reader.events.append({ runId: 'shared', project: 'shop', type: 'RUN_START', stepKey: null, timestamp: 2, message: '', data: { stepKeys: [], concurrency: 1 } });
      assert.equal((await writer.runs.getRun('shared'))?.status, 'STARTED');
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('is a SqliteStorage that reports its path', async () => {
    const path = tempFile();
    const storage = await openSqliteStorage(path);
    try {
      assert.ok(storage instanceof SqliteStorage);
      assert.equal(storage.path, path);
    } finally {
      await storage.close();
    }
  });
});

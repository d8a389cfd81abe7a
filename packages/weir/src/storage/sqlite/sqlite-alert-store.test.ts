/** Runs the AlertStore contract against SQLite (a temp file, with reopening, and ':memory:'). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { alertStoreContract } from '../alert-store.contract.js';
import { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-sqlite-alerts-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let count = 0;

alertStoreContract('sqlite file', () => openSqliteStorage(join(tempRoot, `alerts-${++count}.sqlite`)), {
  reopen: (closed) => openSqliteStorage((closed as SqliteStorage).path),
});
alertStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));

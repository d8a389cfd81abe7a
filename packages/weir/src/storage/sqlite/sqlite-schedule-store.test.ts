/** Runs the ScheduleStore contract against SQLite: a temp file (with reopen) and ':memory:'. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { scheduleStoreContract } from '../schedule-store.contract.js';
import { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-sqlite-schedules-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let count = 0;

scheduleStoreContract('sqlite file', () => openSqliteStorage(join(tempRoot, `s-${++count}.sqlite`)), (closed) => openSqliteStorage((closed as SqliteStorage).path));
scheduleStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));

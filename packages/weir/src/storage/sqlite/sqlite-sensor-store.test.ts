/** Runs the SensorStore contract against SQLite: a temporary file (with the restart test) and ':memory:'. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { sensorStoreContract } from '../sensor-store.contract.js';
import { openSqliteStorage, type SqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-sensor-store-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let count = 0;

sensorStoreContract('sqlite file', () => openSqliteStorage(join(tempRoot, `m-${++count}.sqlite`)), (closed) => openSqliteStorage((closed as SqliteStorage).path));
sensorStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));

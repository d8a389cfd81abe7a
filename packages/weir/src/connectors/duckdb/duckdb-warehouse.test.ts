/** Tests of DuckDbWarehouse: files, the one-process lock, parallel sessions. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isWeirError } from '../../shared/errors.js';
import { DuckDbWarehouse } from './duckdb-warehouse.js';

describe('DuckDbWarehouse', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-warehouse-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('creates parent folders and persists across reopen', async () => {
    const path = join(dir, 'nested', 'deeper', 'warehouse.duckdb');
    const first = await DuckDbWarehouse.open(path);
    const session = await first.connect();
    await session.run('create table t as select 7 as v');
    first.close();
    assert.ok(existsSync(path));
    const second = await DuckDbWarehouse.open(path);
    assert.deepEqual(await (await second.connect()).query('select v from t'), [{ v: 7 }]);
    second.close();
  });

  test('opening the same file twice in one process shares the database', async () => {
    const path = join(dir, 'shared.duckdb');
    const a = await DuckDbWarehouse.open(path);
    const b = await DuckDbWarehouse.open(path);
    await (await a.connect()).run('create table t as select 1 as v');
    a.close();
    // b still works after a closed: the instance is closed only by its last holder.
    assert.deepEqual(await (await b.connect()).query('select v from t'), [{ v: 1 }]);
    b.close();
  });

  test('a file held by another process gives a WeirError naming its pid', async () => {
    const path = join(dir, 'locked.duckdb');
    // The child opens the file with node-api directly and waits to be killed.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      await DuckDBInstance.create(${JSON.stringify(path)});
      console.log('ready');
      setInterval(() => {}, 1000);`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      await assert.rejects(DuckDbWarehouse.open(path), (error: unknown) => {
        assert.ok(isWeirError(error));
        assert.equal(error.code, 'WAREHOUSE_LOCKED');
        assert.ok(error.message.startsWith(`${path}: another Weir process (pid ${child.pid}) has the warehouse open`), error.message);
        assert.match(error.message, /Stop it .* or run the command through it/);
        return true;
      });
    } finally {
      child.kill();
    }
  });

  test('sessions of one warehouse run queries concurrently', async () => {
    const warehouse = await DuckDbWarehouse.open(':memory:');
    const [a, b] = await Promise.all([warehouse.connect(), warehouse.connect()]);
    // Two long queries plus a quick one: the quick one must not wait for the long ones.
    const slow = 'select count(*) as n from range(3000000000) t(i) where hash(i) % 7 = 0'; // minutes of hashing: it never finishes first
    const controller = new AbortController();
    const longA = a.query(slow, [], { signal: controller.signal }).catch((e: Error) => e);
    const c = await warehouse.connect();
    const started = Date.now();
    assert.deepEqual(await c.query('select 1 as one'), [{ one: 1 }]);
    const quickMs = Date.now() - started;
    controller.abort();
    assert.equal(((await longA) as Error).name, 'AbortError');
    assert.ok(quickMs < 500, `quick query waited ${quickMs} ms`);
    await b.run('create table x as select 1');
    warehouse.close();
    assert.ok(a.isClosed && b.isClosed && c.isClosed);
  });
});

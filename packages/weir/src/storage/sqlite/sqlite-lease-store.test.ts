/** Runs the LeaseStore contract against SQLite, plus two processes' connections on one file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { leaseStoreContract } from '../lease-store.contract.js';
import { openSqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-sqlite-leases-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
let fileCount = 0;

leaseStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));
leaseStoreContract('sqlite file', () => openSqliteStorage(join(tempRoot, `leases-${++fileCount}.sqlite`)));

describe('sqlite leases across connections', () => {
  it('two connections to one file (two processes) see one holder, and the lease survives a reopen', async () => {
    const path = join(tempRoot, 'shared.sqlite');
    const first = await openSqliteStorage(path);
    const second = await openSqliteStorage(path);
    try {
      const [a, b] = await Promise.all([
        first.leases.acquire({ name: 'automation', holder: 'a', nowMs: 0, ttlMs: 10_000 }),
        second.leases.acquire({ name: 'automation', holder: 'b', nowMs: 0, ttlMs: 10_000 }),
      ]);
      assert.equal([a, b].filter(Boolean).length, 1);
      const winner = (a ?? b)!.holder;
      await first.close();
      const reopened = await openSqliteStorage(path);
      assert.equal((await reopened.leases.getLease('automation'))?.holder, winner);
      await reopened.close();
    } finally {
      await second.close();
    }
  });
});

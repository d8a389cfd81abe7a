/** The LeaseStore contract every storage backend must pass: call leaseStoreContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from './storage.js';

const TTL_MS = 10_000;

/**
 * Registers the lease tests under `describe(backendName + ' leases')`. `open` returns a new, empty, migrated store.
 *
 * @example
 * leaseStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));
 */
export function leaseStoreContract(backendName: string, open: () => Promise<Storage>): void {
  async function withLeases(test: (leases: Storage['leases']) => Promise<void>): Promise<void> {
    const storage = await open();
    try {
      await test(storage.leases);
    } finally {
      await storage.close();
    }
  }
  const ask = (holder: string, nowMs: number, name = 'automation') => ({ name, holder, nowMs, ttlMs: TTL_MS });

  describe(`${backendName} leases`, () => {
    it('a free lease is taken by the first holder, refused to a second while it lasts', () => withLeases(async (leases) => {
      assert.equal(await leases.getLease('automation'), undefined);
      assert.deepEqual(await leases.acquire(ask('a', 1000)), { name: 'automation', holder: 'a', acquiredAt: 1000, expiresAt: 11_000 });
      assert.equal(await leases.acquire(ask('b', 5000)), undefined);
      assert.equal(await leases.acquire(ask('b', 10_999)), undefined);
      assert.deepEqual(await leases.getLease('automation'), { name: 'automation', holder: 'a', acquiredAt: 1000, expiresAt: 11_000 });
    }));

    it('renewal extends the expiry and keeps acquiredAt; acquire by the holder renews too', () => withLeases(async (leases) => {
      await leases.acquire(ask('a', 1000));
      assert.equal(await leases.renew(ask('a', 4000)), true);
      assert.deepEqual(await leases.getLease('automation'), { name: 'automation', holder: 'a', acquiredAt: 1000, expiresAt: 14_000 });
      assert.equal(await leases.acquire(ask('b', 12_000)), undefined, 'renewed: still a\'s at 12 s');
      assert.deepEqual(await leases.acquire(ask('a', 8000)), { name: 'automation', holder: 'a', acquiredAt: 1000, expiresAt: 18_000 });
    }));

    it('an expired lease is taken over by another holder, and the old holder can no longer renew it', () => withLeases(async (leases) => {
      await leases.acquire(ask('a', 1000));
      assert.deepEqual(await leases.acquire(ask('b', 11_000)), { name: 'automation', holder: 'b', acquiredAt: 11_000, expiresAt: 21_000 });
      assert.equal(await leases.renew(ask('a', 11_500)), false);
      assert.equal(await leases.acquire(ask('a', 12_000)), undefined);
      assert.equal((await leases.getLease('automation'))?.holder, 'b');
    }));

    it('release frees the lease at once, only for its holder', () => withLeases(async (leases) => {
      await leases.acquire(ask('a', 1000));
      assert.equal(await leases.release('automation', 'b'), false);
      assert.equal((await leases.getLease('automation'))?.holder, 'a');
      assert.equal(await leases.release('automation', 'a'), true);
      assert.equal(await leases.getLease('automation'), undefined);
      assert.equal(await leases.renew(ask('a', 2000)), false, 'a released lease cannot be renewed');
      assert.equal((await leases.acquire(ask('b', 2000)))?.holder, 'b');
      assert.equal(await leases.release('automation', 'a'), false);
    }));

    it('a holder whose lease expired unclaimed may renew it', () => withLeases(async (leases) => {
      await leases.acquire(ask('a', 1000));
      assert.equal(await leases.renew(ask('a', 30_000)), true);
      assert.equal((await leases.getLease('automation'))?.expiresAt, 40_000);
    }));

    it('leases of different names are independent', () => withLeases(async (leases) => {
      assert.ok(await leases.acquire(ask('a', 0, 'automation')));
      assert.ok(await leases.acquire(ask('b', 0, 'other')));
      assert.equal(await leases.acquire(ask('b', 0, 'automation')), undefined);
      assert.equal((await leases.getLease('other'))?.holder, 'b');
    }));

    it('of many holders asking at once, exactly one gets the lease', () => withLeases(async (leases) => {
      const holders = Array.from({ length: 8 }, (_, i) => `h${i}`);
      const results = await Promise.all(holders.map((h) => leases.acquire(ask(h, 1000))));
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.equal((await leases.getLease('automation'))?.holder, winners[0]!.holder);
    }));
  });
}

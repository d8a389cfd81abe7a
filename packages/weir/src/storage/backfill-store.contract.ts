/** The BackfillStore contract every storage backend must pass: call backfillStoreContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWeirError } from '../shared/errors.js';
import type { NewBackfill, Storage } from './storage.js';
import { withFreshStorage } from './with-fresh-storage.js';

function newBackfill(overrides: Partial<NewBackfill> = {}): NewBackfill {
  return {
    backfillId: 'bf-1', project: 'shop', selection: 'revenue+', assetKeys: ['orders', 'revenue'], request: { only: 'missing' },
    concurrency: 2, ranges: [{ fromIndex: 3, toIndex: 4 }, { fromIndex: 9, toIndex: 20 }], partitionCount: 14, createdAt: 1_000,
    ...overrides,
  };
}

/**
 * Registers the backfill store tests under `describe(backendName)`; `open` returns a new, empty, migrated store.
 *
 * @example
 * backfillStoreContract('sqlite :memory:', () => openSqliteStorage(':memory:'));
 */
export function backfillStoreContract(backendName: string, open: () => Promise<Storage>): void {
  const withStorage = withFreshStorage(open);

  describe(`${backendName}: backfills`, () => {
    it('createBackfill records a REQUESTED backfill with every field, its cursor at 0', () => withStorage(async (s) => {
      const created = await s.backfills.createBackfill(newBackfill({ parentBackfillId: 'bf-0' }));
      const expected = {
        backfillId: 'bf-1', project: 'shop', selection: 'revenue+', assetKeys: ['orders', 'revenue'], request: { only: 'missing' as const },
        concurrency: 2, partitionCount: 14, createdAt: 1_000, status: 'REQUESTED' as const, parentBackfillId: 'bf-0', cursor: 0,
        endedAt: null, cancelRequestedAt: null, error: null,
      };
      assert.deepEqual(created, expected);
      assert.deepEqual(await s.backfills.getBackfill('bf-1'), expected);
      assert.equal(await s.backfills.getBackfill('bf-none'), undefined);
    }));

    it('keeps the planned ranges with their positions, and reads them from a position on', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill({ ranges: [{ fromIndex: 3, toIndex: 4 }, { fromIndex: 9, toIndex: 20 }, { fromIndex: 30, toIndex: 31 }] }));
      assert.deepEqual(await s.backfills.backfillRanges('bf-1'), [
        { ordinalStart: 0, fromIndex: 3, toIndex: 4 }, { ordinalStart: 2, fromIndex: 9, toIndex: 20 }, { ordinalStart: 14, fromIndex: 30, toIndex: 31 },
      ]);
      assert.deepEqual(await s.backfills.backfillRanges('bf-1', { fromOrdinal: 3, limit: 1 }), [{ ordinalStart: 2, fromIndex: 9, toIndex: 20 }]);
      assert.deepEqual(await s.backfills.backfillRanges('bf-1', { fromOrdinal: 14 }), [{ ordinalStart: 14, fromIndex: 30, toIndex: 31 }]);
      assert.deepEqual(await s.backfills.backfillRanges('bf-other'), []);
    }));

    it('stores thousands of ranges (a fragmented "missing only") in one create', () => withStorage(async (s) => {
      const ranges = Array.from({ length: 3_001 }, (_, i) => ({ fromIndex: i * 2, toIndex: i * 2 }));
      await s.backfills.createBackfill(newBackfill({ ranges, partitionCount: 3_001 }));
      const stored = await s.backfills.backfillRanges('bf-1', { fromOrdinal: 3_000 });
      assert.deepEqual(stored, [{ ordinalStart: 3_000, fromIndex: 6_000, toIndex: 6_000 }]);
    }));

    it('lists newest first, by project and status, with a limit', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill({ backfillId: 'a', createdAt: 1 }));
      await s.backfills.createBackfill(newBackfill({ backfillId: 'b', createdAt: 2, project: 'other' }));
      await s.backfills.createBackfill(newBackfill({ backfillId: 'c', createdAt: 3 }));
      await s.backfills.startBackfill('c');
      assert.deepEqual((await s.backfills.listBackfills()).map((b) => b.backfillId), ['c', 'b', 'a']);
      assert.deepEqual((await s.backfills.listBackfills({ project: 'shop' })).map((b) => b.backfillId), ['c', 'a']);
      assert.deepEqual((await s.backfills.listBackfills({ statuses: ['REQUESTED'] })).map((b) => b.backfillId), ['b', 'a']);
      assert.deepEqual((await s.backfills.listBackfills({ limit: 1 })).map((b) => b.backfillId), ['c']);
    }));

    it('resolves a unique id prefix and rejects an ambiguous one', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill({ backfillId: 'abc123' }));
      await s.backfills.createBackfill(newBackfill({ backfillId: 'abd456' }));
      assert.equal(await s.backfills.resolveBackfillId('ABC'), 'abc123');
      assert.equal(await s.backfills.resolveBackfillId('x'), undefined);
      await assert.rejects(s.backfills.resolveBackfillId('ab'), (error: unknown) => isWeirError(error) && error.code === 'AMBIGUOUS_BACKFILL_ID');
    }));

    it('moves REQUESTED -> RUNNING -> CANCELING -> CANCELED, refusing moves from the wrong state', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill());
      assert.equal(await s.backfills.startBackfill('bf-1'), true);
      assert.equal(await s.backfills.startBackfill('bf-1'), false);
      assert.equal(await s.backfills.requestCancel('bf-1', 50), true);
      assert.equal(await s.backfills.requestCancel('bf-1', 60), false);
      const canceling = await s.backfills.getBackfill('bf-1');
      assert.equal(canceling?.status, 'CANCELING');
      assert.equal(canceling?.cancelRequestedAt, 50);
      assert.equal(await s.backfills.finishBackfill('bf-1', 'CANCELED', 70), true);
      assert.equal(await s.backfills.finishBackfill('bf-1', 'COMPLETED', 80), false);
      assert.equal(await s.backfills.requestCancel('bf-1', 90), false);
      const ended = await s.backfills.getBackfill('bf-1');
      assert.equal(ended?.status, 'CANCELED');
      assert.equal(ended?.endedAt, 70);
    }));

    it('a FAILED backfill keeps its error', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill());
      await s.backfills.finishBackfill('bf-1', 'FAILED', 5, "selection 'revenue+' matches no asset");
      assert.equal((await s.backfills.getBackfill('bf-1'))?.error, "selection 'revenue+' matches no asset");
    }));

    it('records launches (advancing the cursor) and ends, and counts and lists partitions by status', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill());
      await s.backfills.recordLaunch('bf-1', { ordinal: 0, index: 3, key: '2025-04', runId: 'r0' }, 100);
      await s.backfills.recordLaunch('bf-1', { ordinal: 1, index: 4, key: '2025-05', runId: 'r1' }, 101);
      await s.backfills.recordLaunch('bf-1', { ordinal: 2, index: 9, key: '2025-10', runId: 'r2' }, 102);
      assert.equal((await s.backfills.getBackfill('bf-1'))?.cursor, 3);
      await s.backfills.recordPartitionEnd('bf-1', 3, 'SUCCESS', 200);
      await s.backfills.recordPartitionEnd('bf-1', 9, 'FAILURE', 201);
      assert.deepEqual(await s.backfills.partitionCounts('bf-1'), { RUNNING: 1, SUCCESS: 1, FAILURE: 1, CANCELED: 0 });
      assert.deepEqual(await s.backfills.listPartitions('bf-1', { statuses: ['RUNNING'] }), [
        { index: 4, key: '2025-05', runId: 'r1', status: 'RUNNING', startedAt: 101, endedAt: null },
      ]);
      assert.deepEqual((await s.backfills.listPartitions('bf-1')).map((p) => [p.index, p.status, p.endedAt]), [[3, 'SUCCESS', 200], [4, 'RUNNING', null], [9, 'FAILURE', 201]]);
      assert.deepEqual((await s.backfills.listPartitions('bf-1', { afterIndex: 3, limit: 1 })).map((p) => p.index), [4]);
      assert.deepEqual(await s.backfills.partitionCounts('bf-other'), { RUNNING: 0, SUCCESS: 0, FAILURE: 0, CANCELED: 0 });
    }));

    it('groups started partitions into ranges of one status, in index order, with their end keys', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill({ ranges: [{ fromIndex: 0, toIndex: 9 }], partitionCount: 10 }));
      const statuses = ['SUCCESS', 'SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'RUNNING', 'RUNNING'] as const;
      for (const [i, status] of statuses.entries()) {
        await s.backfills.recordLaunch('bf-1', { ordinal: i, index: i, key: `k${i}`, runId: `r${i}` }, i);
        if (status !== 'RUNNING') await s.backfills.recordPartitionEnd('bf-1', i, status, 100 + i);
      }
      assert.deepEqual(await s.backfills.partitionStatusRanges('bf-1'), [
        { fromIndex: 0, toIndex: 1, fromKey: 'k0', toKey: 'k1', count: 2, status: 'SUCCESS' },
        { fromIndex: 2, toIndex: 2, fromKey: 'k2', toKey: 'k2', count: 1, status: 'FAILURE', runId: 'r2' },
        { fromIndex: 3, toIndex: 5, fromKey: 'k3', toKey: 'k5', count: 3, status: 'SUCCESS' },
        { fromIndex: 6, toIndex: 7, fromKey: 'k6', toKey: 'k7', count: 2, status: 'RUNNING' },
      ]);
      assert.equal((await s.backfills.partitionStatusRanges('bf-1', { limit: 2 })).length, 2);
      assert.deepEqual(await s.backfills.partitionStatusRanges('bf-other'), []);
    }));

    it('a late record of an earlier launch never moves the cursor back', () => withStorage(async (s) => {
      await s.backfills.createBackfill(newBackfill());
      await s.backfills.recordLaunch('bf-1', { ordinal: 1, index: 4, key: '2025-05', runId: 'r1' }, 1);
      await s.backfills.recordLaunch('bf-1', { ordinal: 0, index: 3, key: '2025-04', runId: 'r0' }, 2);
      assert.equal((await s.backfills.getBackfill('bf-1'))?.cursor, 2);
    }));
  });
}

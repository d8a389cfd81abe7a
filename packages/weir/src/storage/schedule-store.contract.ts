/** The ScheduleStore contract every storage backend must pass: call scheduleStoreContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from './storage.js';
import { withFreshStorage } from './with-fresh-storage.js';

/**
 * Registers the schedule store tests under `describe(backendName)`. `open` returns a new, empty, migrated store on every
 * call; `reopen` opens again a closed one (the state must survive it).
 *
 * @example
 * scheduleStoreContract('sqlite file', () => openSqliteStorage(tempFile()), (s) => openSqliteStorage((s as SqliteStorage).path));
 */
export function scheduleStoreContract(backendName: string, open: () => Promise<Storage>, reopen?: (closed: Storage) => Promise<Storage>): void {
  const withStorage = withFreshStorage(open);

  describe(`${backendName}: schedules`, () => {
    it('a schedule never seen has no state; the first decision creates it with the cursor', () => withStorage(async (s) => {
      assert.equal(await s.schedules.getState('shop', 'daily'), undefined);
      assert.deepEqual(await s.schedules.recordDecisions('shop', 'daily', null, 1000, [], 1001, '0 6 * * * UTC'), []);
      assert.deepEqual(await s.schedules.getState('shop', 'daily'), { project: 'shop', name: 'daily', paused: false, cursorMs: 1000, pattern: '0 6 * * * UTC', updatedAt: 1001 });
      await s.schedules.recordDecisions('shop', 'daily', 1000, 2000, [], 2001, '0 7 * * * UTC');
      assert.equal((await s.schedules.getState('shop', 'daily'))?.pattern, '0 7 * * * UTC', 'the pattern follows the definition');
      assert.deepEqual(await s.schedules.listStates('other'), []);
    }));

    it('recordDecisions moves the cursor only from the expected one: a second decider of the same pass records nothing', () => withStorage(async (s) => {
      await s.schedules.recordDecisions('shop', 'daily', null, 1000, [], 1000);
      const first = await s.schedules.recordDecisions('shop', 'daily', 1000, 5000, [{ tickAt: 4000, status: 'LAUNCHING' }], 5001);
      assert.equal(first?.length, 1);
      assert.equal(await s.schedules.recordDecisions('shop', 'daily', 1000, 5000, [{ tickAt: 4000, status: 'LAUNCHING' }], 5002), undefined);
      assert.equal(await s.schedules.recordDecisions('shop', 'daily', null, 5000, [], 5002), undefined, 'null expects no row');
      assert.equal((await s.schedules.getState('shop', 'daily'))?.cursorMs, 5000);
      assert.equal((await s.schedules.listTicks('shop')).length, 1);
    }));

    it('records every tick with its decision, then the launch outcome (run id or why it failed)', () => withStorage(async (s) => {
      const ticks = (await s.schedules.recordDecisions('shop', 'daily', null, 10_000, [
        { tickAt: 9000, status: 'LAUNCHING' }, { tickAt: 7000, status: 'SKIPPED', reason: 'superseded' }, { tickAt: 8000, status: 'LAUNCHING' },
      ], 10_001))!;
      assert.deepEqual(ticks.map((t) => [t.tickAt, t.status, t.source, t.decidedAt]), [[7000, 'SKIPPED', 'CRON', 10_001], [8000, 'LAUNCHING', 'CRON', 10_001], [9000, 'LAUNCHING', 'CRON', 10_001]]);
      await s.schedules.completeTick(ticks[2]!.id, { status: 'SUBMITTED', runId: 'run-9' }, 10_002);
      await s.schedules.completeTick(ticks[1]!.id, { status: 'FAILED', reason: 'selector matches no asset' }, 10_003);
      const listed = await s.schedules.listTicks('shop', { schedule: 'daily' });
      assert.deepEqual(listed.map((t) => [t.tickAt, t.status, t.runId, t.reason]), [
        [9000, 'SUBMITTED', 'run-9', null], [8000, 'FAILED', null, 'selector matches no asset'], [7000, 'SKIPPED', null, 'superseded'],
      ]);
      assert.equal(listed[0]!.updatedAt, 10_002);
      assert.deepEqual((await s.schedules.listTicks('shop', { statuses: ['FAILED'] })).map((t) => t.tickAt), [8000]);
    }));

    it('the same tick cannot be recorded twice; a run-now tick at the same instant can', () => withStorage(async (s) => {
      await s.schedules.recordTick('shop', 'daily', { tickAt: 5000, status: 'LAUNCHING' }, 5000);
      await assert.rejects(s.schedules.recordTick('shop', 'daily', { tickAt: 5000, status: 'LAUNCHING' }, 5001));
      const manual = await s.schedules.recordTick('shop', 'daily', { tickAt: 5000, status: 'LAUNCHING', source: 'RUN_NOW' }, 5002);
      assert.equal(manual.source, 'RUN_NOW');
      assert.equal((await s.schedules.getState('shop', 'daily')), undefined, 'recordTick leaves the cursor alone');
    }));

    it('lists ticks newest first in pages, per schedule or for the project', () => withStorage(async (s) => {
      const ticks = Array.from({ length: 25 }, (_, i) => ({ tickAt: (i + 1) * 1000, status: 'SKIPPED' as const, reason: 'r' }));
      await s.schedules.recordDecisions('shop', 'a', null, 30_000, ticks, 30_000);
      await s.schedules.recordDecisions('shop', 'b', null, 30_000, [{ tickAt: 12_500, status: 'SKIPPED', reason: 'r' }], 30_000);
      const pages: number[][] = [];
      for (let beforeId: number | undefined; ;) {
        const page = await s.schedules.listTicks('shop', { schedule: 'a', limit: 10, beforeId });
        if (!page.length) break;
        pages.push(page.map((t) => t.tickAt / 1000));
        beforeId = page.at(-1)!.id;
      }
      assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
      assert.deepEqual(pages.flat(), Array.from({ length: 25 }, (_, i) => 25 - i));
      const all = await s.schedules.listTicks('shop', { limit: 15 });
      assert.deepEqual(all.map((t) => t.tickAt / 1000).slice(12), [13, 12.5, 12]);
      assert.deepEqual(await s.schedules.listTicks('elsewhere'), []);
    }));

    it('latestTicks: the latest N of each named schedule', () => withStorage(async (s) => {
      await s.schedules.recordDecisions('shop', 'a', null, 10, [1, 2, 3, 4].map((t) => ({ tickAt: t, status: 'SKIPPED' as const })), 10);
      await s.schedules.recordDecisions('shop', 'b', null, 10, [{ tickAt: 5, status: 'LAUNCHING' }], 10);
      await s.schedules.recordDecisions('other', 'a', null, 10, [{ tickAt: 9, status: 'LAUNCHING' }], 10);
      const latest = await s.schedules.latestTicks('shop', ['a', 'b', 'never_ticked'], 2);
      assert.deepEqual([...latest.keys()], ['a', 'b', 'never_ticked']);
      assert.deepEqual(latest.get('a')!.map((t) => t.tickAt), [4, 3]);
      assert.deepEqual(latest.get('b')!.map((t) => t.tickAt), [5]);
      assert.deepEqual(latest.get('never_ticked'), []);
      // More names than one compound statement takes: chunked, same answer.
      const many = Array.from({ length: 450 }, (_, i) => `n${i}`);
      await s.schedules.recordDecisions('shop', 'n449', null, 10, [{ tickAt: 7, status: 'SKIPPED' }], 10);
      const wide = await s.schedules.latestTicks('shop', [...many, 'a'], 1);
      assert.equal(wide.size, 451);
      assert.deepEqual(wide.get('n449')!.map((t) => t.tickAt), [7]);
      assert.deepEqual(wide.get('a')!.map((t) => t.tickAt), [4]);
    }));

    it('pause and resume: resuming moves the cursor to now (paused ticks are not caught up)', () => withStorage(async (s) => {
      await s.schedules.recordDecisions('shop', 'daily', null, 1000, [], 1000);
      const paused = await s.schedules.setPaused('shop', 'daily', true, 2000);
      assert.deepEqual(paused, { project: 'shop', name: 'daily', paused: true, cursorMs: 1000, pattern: null, updatedAt: 2000 });
      const resumed = await s.schedules.setPaused('shop', 'daily', false, 9000);
      assert.deepEqual(resumed, { project: 'shop', name: 'daily', paused: false, cursorMs: 9000, pattern: null, updatedAt: 9000 });
      assert.equal((await s.schedules.setPaused('shop', 'never_seen', true, 3000)).cursorMs, null);
      assert.deepEqual((await s.schedules.listStates('shop')).map((st) => [st.name, st.paused]), [['daily', false], ['never_seen', true]]);
    }));

    if (reopen) {
      it('the paused state, the cursor and the ticks survive closing and reopening the store', async () => {
        const first = await open();
        await first.schedules.recordDecisions('shop', 'daily', null, 1000, [{ tickAt: 900, status: 'SKIPPED', reason: 'r' }], 1000, '@daily UTC');
        await first.schedules.setPaused('shop', 'daily', true, 2000);
        await first.close();
        const again = await reopen(first);
        try {
          assert.deepEqual(await again.schedules.getState('shop', 'daily'), { project: 'shop', name: 'daily', paused: true, cursorMs: 1000, pattern: '@daily UTC', updatedAt: 2000 });
          assert.deepEqual((await again.schedules.listTicks('shop')).map((t) => t.tickAt), [900]);
        } finally {
          await again.close();
        }
      });
    }
  });
}

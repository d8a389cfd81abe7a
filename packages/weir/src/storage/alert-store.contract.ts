/** The AlertStore contract every storage backend passes: call alertStoreContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertMessage } from '../events/index.js';
import type { NewAlertDelivery, OpenAlertProblem, Storage } from './storage.js';
import { withFreshStorage } from './with-fresh-storage.js';

function message(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return { kind: 'run_failed', state: 'problem', project: 'shop', subject: 'revenue+', title: 'Run failed: revenue+', line: 'revenue: boom', runId: 'r1', timestamp: 1000, ...overrides };
}
function delivery(id: string, createdAt: number, overrides: Partial<NewAlertDelivery> = {}): NewAlertDelivery {
  return { deliveryId: id, project: 'shop', channel: 'team_ntfy', rule: 'failures', problemKey: 'run:revenue+', message: message(), createdAt, ...overrides };
}
function problem(overrides: Partial<OpenAlertProblem> = {}): OpenAlertProblem {
  return { project: 'shop', rule: 'failures', problemKey: 'run:revenue+', openedAt: 1000, lastSentAt: 1000, message: message(), ...overrides };
}

/**
 * @example
 * alertStoreContract('sqlite', () => openSqliteStorage(':memory:'), { reopen })
 */
export function alertStoreContract(backendName: string, open: () => Promise<Storage>, options: { reopen?: (closed: Storage) => Promise<Storage> } = {}): void {
  const withStorage = withFreshStorage(open);

  describe(`${backendName} alert store`, () => {
    it('records signals and reads them back after an id, oldest first, per project', () => withStorage(async (s) => {
      await s.alerts.recordSignal({ kind: 'SCHEDULE_ERRORED', project: 'shop', subject: 'monthly', problemKey: 'schedule:monthly', message: 'bad cron', timestamp: 5, details: { field: 2 } });
      await s.alerts.recordSignal({ kind: 'SENSOR_ERRORED', project: 'other', subject: 'x', problemKey: 'sensor:x', message: 'boom', timestamp: 6 });
      await s.alerts.recordSignal({ kind: 'SCHEDULE_ERRORED', project: 'shop', subject: 'monthly', problemKey: 'schedule:monthly', message: 'ok again', timestamp: 7, resolved: true });
      const all = await s.alerts.signalsAfter(0, { project: 'shop' });
      assert.deepEqual(all.map((x) => [x.kind, x.message, x.resolved ?? false]), [['SCHEDULE_ERRORED', 'bad cron', false], ['SCHEDULE_ERRORED', 'ok again', true]]);
      assert.deepEqual(all[0]!.details, { field: 2 });
      assert.ok(all[0]!.id < all[1]!.id);
      assert.deepEqual((await s.alerts.signalsAfter(all[0]!.id, { project: 'shop' })).map((x) => x.message), ['ok again']);
      assert.equal((await s.alerts.signalsAfter(0)).length, 3);
      assert.equal((await s.alerts.signalsAfter(0, { limit: 1 })).length, 1);
    }));

    it('commitRouting moves the cursor, opens, re-sends and resolves problems, and creates PENDING deliveries', () => withStorage(async (s) => {
      assert.equal(await s.alerts.routerCursor('shop'), undefined);
      await s.alerts.commitRouting({ project: 'shop', cursor: { eventId: 10, signalId: 1 }, opened: [problem()], resolved: [], deliveries: [delivery('d1', 1000)] });
      assert.deepEqual(await s.alerts.routerCursor('shop'), { eventId: 10, signalId: 1 });
      assert.deepEqual(await s.alerts.openProblems('shop'), [problem()]);
      assert.deepEqual(await s.alerts.openProblems('other'), []);
      // The same problem again (a repeat): updated, not duplicated.
      await s.alerts.commitRouting({ project: 'shop', cursor: { eventId: 12, signalId: 1 }, opened: [problem({ lastSentAt: 5000 })], resolved: [], deliveries: [] });
      const open = await s.alerts.openProblems('shop');
      assert.equal(open.length, 1);
      assert.equal(open[0]!.lastSentAt, 5000);
      assert.equal(open[0]!.openedAt, 1000);
      await s.alerts.commitRouting({ project: 'shop', cursor: { eventId: 20, signalId: 3 }, opened: [], resolved: [{ rule: 'failures', problemKey: 'run:revenue+' }], deliveries: [delivery('d2', 2000)] });
      assert.deepEqual(await s.alerts.openProblems('shop'), []);
      assert.deepEqual(await s.alerts.routerCursor('shop'), { eventId: 20, signalId: 3 });
      const d1 = await s.alerts.getDelivery('d1');
      assert.deepEqual(d1, { ...delivery('d1', 1000), status: 'PENDING', attempts: 0, nextAttemptAt: 1000, lastError: null, updatedAt: 1000 });
    }));

    it('a routing pass is all or nothing: a duplicate delivery id leaves the cursor and the problems as they were', () => withStorage(async (s) => {
      await s.alerts.commitRouting({ project: 'shop', cursor: { eventId: 1, signalId: 0 }, opened: [], resolved: [], deliveries: [delivery('d1', 1000)] });
      await assert.rejects(s.alerts.commitRouting({ project: 'shop', cursor: { eventId: 9, signalId: 0 }, opened: [problem()], resolved: [], deliveries: [delivery('d1', 1000)] }));
      assert.deepEqual(await s.alerts.routerCursor('shop'), { eventId: 1, signalId: 0 });
      assert.deepEqual(await s.alerts.openProblems('shop'), []);
    }));

    it('due deliveries are the PENDING ones whose next attempt has come; attempts are recorded; lists are newest first', () => withStorage(async (s) => {
      await s.alerts.commitRouting({
        project: 'shop', cursor: { eventId: 1, signalId: 0 }, opened: [], resolved: [],
        deliveries: [delivery('a', 1000), delivery('b', 2000, { channel: 'ops_hook' }), delivery('c', 3000)],
      });
      assert.deepEqual((await s.alerts.dueDeliveries(2500)).map((d) => d.deliveryId), ['a', 'b']);
      assert.equal(await s.alerts.nextDueAt('shop'), 1000);
      await s.alerts.recordAttempt('a', { status: 'PENDING', attempts: 1, nextAttemptAt: 9000, error: 'could not reach http://127.0.0.1:1: ECONNREFUSED', at: 2500 });
      await s.alerts.recordAttempt('b', { status: 'DELIVERED', attempts: 1, nextAttemptAt: null, error: null, at: 2500 });
      assert.deepEqual((await s.alerts.dueDeliveries(2500)).map((d) => d.deliveryId), []);
      assert.deepEqual((await s.alerts.dueDeliveries(9000)).map((d) => d.deliveryId), ['c', 'a']);
      assert.equal(await s.alerts.nextDueAt('shop'), 3000);
      const a = await s.alerts.getDelivery('a');
      assert.deepEqual([a?.status, a?.attempts, a?.nextAttemptAt, a?.lastError, a?.updatedAt], ['PENDING', 1, 9000, 'could not reach http://127.0.0.1:1: ECONNREFUSED', 2500]);
      assert.deepEqual((await s.alerts.listDeliveries({ project: 'shop' })).map((d) => [d.deliveryId, d.status]), [['c', 'PENDING'], ['b', 'DELIVERED'], ['a', 'PENDING']]);
      assert.deepEqual((await s.alerts.listDeliveries({ channel: 'ops_hook' })).map((d) => d.deliveryId), ['b']);
      assert.deepEqual((await s.alerts.listDeliveries({ limit: 1 })).map((d) => d.deliveryId), ['c']);
      await s.alerts.recordAttempt('c', { status: 'FAILED', attempts: 1, nextAttemptAt: null, error: 'HTTP 404', at: 9000 });
      await s.alerts.recordAttempt('a', { status: 'ACCEPTED', attempts: 2, nextAttemptAt: null, error: null, at: 9000 });
      assert.equal(await s.alerts.nextDueAt('shop'), undefined);
    }));

    if (options.reopen) {
      it('pending deliveries, open problems and the cursor survive closing and reopening', async () => {
        const first = await open();
        await first.alerts.commitRouting({ project: 'shop', cursor: { eventId: 7, signalId: 2 }, opened: [problem()], resolved: [], deliveries: [delivery('d1', 1000)] });
        await first.close();
        const again = await options.reopen!(first);
        try {
          assert.deepEqual(await again.alerts.routerCursor('shop'), { eventId: 7, signalId: 2 });
          assert.equal((await again.alerts.openProblems('shop')).length, 1);
          assert.deepEqual((await again.alerts.dueDeliveries(1000)).map((d) => d.deliveryId), ['d1']);
        } finally {
          await again.close();
        }
      });
    }
  });
}

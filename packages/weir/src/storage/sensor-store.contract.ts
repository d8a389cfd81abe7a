/** The SensorStore contract every storage backend must pass: call sensorStoreContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Storage } from './storage.js';
import { withFreshStorage } from './with-fresh-storage.js';

/**
 * Registers the sensor store tests under `describe(backendName)`. `open` returns a new, empty, migrated store;
 * `reopen` opens again the store a closed one was (the restart test).
 *
 * @example
 * sensorStoreContract('sqlite file', () => openSqliteStorage(tempFile()), (s) => openSqliteStorage((s as SqliteStorage).path));
 */
export function sensorStoreContract(backendName: string, open: () => Promise<Storage>, reopen?: (closed: Storage) => Promise<Storage>): void {
  const withStorage = withFreshStorage(open);

  describe(`${backendName}: sensor store`, () => {
    it('a sensor never evaluated has no state; an evaluation records its times and cursor', () => withStorage(async (s) => {
      assert.equal((await s.sensors.sensorStates('shop')).size, 0);
      const recorded = await s.sensors.recordEvaluation({
        project: 'shop', sensorName: 'erp', startedAt: 1000, durationMs: 25, status: 'REQUESTED', runIds: ['r1', 'r2'], reason: 'result changed', cursor: 'c1',
      });
      assert.deepEqual({ ...recorded, id: 0 }, {
        id: 0, project: 'shop', sensorName: 'erp', startedAt: 1000, durationMs: 25, status: 'REQUESTED', runIds: ['r1', 'r2'], reason: 'result changed', slow: false, cursor: 'c1',
      });
      assert.deepEqual((await s.sensors.sensorStates('shop')).get('erp'), {
        sensorName: 'erp', state: 'RUNNING', cursor: 'c1', lastEvaluationStartedAt: 1000, lastEvaluationEndedAt: 1025, lastStatus: 'REQUESTED',
      });
      assert.equal((await s.sensors.sensorStates('other')).size, 0, 'states are per project');
    }));

    it('an evaluation without a cursor keeps the stored one; an error and slowness are kept', () => withStorage(async (s) => {
      await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'erp', startedAt: 1000, durationMs: 1, status: 'SKIPPED', cursor: 'c1' });
      const failed = await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'erp', startedAt: 2000, durationMs: 90_000, status: 'ERROR', error: 'boom', slow: true });
      assert.equal(failed.cursor, 'c1');
      assert.equal(failed.error, 'boom');
      assert.equal(failed.slow, true);
      const state = (await s.sensors.sensorStates('shop')).get('erp')!;
      assert.equal(state.cursor, 'c1');
      assert.equal(state.lastEvaluationEndedAt, 92_000);
      assert.equal(state.lastStatus, 'ERROR');
    }));

    it('pause and resume keep the cursor; a webhook call (updatesState: false) leaves the state alone', () => withStorage(async (s) => {
      await s.sensors.setSensorState('shop', 'erp', 'PAUSED', 500);
      assert.equal((await s.sensors.sensorStates('shop')).get('erp')!.state, 'PAUSED');
      await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'erp', startedAt: 1000, durationMs: 1, status: 'SKIPPED', cursor: 'c9' });
      assert.equal((await s.sensors.sensorStates('shop')).get('erp')!.state, 'PAUSED', 'an evaluation does not resume a paused sensor');
      await s.sensors.setSensorState('shop', 'erp', 'RUNNING', 2000);
      assert.deepEqual((await s.sensors.sensorStates('shop')).get('erp'), {
        sensorName: 'erp', state: 'RUNNING', cursor: 'c9', lastEvaluationStartedAt: 1000, lastEvaluationEndedAt: 1001, lastStatus: 'SKIPPED',
      });
      await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'hook', startedAt: 3000, durationMs: 0, status: 'REJECTED', error: 'bad signature', updatesState: false });
      assert.equal((await s.sensors.sensorStates('shop')).has('hook'), false);
      assert.equal((await s.sensors.listEvaluations('shop', 'hook'))[0]!.status, 'REJECTED');
    }));

    it('evaluations come newest first, paged by id', () => withStorage(async (s) => {
      for (let i = 0; i < 25; i++) {
        await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'erp', startedAt: i * 1000, durationMs: i, status: 'SKIPPED' });
        await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'other', startedAt: i * 1000, durationMs: i, status: 'SKIPPED' });
      }
      const first = await s.sensors.listEvaluations('shop', 'erp', { limit: 10 });
      assert.deepEqual(first.map((e) => e.startedAt), [24, 23, 22, 21, 20, 19, 18, 17, 16, 15].map((i) => i * 1000));
      const second = await s.sensors.listEvaluations('shop', 'erp', { limit: 10, beforeId: first.at(-1)!.id });
      assert.deepEqual(second.map((e) => e.startedAt), [14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map((i) => i * 1000));
      const last = await s.sensors.listEvaluations('shop', 'erp', { limit: 10, beforeId: second.at(-1)!.id });
      assert.equal(last.length, 5);
      assert.ok([...first, ...second, ...last].every((e) => e.sensorName === 'erp'));
    }));

    it('processed items are recorded with the evaluation, a changed fingerprint replaces the old one', () => withStorage(async (s) => {
      const items = Array.from({ length: 1200 }, (_, i) => ({ key: `inbox/f${i}.csv`, fingerprint: `${i}:1` }));
      await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'files', startedAt: 1, durationMs: 1, status: 'REQUESTED', processed: items });
      await s.sensors.recordEvaluation({ project: 'shop', sensorName: 'files', startedAt: 2, durationMs: 1, status: 'REQUESTED', processed: [{ key: 'inbox/f3.csv', fingerprint: '99:2' }] });
      const processed = await s.sensors.processedItems('shop', 'files');
      assert.equal(processed.size, 1200);
      assert.equal(processed.get('inbox/f3.csv'), '99:2');
      assert.equal(processed.get('inbox/f4.csv'), '4:1');
      assert.equal((await s.sensors.processedItems('shop', 'other')).size, 0);
    }));

    if (reopen) {
      it('cursors, processed items, pauses and evaluations survive closing and reopening the store (a restart)', async () => {
        const first = await open();
        await first.sensors.recordEvaluation({ project: 'shop', sensorName: 'files', startedAt: 10, durationMs: 5, status: 'REQUESTED', runIds: ['r1'], cursor: 'after-10', processed: [{ key: 'inbox/a.xlsx', fingerprint: '2048:1767225600000' }] });
        await first.sensors.setSensorState('shop', 'erp', 'PAUSED', 20);
        await first.close();
        const second = await reopen(first);
        try {
          const states = await second.sensors.sensorStates('shop');
          assert.equal(states.get('files')!.cursor, 'after-10');
          assert.equal(states.get('erp')!.state, 'PAUSED');
          assert.deepEqual([...(await second.sensors.processedItems('shop', 'files'))], [['inbox/a.xlsx', '2048:1767225600000']]);
          assert.deepEqual((await second.sensors.listEvaluations('shop', 'files')).map((e) => e.runIds), [['r1']]);
        } finally {
          await second.close();
        }
      });
    }
  });
}

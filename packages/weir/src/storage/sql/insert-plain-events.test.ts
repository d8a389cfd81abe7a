// insertPlainEvents' two ways of learning the ids of a multi-row INSERT give the ids that were stored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventType, type NewEvent } from '../../events/index.js';
import { openSqliteStorage } from '../sqlite/sqlite-storage.js';
import { SqlEventLog } from './sql-event-log.js';

const line = (i: number): NewEvent => ({ runId: 'r1', project: 'shop', type: EventType.LOG, stepKey: 'orders', timestamp: i, message: `line ${i}`, data: { level: 'info' } });

describe('insertPlainEvents', () => {
  for (const consecutiveInsertIds of [true, false]) {
    it(`${consecutiveInsertIds ? 'from the last insert id (SQLite)' : 'with RETURNING (portable)'}: records carry the stored ids, in order`, async () => {
      const storage = await openSqliteStorage(':memory:');
      try {
        await storage.runs.createRun({ runId: 'r1', project: 'shop', trigger: 'manual', selection: null, stepKeys: ['orders'], createdAt: 1 });
        const events = new SqlEventLog(storage.db, { consecutiveInsertIds });
        // 1,234: two full INSERTs of 500 rows and a shorter one.
        const records = await events.appendBatch(Array.from({ length: 1234 }, (_, i) => line(i)));
        const stored = await events.eventsForRun('r1', { types: [EventType.LOG] });
        assert.deepEqual(records, stored);
        assert.deepEqual(stored.map((e) => e.message), Array.from({ length: 1234 }, (_, i) => `line ${i}`));
      } finally {
        await storage.close();
      }
    });
  }
});

// The executing process's loop on a real SQLite store: it writes heartbeats on its clock and calls onStop once when
// a cancel is recorded (by any process) or the run was ended by someone else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import { HEARTBEAT_INTERVAL_MS, STOP_POLL_INTERVAL_MS, startRunHeartbeat } from './run-heartbeat.js';

const until = async (what: string, check: () => Promise<boolean> | boolean) => {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('startRunHeartbeat', () => {
  it('beats on its clock, stops once on a cancel request, and stops polling when stopped', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      await storage.runs.createRun({ runId: 'r', project: 'p', trigger: 'cli', selection: null, stepKeys: [], createdAt: 0 });
      await storage.runs.recordExecutor('r', { host: 'h', pid: 1, processStart: null }, 1_000);
      let clock = 1_000;
      let stops = 0;
      const heartbeat = startRunHeartbeat(storage.runs, 'r', { onStop: () => { stops++; }, now: () => clock });
      const heartbeatAt = async () => (await storage.runs.listExecutions({ statuses: ['QUEUED'], runIds: ['r'] }))[0]!.heartbeatAt;
      clock += HEARTBEAT_INTERVAL_MS - 1;
      await new Promise((r) => setTimeout(r, STOP_POLL_INTERVAL_MS + 100));
      assert.equal(await heartbeatAt(), 1_000, 'not yet due');
      clock += 1;
      await until('a heartbeat', async () => (await heartbeatAt()) === clock);

      assert.equal(stops, 0);
      await storage.runs.requestCancel('r', clock);
      await until('onStop', () => stops === 1);
      await new Promise((r) => setTimeout(r, STOP_POLL_INTERVAL_MS + 100));
      assert.equal(stops, 1, 'called once');

      await heartbeat.stop();
      clock += HEARTBEAT_INTERVAL_MS;
      await new Promise((r) => setTimeout(r, STOP_POLL_INTERVAL_MS + 100));
      assert.equal(await heartbeatAt(), clock - HEARTBEAT_INTERVAL_MS, 'no beat after stop');
    } finally {
      await storage.close();
    }
  });
});

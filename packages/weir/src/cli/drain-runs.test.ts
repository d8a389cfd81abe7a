/** Shutdown of a serving process: a closed launcher refuses runs; drainRuns waits for the grace, then cancels. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWeirError } from '../shared/errors.js';
import { openServerFixture } from '../server/server-fixture.js';
import { closableLauncher, drainRuns } from './drain-runs.js';

describe('drain runs', () => {
  it('a run that ends within the grace period finishes; one still running after it is cancelled (CANCELED)', async () => {
    const f = await openServerFixture({ seed: false });
    try {
      const open = f.holdSlow();
      const quick = await f.launcher.launch({ trigger: 'api', stepKeys: ['slow'] });
      while (!f.launcher.running().length) await new Promise((r) => setTimeout(r, 5));
      setTimeout(open, 50);
      const finished = await drainRuns(f.launcher, { graceMs: 5000 });
      assert.deepEqual(finished, { finished: [quick.runId], canceled: [] });
      assert.equal((await f.storage.runs.getRun(quick.runId))!.status, 'SUCCESS');

      f.holdSlow(); // never opened
      const stuck = await f.launcher.launch({ trigger: 'api', stepKeys: ['slow'] });
      while (!f.launcher.running().length) await new Promise((r) => setTimeout(r, 5));
      const cancelled: string[][] = [];
      const outcome = await drainRuns(f.launcher, { graceMs: 200, onCancel: (ids) => cancelled.push(ids) });
      assert.deepEqual(outcome, { finished: [], canceled: [stuck.runId] });
      assert.deepEqual(cancelled, [[stuck.runId]]);
      assert.equal((await f.storage.runs.getRun(stuck.runId))!.status, 'CANCELED');
    } finally {
      f.state.gate = undefined;
      await f.close();
    }
  });

  it('a closed launcher refuses new runs, and the API answers 503 SERVING_PROCESS_STOPPING', async () => {
    const f = await openServerFixture({ seed: false });
    try {
      const gate = closableLauncher(f.launcher, 'weir serve');
      gate.close();
      await assert.rejects(gate.launch({ trigger: 'api' }), (error: unknown) => {
        assert.ok(isWeirError(error));
        assert.equal(error.code, 'SERVING_PROCESS_STOPPING');
        assert.match(error.message, /^weir serve is stopping and starts no new run\. Launch it again once the process has restarted/);
        return true;
      });
      const { createApp } = await import('../server/app.js');
      const app = createApp({ project: () => f.snapshot, storage: f.storage, launcher: gate });
      const response = await app.request('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'SERVING_PROCESS_STOPPING');
    } finally {
      await f.close();
    }
  });
});

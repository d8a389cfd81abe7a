// POST /api/runs, /api/runs/:id/cancel and /api/runs/:id/reexecute, with real runs through the in-process launcher.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../app.js';
import { runDetailSchema, runPageSchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';
import { spawnSync } from 'node:child_process';
import { currentProcess } from '../../shared/process-identity.js';

const post = (body?: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('run action routes', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture(); });
  after(() => f.close());

  it('launches a selection: 202 with the run id at once, the run completes and is listed', async () => {
    const open = f.holdSlow();
    const res = await f.request('/api/runs', post({ select: ['slow', 'orders'], trigger: 'ui' }));
    assert.equal(res.status, 202);
    const { runId } = await res.json() as any;
    // Answered while the run is still going: `slow` is held.
    assert.deepEqual(f.launcher.running(), [runId]);
    const running = await f.json(`/api/runs/${runId}`, runDetailSchema);
    assert.ok(['QUEUED', 'STARTED'].includes(running.body.run.status));
    open();
    await f.launcher.idle();
    const { body } = await f.json('/api/runs?trigger=ui', runPageSchema);
    assert.equal(body.runs[0]!.runId, runId);
    assert.equal(body.runs[0]!.status, 'SUCCESS');
    assert.equal(body.runs[0]!.selection, 'slow orders');
    assert.deepEqual(body.runs[0]!.stepKeys, ['orders_file', 'orders', 'slow']);
  });

  it('launches everything with an empty body, exact step keys, and skipUnchanged', async () => {
    f.state.qualityRows = 3;
    const all = await f.request('/api/runs', { method: 'POST' });
    assert.equal(all.status, 202);
    await f.launcher.idle();
    const run = (await f.storage.runs.getRun((await all.json() as any).runId))!;
    assert.equal(run.selection, null);
    assert.equal(run.stepKeys.length, 6);
    assert.equal(run.trigger, 'api');
    const exact = await f.request('/api/runs', post({ stepKeys: ['report'], skipUnchanged: true }));
    assert.equal(exact.status, 202);
    await f.launcher.idle();
    const reused = await f.json(`/api/runs/${(await exact.json() as any).runId}`, runDetailSchema);
    assert.deepEqual(reused.body.steps.map((s) => `${s.key}:${s.status}`), ['report:reused']);
    f.state.qualityRows = 4;
  });

  it('answers 400 to a bad selection, bad JSON, unknown fields or wrong types, and launches nothing', async () => {
    const before = await f.storage.runs.countRuns();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ select: 'ordrs' }, 'INVALID_SELECTION', /selector 'ordrs' matches no asset.*orders/],
      [{ select: 'tag:nightly' }, 'INVALID_SELECTION', /tag:nightly/],
      [{ select: 'orders', exclude: 'orders' }, 'EMPTY_SELECTION', /no asset/],
      [{ stepKeys: ['nope'] }, 'UNKNOWN_STEP', /'nope'/],
      ['{"select": ', 'INVALID_JSON', /not valid JSON/],
      [{ selection: 'orders' }, 'INVALID_BODY', /selection/],
      [{ select: 42 }, 'INVALID_BODY', /select/],
      [{ stepKeys: [] }, 'INVALID_BODY', /stepKeys/],
      [{ trigger: 'schedule' }, 'INVALID_BODY', /trigger/],
    ];
    for (const [body, code, message] of cases) {
      const res = await f.request('/api/runs', post(body));
      const json = await res.json() as any;
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(json.error.code, code, JSON.stringify(body));
      assert.match(json.error.message, message);
    }
    assert.equal(await f.storage.runs.countRuns(), before);
  });

  it('cancels a running run; answers 409 for a finished one and 404 for an unknown one', async () => {
    f.holdSlow();
    const { runId } = await (await f.request('/api/runs', post({ select: 'slow' }))).json() as any;
    await until('slow to start', async () => {
      const events = await f.storage.events.eventsForRun(runId, { types: ['STEP_START'] });
      return events.length ? true : undefined;
    });
    const res = await f.request(`/api/runs/${runId.slice(0, 8)}/cancel`, { method: 'POST' });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json() as any, { runId, status: 'CANCELING' });
    await f.launcher.idle();
    f.state.gate = undefined;
    assert.equal((await f.storage.runs.getRun(runId))!.status, 'CANCELED');
    const again = await f.request(`/api/runs/${runId}/cancel`, { method: 'POST' });
    assert.equal(again.status, 409);
    assert.equal((await again.json() as any).error.code, 'RUN_FINISHED');
    assert.equal((await f.request('/api/runs/ffffffff/cancel', { method: 'POST' })).status, 404);
  });

  it('cancels a run executing in another process: records the request (202 CANCELING), or ends it when its process is gone (202 CANCELED)', async () => {
    const project = f.snapshot.definitions.project.name;
    const seed = async (runId: string, executor: { host: string; pid: number; processStart: string | null }) => {
      await f.storage.runs.createRun({ runId, project, trigger: 'cli', selection: 'orders', stepKeys: ['orders'], createdAt: Date.now() });
      await f.storage.runs.recordExecutor(runId, executor, Date.now());
      await f.storage.events.append({ runId, project, type: 'RUN_START', stepKey: null, timestamp: Date.now(), message: '', data: { stepKeys: ['orders'], concurrency: 1 } });
    };
    // Alive (this very process), but not a run of this server's launcher: its own heartbeat loop would act on it.
    await seed('e15e0000-0000-4000-8000-000000000001', currentProcess());
    const elsewhere = await f.request('/api/runs/e15e0000/cancel', { method: 'POST' });
    assert.equal(elsewhere.status, 202);
    assert.deepEqual(await elsewhere.json() as any, { runId: 'e15e0000-0000-4000-8000-000000000001', status: 'CANCELING' });
    assert.deepEqual(await f.storage.runs.runsToStop(['e15e0000-0000-4000-8000-000000000001']), ['e15e0000-0000-4000-8000-000000000001']);
    // Its process is gone: ended at once.
    await seed('dead0000-0000-4000-8000-000000000002', { host: currentProcess().host, pid: spawnSync(process.execPath, ['-e', '0']).pid!, processStart: null });
    const dead = await f.request('/api/runs/dead0000/cancel', { method: 'POST' });
    assert.equal(dead.status, 202);
    assert.deepEqual(await dead.json() as any, { runId: 'dead0000-0000-4000-8000-000000000002', status: 'CANCELED' });
    assert.equal((await f.storage.runs.getRun('dead0000-0000-4000-8000-000000000002'))?.status, 'CANCELED');
    // Leave the fixture's runs finished for the tests that follow.
    await f.storage.runs.endRun('e15e0000-0000-4000-8000-000000000001', [{ runId: 'e15e0000-0000-4000-8000-000000000001', project, type: 'RUN_CANCELED', stepKey: null, timestamp: Date.now(), message: '', data: { durationMs: 0, succeeded: [], failed: [], skipped: [] } }]);
  });

  it('re-executes from failure: the failed and skipped steps, once the check is fixed, with parent and root ids', async () => {
    f.state.qualityRows = 3; // the data is fixed
    const res = await f.request(`/api/runs/${f.runs.failed}/reexecute`, post({ mode: 'from_failure' }));
    assert.equal(res.status, 202);
    const { runId } = await res.json() as any;
    await f.launcher.idle();
    const { body } = await f.json(`/api/runs/${runId}`, runDetailSchema);
    assert.equal(body.run.status, 'SUCCESS');
    assert.equal(body.run.trigger, 'reexecution');
    assert.equal(body.run.parentRunId, f.runs.failed);
    assert.equal(body.run.rootRunId, f.runs.failed);
    assert.deepEqual(body.run.stepKeys, ['quality', 'report'], 'quality failed and report was skipped; orders succeeded and is read as published');
    assert.deepEqual(body.checks.map((c) => [c.checkName, c.passed]), [['quality_rows', true]]);

    // A re-execution of a re-execution keeps the root.
    const again = await f.request(`/api/runs/${runId}/reexecute`, post({ mode: 'selected', stepKeys: ['report'] }));
    await f.launcher.idle();
    const child = (await f.storage.runs.getRun((await again.json() as any).runId))!;
    assert.equal(child.parentRunId, runId);
    assert.equal(child.rootRunId, f.runs.failed);
    assert.deepEqual(child.stepKeys, ['report']);
    f.state.qualityRows = 4;
  });

  it('re-executes all steps, and refuses what cannot be re-executed', async () => {
    const all = await f.request(`/api/runs/${f.runs.ok}/reexecute`, post({ mode: 'all' }));
    assert.equal(all.status, 202);
    await f.launcher.idle();
    const run = (await f.storage.runs.getRun((await all.json() as any).runId))!;
    assert.deepEqual(run.stepKeys, (await f.storage.runs.getRun(f.runs.ok))!.stepKeys);
    const cases: Array<[string, unknown, number, string]> = [
      [f.runs.ok, { mode: 'from_failure' }, 409, 'NOTHING_TO_REEXECUTE'],
      [f.runs.ok, { mode: 'selected' }, 400, 'INVALID_BODY'],
      [f.runs.ok, { mode: 'selected', stepKeys: ['gone'] }, 400, 'UNKNOWN_STEP'],
      [f.runs.ok, { mode: 'sometimes' }, 400, 'INVALID_BODY'],
      [f.runs.ok, '{bad', 400, 'INVALID_JSON'],
      ['ffffffff', { mode: 'all' }, 404, 'UNKNOWN_RUN'],
    ];
    for (const [id, body, status, code] of cases) {
      const res = await f.request(`/api/runs/${id}/reexecute`, post(body));
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal((await res.json() as any).error.code, code, JSON.stringify(body));
    }
  });

  it('answers 503 to launches on a server without a launcher (read-only)', async () => {
    const readOnly = createApp({ project: () => f.snapshot, storage: f.storage });
    const res = await readOnly.request('/api/runs', post({ select: 'orders' }));
    assert.equal(res.status, 503);
    assert.equal((await res.json() as any).error.code, 'LAUNCH_UNAVAILABLE');
    assert.equal((await readOnly.request('/api/runs')).status, 200);
  });
});

// A run whose process died: once `weir dev`'s watch (or any process opening the metadata) ends it, the run page, the
// runs list and the overview show it failed, and its live event stream ends with the terminal event.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { watchForDeadRuns, localLiveness } from '../engine/end-dead-runs.js';
import { overviewSchema, runDetailSchema, runPageSchema } from './api-schemas.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

/** The raw SSE text until the stream ends (or `timeoutMs`). */
async function readStream(response: Response, timeoutMs = 10_000): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => void reader.cancel(new Error('timeout')), timeoutMs);
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  } finally {
    clearTimeout(timer);
  }
}

describe('a dead run in the views', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ pollIntervalMs: 50 }); });
  after(() => f.close());

  it('is ended by the watch, shown failed everywhere, and its event stream ends', async () => {
    const runId = '0dead000-0000-4000-8000-000000000009';
    const pid = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    const project = f.snapshot.definitions.project.name;
    await f.storage.runs.createRun({ runId, project, trigger: 'cli', selection: 'orders', stepKeys: ['orders_file', 'orders'], createdAt: Date.now() - 2000 });
    await f.storage.runs.recordExecutor(runId, { host: localLiveness().host, pid, processStart: null }, Date.now() - 2000);
    await f.storage.events.append({ runId, project, type: 'RUN_START', stepKey: null, timestamp: Date.now() - 1900, message: 'Run started', data: { stepKeys: ['orders_file', 'orders'], concurrency: 1 } });
    await f.storage.events.append({ runId, project, type: 'STEP_START', stepKey: 'orders_file', timestamp: Date.now() - 1800, message: 'Observing', data: { attempt: 1, kind: 'observe' } });
    assert.equal((await f.json(`/api/runs/${runId}`, runDetailSchema)).body.run.status, 'STARTED');
    assert.equal((await f.json('/api/overview', overviewSchema)).body.activeRuns, 1);

    const stream = readStream(await f.request(`/api/runs/${runId}/events/stream`));
    const stop = watchForDeadRuns(f.storage, { intervalMs: 50 });
    let text: string;
    try {
      text = await stream;
    } finally {
      await stop();
    }
    assert.match(text, /"type":"STEP_FAILURE"/);
    assert.match(text, /"type":"RUN_FAILURE"/);
    assert.match(text, new RegExp(`event: end\\ndata: \\{"runId":"${runId}","status":"FAILURE"\\}`));

    const detail = (await f.json(`/api/runs/${runId}`, runDetailSchema)).body;
    assert.equal(detail.run.status, 'FAILURE');
    const step = detail.steps.find((s) => s.key === 'orders_file')!;
    assert.equal(step.status, 'failed');
    assert.match(step.reason ?? '', new RegExp(`^the process running it stopped: pid ${pid} on .*, last seen .* UTC$`));
    assert.equal(detail.steps.find((s) => s.key === 'orders')!.status, 'pending');
    const page = (await f.json(`/api/runs`, runPageSchema)).body;
    assert.equal(page.runs.find((r) => r.runId === runId)?.status, 'FAILURE');
    assert.equal((await f.json('/api/overview', overviewSchema)).body.activeRuns, 0);
  });
});

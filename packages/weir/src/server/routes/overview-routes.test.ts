// GET /api/overview: the home page's recent runs, failing checks, assets failed or stale, and runs per day.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overviewSchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('GET /api/overview', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture(); });
  after(() => f.close());

  it('shows recent runs, failing checks, assets with a problem and runs per day', async () => {
    const { status, body } = await f.json('/api/overview?days=3', overviewSchema);
    assert.equal(status, 200);
    assert.deepEqual(body.recentRuns.map((r) => r.runId), [f.runs.failed, f.runs.ok]);
    assert.equal(body.activeRuns, 0);
    assert.deepEqual(body.failingChecks.map((c) => [c.assetKey, c.name, c.status, c.latest.observed]), [['quality', 'quality_rows', 'failed', 4]]);
    // quality's check failed; report is downstream of it and was skipped; nothing else is wrong.
    assert.deepEqual(body.assets.map((a) => [a.key, a.problem]), [['quality', 'check_failed']]);
    assert.equal(body.runsPerDay.length, 3);
    const today = body.runsPerDay.at(-1)!;
    assert.equal(today.day, new Date().toISOString().slice(0, 10));
    assert.deepEqual([today.total, today.byStatus.SUCCESS, today.byStatus.FAILURE], [2, 1, 1]);
    assert.ok(body.runsPerDay.slice(0, -1).every((d) => d.total === 0));
  });

  it('lists an asset whose step failed after its last materialization as failed', async () => {
    // A run in which `quality` errors (not a check fails): `range(NaN)` names no column DuckDB knows.
    f.state.qualityRows = Number.NaN;
    const run = await f.runToEnd({ select: 'quality' });
    f.state.qualityRows = 3;
    assert.equal(run.status, 'FAILURE');
    const { body } = await f.json('/api/overview', overviewSchema);
    const quality = body.assets.find((a) => a.key === 'quality');
    assert.deepEqual([quality?.problem, quality?.runId], ['failed', run.runId]);
    assert.equal(body.recentRuns[0]!.runId, run.runId);
  });

  it('answers 400 to a bad window or offset', async () => {
    for (const query of ['days=0', 'days=91', 'utcOffsetMinutes=900', 'runs=abc']) {
      const { status, body } = await f.json(`/api/overview?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'INVALID_QUERY');
    }
  });
});

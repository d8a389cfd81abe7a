// GET /api/runs (filters, paging, 4xx), GET /api/runs/:id (prefixes, steps) and GET /api/runs/:id/events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventPageSchema, runDetailSchema, runPageSchema, type RunPage } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('run routes', () => {
  let f: ServerFixture;
  let extra: string[];
  before(async () => {
    f = await openServerFixture();
    f.state.qualityRows = 3;
    extra = [];
    for (let i = 0; i < 3; i++) extra.push((await f.runToEnd({ select: 'orders', trigger: 'api' })).runId);
  });
  after(() => f.close());

  it('lists runs newest first with the total', async () => {
    const { status, body } = await f.json('/api/runs', runPageSchema);
    assert.equal(status, 200);
    assert.equal(body.total, 5);
    assert.equal(body.totalIsExact, true);
    assert.deepEqual(body.runs.map((r) => r.runId), [...extra].reverse().concat([f.runs.failed, f.runs.ok]));
    assert.equal(body.nextCursor, null);
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: RunPage } = await f.json(`/api/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, runPageSchema);
      seen.push(...body.runs.map((r) => r.runId));
      assert.equal(body.total, 5, 'total counts every page');
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);
  });

  it('filters by status (repeatable or comma-separated), asset, trigger and date range', async () => {
    const ids = async (query: string) => (await f.json(`/api/runs?${query}`, runPageSchema)).body.runs.map((r) => r.runId);
    assert.deepEqual(await ids('status=FAILURE'), [f.runs.failed]);
    assert.equal((await ids('status=FAILURE&status=SUCCESS')).length, 5);
    assert.equal((await ids('status=FAILURE,SUCCESS')).length, 5);
    assert.deepEqual(await ids('asset=report'), [f.runs.failed, f.runs.ok]);
    assert.deepEqual(await ids('trigger=cli'), [f.runs.ok]);
    const ok = (await f.storage.runs.getRun(f.runs.ok))!;
    assert.deepEqual(await ids(`until=${ok.createdAt + 1}`), [f.runs.ok]);
    assert.equal((await ids(`since=${ok.createdAt + 1}`)).length, 4);
    assert.equal((await ids('since=2000-01-01')).length, 5);
    assert.equal((await ids('until=2000-01-01T00:00:00Z')).length, 0);
    const { body } = await f.json('/api/runs?status=SUCCESS&trigger=api&limit=1', runPageSchema);
    assert.equal(body.total, 3);
    assert.equal(body.runs.length, 1);
  });

  it('answers 400 with details to a bad limit, status, trigger, date or cursor', async () => {
    const cases: Array<[string, string, string]> = [
      ['limit=0', 'INVALID_QUERY', 'limit'], ['limit=201', 'INVALID_QUERY', 'limit'], ['limit=abc', 'INVALID_QUERY', 'limit'],
      ['status=DONE', 'INVALID_QUERY', 'status.0'], ['trigger=cron', 'INVALID_QUERY', 'trigger'], ['since=yesterday', 'INVALID_QUERY', 'since'],
      ['since=2024-13-45', 'INVALID_QUERY', 'since'], ['cursor=abc', 'INVALID_QUERY', 'cursor'],
      ['cursor=00000000-0000-4000-8000-000000000000', 'INVALID_CURSOR', ''],
    ];
    for (const [query, code, path] of cases) {
      const { status, body } = await f.json(`/api/runs?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, code, query);
      if (path) assert.equal(body.error.details[0].path, path, query);
      assert.equal(typeof body.error.message, 'string');
    }
  });

  it('shows one run by full id or unique prefix: steps with attempts, materializations, checks, inputs read', async () => {
    for (const id of [f.runs.failed, f.runs.failed.slice(0, 8), f.runs.failed.toUpperCase().slice(0, 6)]) {
      const { status, body } = await f.json(`/api/runs/${id}`, runDetailSchema);
      assert.equal(status, 200, id);
      assert.equal(body.run.runId, f.runs.failed);
    }
    const { body } = await f.json(`/api/runs/${f.runs.failed}`, runDetailSchema);
    assert.equal(body.run.status, 'FAILURE');
    assert.deepEqual(body.steps.map((s) => `${s.key}:${s.status}`), ['orders_file:succeeded', 'orders:succeeded', 'quality:failed', 'report:skipped', 'sales/by_customer:succeeded']);
    const quality = body.steps.find((s) => s.key === 'quality')!;
    assert.equal(quality.attempts.length, 1);
    assert.deepEqual(quality.checks, { passed: 0, failed: 1, warned: 0, couldNotRun: 0 });
    assert.equal(body.lastEventId > 0, true, 'the snapshot says which events it holds');
    assert.deepEqual(body.materializations.map((m) => m.assetKey).sort(), ['orders', 'sales/by_customer']);
    assert.deepEqual(body.checks.map((c) => [c.checkName, c.passed]).sort(), [['quality_rows', false], ['row_count', true], ['unique_id', true]]);
    assert.equal(body.observations.length, 1);
    assert.equal(body.observations[0]!.assetKey, 'orders_file');
  });

  it('answers 404 to an unknown run and 400 to a malformed id', async () => {
    const unknown = await f.json('/api/runs/ffffffff');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'UNKNOWN_RUN');
    const malformed = await f.json('/api/runs/not-a-run!');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'INVALID_PARAMS');
    assert.equal((await f.json('/api/runs/ffffffff/events')).status, 404);
  });

  it('pages a run\'s events with afterId, types, step and limit', async () => {
    const all = (await f.json(`/api/runs/${f.runs.ok}/events?limit=5000`, eventPageSchema)).body;
    assert.equal(all.hasMore, false);
    assert.deepEqual(all.events.map((e) => e.type).slice(0, 2), ['RUN_ENQUEUED', 'RUN_START']);
    assert.equal(all.events.at(-1)!.type, 'RUN_SUCCESS');
    const first = (await f.json(`/api/runs/${f.runs.ok}/events?limit=3`, eventPageSchema)).body;
    assert.deepEqual(first.events.map((e) => e.id), all.events.slice(0, 3).map((e) => e.id));
    assert.equal(first.hasMore, true);
    const next = (await f.json(`/api/runs/${f.runs.ok}/events?limit=3&afterId=${first.nextAfterId}`, eventPageSchema)).body;
    assert.deepEqual(next.events.map((e) => e.id), all.events.slice(3, 6).map((e) => e.id));
    const logs = (await f.json(`/api/runs/${f.runs.ok}/events?types=LOG&step=orders`, eventPageSchema)).body;
    assert.ok(logs.events.length >= 1);
    assert.ok(logs.events.every((e) => e.type === 'LOG' && e.stepKey === 'orders'));
    const checks = (await f.json(`/api/runs/${f.runs.ok}/events?types=ASSET_CHECK_EVALUATION,STEP_SUCCESS`, eventPageSchema)).body;
    assert.deepEqual([...new Set(checks.events.map((e) => e.type))].sort(), ['ASSET_CHECK_EVALUATION', 'STEP_SUCCESS']);
    for (const query of ['types=NOPE', 'limit=0', 'afterId=-3', 'afterId=x']) {
      const { status, body } = await f.json(`/api/runs/${f.runs.ok}/events?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'INVALID_QUERY');
    }
  });
});

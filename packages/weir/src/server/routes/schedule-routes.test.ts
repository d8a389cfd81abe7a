// GET /api/schedules and POST /api/schedules/:name/pause|resume|run on a real store with real runs: state, cron in
// words, UTC said when defaulted, next ticks, last ticks with run ids, the switch, and "run now".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchedule } from '../../definitions/schedule.js';
import { scheduleListSchema, scheduleRunResponseSchema, scheduleStateResponseSchema, scheduleTickPageSchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

const NOW = Date.parse('2026-02-15T09:00:00Z');
const monthly = defineSchedule({ name: 'monthly_report', select: 'orders+', cron: '0 6 1 * *', timezone: 'Europe/Brussels', tags: { team: 'shop' } }, { origin: 'typescript' });
const hourly = defineSchedule({ name: 'hourly', select: 'tag:daily', cron: '0 * * * *' }, { origin: 'yaml' });
const post = { method: 'POST' };
// An asset's automation: { cron } schedule: its name holds ':' and, for a key with parts, '/'.
const byCustomer = defineSchedule({ name: 'asset:sales/by_customer', select: 'key:sales/by_customer', cron: '0 6 * * *', timezone: 'Europe/Brussels' }, { origin: 'asset', assetKey: 'sales/by_customer' });

describe('schedule routes', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false, now: () => NOW, schedules: [monthly, hourly, byCustomer] }); });
  after(() => f.close());

  it('lists each schedule: cron in words with its zone, UTC flagged as the default, the next 5 ticks, state', async () => {
    const { status, body } = await f.json('/api/schedules', scheduleListSchema);
    assert.equal(status, 200);
    const [m, h] = body.schedules;
    assert.equal(m!.description, 'At 06:00, on day 1 of the month, Europe/Brussels');
    assert.equal(m!.timezoneIsDefault, false);
    assert.deepEqual(m!.nextTicks, ['2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z', '2026-05-01T04:00:00.000Z', '2026-06-01T04:00:00.000Z', '2026-07-01T04:00:00.000Z']);
    assert.equal(m!.state, 'RUNNING');
    assert.deepEqual(m!.lastTicks, []);
    assert.equal(h!.timezone, 'UTC');
    assert.equal(h!.timezoneIsDefault, true);
    assert.equal(h!.nextTicks[0], '2026-02-15T10:00:00.000Z');
  });

  it('pause and resume change the stored state; an unknown name is a 404 naming the known ones', async () => {
    const paused = await f.json('/api/schedules/monthly_report/pause', scheduleStateResponseSchema, post);
    assert.deepEqual(paused, { status: 200, body: { name: 'monthly_report', state: 'PAUSED' } });
    assert.equal((await f.storage.schedules.getState('shop', 'monthly_report'))?.paused, true);
    assert.equal((await f.json('/api/schedules', scheduleListSchema)).body.schedules[0]!.state, 'PAUSED');
    assert.equal((await f.json('/api/schedules/monthly_report/resume', scheduleStateResponseSchema, post)).body.state, 'RUNNING');
    const unknown = await f.json('/api/schedules/monthly_reprot/pause', undefined, post);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'UNKNOWN_SCHEDULE');
    assert.match(unknown.body.error.message, /Did you mean 'monthly_report'\?/);
  });

  it("an asset's schedule, named 'asset:<key>' with a '/' in the key, is reached with its name URL-encoded", async () => {
    const path = `/api/schedules/${encodeURIComponent('asset:sales/by_customer')}/pause`;
    assert.deepEqual((await f.json(path, scheduleStateResponseSchema, post)).body, { name: 'asset:sales/by_customer', state: 'PAUSED' });
    const listed = (await f.json('/api/schedules', scheduleListSchema)).body.schedules.find((s) => s.name === 'asset:sales/by_customer')!;
    assert.equal(listed.origin, 'asset');
    assert.equal(listed.assetKey, 'sales/by_customer');
    assert.equal(listed.state, 'PAUSED');
  });

  it('run now starts a tagged run, recorded as a RUN_NOW tick with its run id, listed in lastTicks and the tick pages', async () => {
    const { status, body } = await f.json('/api/schedules/monthly_report/run', scheduleRunResponseSchema, post);
    assert.equal(status, 202);
    await f.launcher.idle();
    const run = (await f.storage.runs.getRun(body.runId))!;
    assert.equal(run.trigger, 'schedule');
    assert.equal(run.status, 'SUCCESS');
    assert.deepEqual(run.tags, { team: 'shop', 'weir/schedule': 'monthly_report', 'weir/tick': '2026-02-15T09:00:00.000Z' });
    const listed = (await f.json('/api/schedules', scheduleListSchema)).body.schedules[0]!;
    assert.deepEqual(listed.lastTicks.map((t) => [t.source, t.status, t.runId]), [['RUN_NOW', 'SUBMITTED', body.runId]]);
    const page = await f.json('/api/schedules/monthly_report/ticks?limit=10', scheduleTickPageSchema);
    assert.equal(page.body.ticks.length, 1);
    assert.equal(page.body.nextBeforeId, undefined);
  });
});

// Schedules with the real CLI: weir.yaml schedules:, schedule() in TypeScript and an asset's automation, listed by
// `weir schedules [--json]`; pause and resume without a serving process (the state survives); and every bad input
// `weir validate` reports with its file and line.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { TempDirs, weir, weirJson, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const ASSETS = `import { asset, schedule } from 'weir';
export const orders = asset({ key: 'orders', tags: ['monthly'] }, () => 'select 1 as id');
export const revenue = asset({ key: 'revenue', inputs: { orders }, automation: { cron: '0 6 * * *', timezone: 'Europe/Brussels' } }, ({ orders }) => \`select * from \${orders}\`);
export const monthly = schedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', tags: { team: 'shop' } });
`;
const YAML = `name: sched_demo
schedules:
  - name: nightly
    select: "orders+"
    cron: "30 2 * * *"
    timezone: Europe/Brussels
    catchup: skip
`;

interface ScheduleJson { name: string; cron: string; timezone: string; timezoneIsDefault: boolean; description: string; select: string; state: string; origin: string; nextTicks: string[]; lastTicks: unknown[] }

describe('weir schedules', () => {
  it('lists the schedules of weir.yaml, TypeScript and assets: zone (UTC said when defaulted), cron in words, next 5 ticks', async () => {
    const dir = writeProject(temp.make(), { 'weir.yaml': YAML, 'definitions/assets.ts': ASSETS });
    const validate = await weir(['validate', '--project', dir]);
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /3 schedules/);
    assert.match(validate.stdout, /monthly_report +0 6 1 \* \* +At 06:00, on day 1 of the month, UTC \(no time zone set: UTC\)/);
    const list = await weirJson<ScheduleJson[]>(['schedules', '--json', '--project', dir]);
    assert.deepEqual(list.map((s) => [s.name, s.origin, s.timezone, s.timezoneIsDefault, s.state]), [
      ['nightly', 'yaml', 'Europe/Brussels', false, 'RUNNING'], ['monthly_report', 'typescript', 'UTC', true, 'RUNNING'], ['asset:revenue', 'asset', 'Europe/Brussels', false, 'RUNNING'],
    ]);
    assert.equal(list[1]!.description, 'At 06:00, on day 1 of the month, UTC');
    for (const s of list) {
      assert.equal(s.nextTicks.length, 5);
      assert.ok(Date.parse(s.nextTicks[0]!) > Date.now() - 1000 && s.nextTicks.every((t, i) => i === 0 || Date.parse(t) > Date.parse(s.nextTicks[i - 1]!)));
    }
    // 06:00 in Brussels is 05:00 or 04:00 UTC, whatever the machine's zone.
    assert.ok(list[2]!.nextTicks.every((t) => /T0[45]:00:00\.000Z$/.test(t)), list[2]!.nextTicks.join());
    const text = await weir(['schedules', '--project', dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /monthly_report .*0 6 1 \* \*.*\(UTC, default\).*tag:monthly.*none yet/);
    assert.match(text.stdout, /nightly {2}At 02:30, Europe\/Brussels/);
  });

  it('pause and resume write the store without a serving process; the state survives; an unknown name says which exist', async () => {
    const dir = writeProject(temp.make(), { 'weir.yaml': YAML, 'definitions/assets.ts': ASSETS });
    const paused = await weir(['schedule', 'pause', 'monthly_report', '--project', dir]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /paused {2}schedule monthly_report/);
    const states = async () => (await weirJson<ScheduleJson[]>(['schedules', '--json', '--project', dir])).map((s) => [s.name, s.state]);
    assert.deepEqual(await states(), [['nightly', 'RUNNING'], ['monthly_report', 'PAUSED'], ['asset:revenue', 'RUNNING']]);
    assert.match((await weir(['schedule', 'pause', 'monthly_report', '--project', dir])).stdout, /already paused/);
    assert.equal((await weir(['schedule', 'resume', 'monthly_report', '--project', dir])).code, 0);
    assert.deepEqual((await states())[1], ['monthly_report', 'RUNNING']);
    const unknown = await weir(['schedule', 'pause', 'monthly_reprot', '--project', dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no schedule named 'monthly_reprot'\. Did you mean 'monthly_report'\?/);
  });
});

describe('weir schedule ticks', () => {
  it('lists every recorded tick newest first: started run, skipped with why, failed with why; and the last one in weir schedules', async () => {
    const dir = writeProject(temp.make(), { 'weir.yaml': YAML, 'definitions/assets.ts': ASSETS });
    assert.match((await weir(['schedule', 'ticks', 'nightly', '--project', dir])).stdout, /No ticks of nightly yet: its first is due \d{4}-\d\d-\d\d 02:30 GMT\+[12]/);
    // Ticks as a serving process records them (weir dev / weir serve run the loop; here the store is written directly).
    const storage = await openSqliteStorage(join(dir, '.weir/metadata.sqlite'));
    const day = (d: number) => Date.parse(`2026-03-0${d}T01:30:00Z`);
    const [, b, c] = (await storage.schedules.recordDecisions('sched_demo', 'nightly', null, day(4), [
      { tickAt: day(2), status: 'SKIPPED', reason: 'missed while no Weir process ran (catchup: skip)' }, { tickAt: day(3), status: 'LAUNCHING' }, { tickAt: day(4), status: 'LAUNCHING' },
    ], day(4)))!;
    await storage.schedules.completeTick(b!.id, { status: 'FAILED', reason: "selector 'ordrs' matches no asset" }, day(4));
    await storage.schedules.completeTick(c!.id, { status: 'SUBMITTED', runId: '5b0e1c2a-0000-4000-8000-000000000000' }, day(4));
    await storage.close();
    const text = await weir(['schedule', 'ticks', 'nightly', '--project', dir]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n').slice(1);
    assert.match(lines[0]!, /^2026-03-04 02:30 GMT\+1 +✔ SUBMITTED +5b0e1c2a/);
    assert.match(lines[1]!, /^2026-03-03 02:30 GMT\+1 +✘ FAILED +selector 'ordrs' matches no asset/);
    assert.match(lines[2]!, /^2026-03-02 02:30 GMT\+1 +↷ SKIPPED +missed while no Weir process ran/);
    const json = await weirJson<Array<{ tickAt: string; status: string; runId: string | null }>>(['schedule', 'ticks', 'nightly', '--json', '-n', '2', '--project', dir]);
    assert.deepEqual(json.map((t) => [t.tickAt, t.status]), [['2026-03-04T01:30:00.000Z', 'SUBMITTED'], ['2026-03-03T01:30:00.000Z', 'FAILED']]);
    assert.match((await weir(['schedules', '--project', dir])).stdout, /nightly .*2026-03-04 02:30 GMT\+1 +✔ SUBMITTED run 5b0e1c2a/);
  });
});

describe('schedules: bad input found by weir validate', () => {
  const errorsOf = async (yaml: string, assets = ASSETS) => {
    const dir = writeProject(temp.make(), { 'weir.yaml': yaml, 'definitions/assets.ts': assets });
    const result = await weir(['validate', '--project', dir]);
    assert.equal(result.code, 1, result.stdout);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    return result.stderr.replaceAll(dir, '<dir>');
  };

  it('a malformed cron names the field and the line of cron:, with a valid example; an unknown zone suggests IANA names', async () => {
    const stderr = await errorsOf(`name: bad\nschedules:\n  - name: broken\n    select: orders\n    cron: "0 6 1 13 *"\n  - name: zone\n    select: orders\n    cron: "0 6 1 * *"\n    timezone: Europe/Brusels\n`);
    assert.match(stderr, /<dir>\/weir\.yaml:5: schedule 'broken': cron '0 6 1 13 \*' is not valid: field 4 \(month\) is '13'.*e\.g\. '0 6 1 \* \*'/);
    assert.match(stderr, /<dir>\/weir\.yaml:9: schedule 'zone': 'Europe\/Brusels' is not a time zone\. Did you mean 'Europe\/Brussels'\?/);
  });

  it('a selection that matches no asset, and two schedules of one name (both places named)', async () => {
    const stderr = await errorsOf(`name: bad\nschedules:\n  - name: monthly_report\n    select: "tag:monthlly"\n    cron: "0 6 1 * *"\n`);
    assert.match(stderr, /<dir>\/definitions\/assets\.ts:4:\d+: schedule 'monthly_report' is declared twice: weir\.yaml:3 and definitions\/assets\.ts:4/);
    assert.match(stderr, /weir\.yaml:3: schedule 'monthly_report': selector 'tag:monthlly' matches no asset\. Did you mean 'monthly'\?/);
  });

  it('in TypeScript: the file and line of the schedule() or asset() call', async () => {
    const stderr = await errorsOf('name: bad\n', `import { asset, schedule } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select 1 as id');
export const s = schedule({ name: 's', select: 'orders', cron: '0 6 * * *', timezone: 'America/New York' });
`);
    assert.match(stderr, /<dir>\/definitions\/assets\.ts:3:\d+: schedule 's': 'America\/New York' is not a time zone\. Did you mean 'America\/New_York'\?/);
    const automation = await errorsOf('name: bad\n', `import { asset } from 'weir';
export const orders = asset({ key: 'orders', automation: { cron: '0 6 * * 8' } }, () => 'select 1 as id');
`);
    assert.match(automation, /<dir>\/definitions\/assets\.ts:2:\d+: asset 'orders' automation: cron '0 6 \* \* 8' is not valid: field 5 \(day of week\)/);
  });
});

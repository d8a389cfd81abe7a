// schedule() and an asset's automation: defaults, and each bad input named (field of the cron, closest time zone).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asset } from './asset.js';
import { assetSchedule, schedule } from './schedule.js';
import { brandOf } from './brand.js';

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as Error & { code: string; location?: { file: string } };
  }
  assert.fail('no error');
};

describe('schedule()', () => {
  it('is branded, frozen, UTC when no zone is named (and says so), catchup latest by default', () => {
    const s = schedule({ name: 'monthly_report', select: 'tag:monthly', cron: '0 6 1 * *', tags: { team: 'shop' } });
    assert.equal(brandOf(s), 'schedule');
    assert.equal(s.timezone, 'UTC');
    assert.equal(s.timezoneIsDefault, true);
    assert.equal(s.catchup, 'latest');
    assert.deepEqual(s.tags, { team: 'shop' });
    assert.ok(Object.isFrozen(s));
    const z = schedule({ name: 'b', select: 'x', cron: '@monthly', timezone: 'Europe/Brussels', catchup: { all: 3 } });
    assert.equal(z.timezoneIsDefault, false);
    assert.deepEqual(z.catchup, { all: 3 });
  });

  it('a malformed cron names the field and shows a valid example', () => {
    const e = problem(() => schedule({ name: 'nightly', select: 'x', cron: '0 25 * * *' }));
    assert.equal(e.code, 'INVALID_CRON');
    assert.match(e.message, /schedule 'nightly': cron '0 25 \* \* \*' is not valid: field 2 \(hour\) is '25', which is not a valid hour \(0-23\)/);
    assert.match(e.message, /e\.g\. '0 6 1 \* \*'/);
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 * *' })).message, /has 4 fields/);
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '@dialy' })).message, /Did you mean '@daily'\?/);
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 31 2 *' })).message, /matches no date/);
  });

  it('an unknown time zone suggests the closest IANA names', () => {
    const e = problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 * * *', timezone: 'Europe/Brusels' }));
    assert.equal(e.code, 'UNKNOWN_TIME_ZONE');
    assert.match(e.message, /'Europe\/Brusels' is not a time zone\. Did you mean 'Europe\/Brussels'\?/);
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 * * *', timezone: 'New York' })).message, /America\/New_York/);
  });

  it('unknown options and bad values say what to write', () => {
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 * * *', timezon: 'UTC' } as never)).message, /unknown option 'timezon'/);
    assert.match(problem(() => schedule({ name: 'n', cron: '0 6 * * *' } as never)).message, /'select' is missing/);
    assert.match(problem(() => schedule({ name: 'n', select: 'x', cron: '0 6 * * *', catchup: 'all' as never })).message, /'skip', 'latest' or \{ all: N \}/);
  });
});

describe("asset automation", () => {
  const fn = () => 'select 1';
  it('{ cron } is a schedule of the asset; eager and onCron are not schedules', () => {
    const a = asset({ key: 'revenue', automation: { cron: '0 6 * * *', timezone: 'Europe/Brussels' } }, fn);
    const s = assetSchedule(a)!;
    assert.equal(s.name, 'asset:revenue');
    assert.equal(s.select, 'key:revenue');
    assert.equal(s.timezone, 'Europe/Brussels');
    assert.equal(s.origin, 'asset');
    assert.equal(assetSchedule(asset({ key: 'b', automation: 'eager' }, fn)), undefined);
    assert.equal(assetSchedule(asset({ key: 'c', automation: { onCron: '0 6 * * *' } }, fn)), undefined);
  });

  it('a bad cron or zone in automation is an error of the asset', () => {
    assert.match(problem(() => asset({ key: 'r', automation: { cron: '0 6 * * 9' } }, fn)).message, /asset 'r' automation: cron '0 6 \* \* 9' is not valid: field 5 \(day of week\)/);
    assert.match(problem(() => asset({ key: 'r', automation: { onCron: '0 6 * * *', timezone: 'Europe/Amsterdamm' } }, fn)).message, /Europe\/Amsterdam/);
    assert.match(problem(() => asset({ key: 'r', automation: 'lazy' as never }, fn)).message, /expected 'eager', \{ cron/);
  });
});

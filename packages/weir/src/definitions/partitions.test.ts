// Partition definitions: key generation, index arithmetic, windows across DST, bad input, 100,000 keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiPartitions, staticPartitions, timePartitions } from './partitions.js';
import { instantOfLocal, localTimeAt } from './zoned-time.js';

const iso = (d: Date | undefined) => d?.toISOString();
const at = (text: string) => Date.parse(text);

test('monthly partitions end at the last complete month before now, in their time zone', () => {
  const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
  assert.equal(months.count(at('2025-01-31T22:59:59Z')), 0); // still January in Brussels
  assert.equal(months.count(at('2025-01-31T23:00:00Z')), 1); // February has begun in Brussels
  assert.equal(months.count(at('2026-01-15T00:00:00Z')), 12);
  assert.deepEqual(months.keys(at('2026-01-15T00:00:00Z'), 10), ['2025-11', '2025-12']);
  assert.equal(months.indexOf('2025-03', at('2026-01-15Z')), 2);
  assert.equal(months.indexOf('2026-01', at('2026-01-15Z')), undefined, 'the running month is not a partition yet');
  assert.equal(months.indexOf('2025-3', at('2026-01-15Z')), undefined);
  const window = months.window('2025-03')!;
  assert.equal(iso(window.start), '2025-02-28T23:00:00.000Z'); // CET
  assert.equal(iso(window.end), '2025-03-31T22:00:00.000Z'); // CEST: the month is 743 hours long
  assert.deepEqual(months.describe(at('2026-01-15Z')), { kind: 'time', unit: 'month', timezone: 'Europe/Brussels', count: 12 });
});

test('an end is the first period not included, and the set never runs past now', () => {
  const months = timePartitions({ unit: 'month', start: '2025-01', end: '2025-07' });
  assert.equal(months.count(at('2030-01-01Z')), 6);
  assert.equal(months.keyAt(5, at('2030-01-01Z')), '2025-06');
  assert.equal(months.count(at('2025-03-10Z')), 2);
  assert.equal(months.indexOf('2025-07', at('2030-01-01Z')), undefined);
  assert.throws(() => months.keyAt(6, at('2030-01-01Z')), /index 6 is outside monthly partitions from 2025-01 to 2025-07/);
  assert.throws(() => timePartitions({ unit: 'day', start: '2025-01-01' }).keys(Infinity), /without an end/);
  assert.deepEqual(timePartitions({ unit: 'day', start: '2025-01-01' }).keys(Infinity, 0, 2), ['2025-01-01', '2025-01-02']);
});

test('hourly keys in Europe/Brussels carry the offset: two 02:00 hours when clocks go back, none in spring', () => {
  const hours = timePartitions({ unit: 'hour', start: '2026-10-25', timezone: 'Europe/Brussels' });
  const later = at('2027-01-01Z');
  assert.deepEqual(hours.keys(later, 0, 5), [
    '2026-10-25T00:00+02:00', '2026-10-25T01:00+02:00', '2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00', '2026-10-25T03:00+01:00',
  ]);
  assert.equal(hours.indexOf('2026-10-25T02:00+02:00', later), 2);
  assert.equal(hours.indexOf('2026-10-25T02:00+01:00', later), 3);
  assert.equal(iso(hours.window('2026-10-25T02:00+01:00')!.start), '2026-10-25T01:00:00.000Z');
  assert.equal(hours.indexOf('2026-10-25T03:00+02:00', later), undefined, 'an offset the zone did not have then is no key');
  // 25 hours that day: the next day starts at index 25.
  assert.equal(hours.keyAt(25, later), '2026-10-26T00:00+01:00');

  const spring = timePartitions({ unit: 'hour', start: '2026-03-29', timezone: 'Europe/Brussels' });
  assert.deepEqual(spring.keys(later, 0, 4), ['2026-03-29T00:00+01:00', '2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00', '2026-03-29T04:00+02:00']);
  assert.equal(spring.indexOf('2026-03-29T02:00+01:00', later), undefined);
  assert.equal(spring.keyAt(23, later), '2026-03-30T00:00+02:00', 'a 23-hour day');
});

test('hourly and daily partitions in America/New_York across both DST transitions', () => {
  const later = at('2027-06-01Z');
  const hours = timePartitions({ unit: 'hour', start: '2026-03-08', timezone: 'America/New_York' });
  assert.deepEqual(hours.keys(later, 1, 4), ['2026-03-08T01:00-05:00', '2026-03-08T03:00-04:00', '2026-03-08T04:00-04:00']);
  const fall = timePartitions({ unit: 'hour', start: '2026-11-01', timezone: 'America/New_York' });
  assert.deepEqual(fall.keys(later, 1, 4), ['2026-11-01T01:00-04:00', '2026-11-01T01:00-05:00', '2026-11-01T02:00-05:00']);

  const days = timePartitions({ unit: 'day', start: '2026-03-07', timezone: 'America/New_York' });
  const short = days.window('2026-03-08')!;
  assert.equal(iso(short.start), '2026-03-08T05:00:00.000Z');
  assert.equal(short.end.getTime() - short.start.getTime(), 23 * 3_600_000);
  const long = days.window('2026-11-01')!;
  assert.equal(iso(long.start), '2026-11-01T04:00:00.000Z');
  assert.equal(long.end.getTime() - long.start.getTime(), 25 * 3_600_000);
  // A day is complete at local midnight, not UTC midnight.
  assert.equal(days.count(at('2026-03-08T04:59:00Z')), 0);
  assert.equal(days.count(at('2026-03-08T05:00:00Z')), 1);
  assert.equal(days.indexOf('2026-11-01', later), 239);
  assert.equal(days.keyAt(239, later), '2026-11-01');
});

test('daily partitions in Europe/Brussels: 23- and 25-hour days', () => {
  const days = timePartitions({ unit: 'day', start: '2026-01-01', timezone: 'Europe/Brussels' });
  const spring = days.window('2026-03-29')!;
  assert.equal(spring.end.getTime() - spring.start.getTime(), 23 * 3_600_000);
  const fall = days.window('2026-10-25')!;
  assert.equal(iso(fall.start), '2026-10-24T22:00:00.000Z');
  assert.equal(fall.end.getTime() - fall.start.getTime(), 25 * 3_600_000);
});

test('weekly partitions are 7-day periods from the start date', () => {
  const weeks = timePartitions({ unit: 'week', start: '2025-01-06', timezone: 'Europe/Brussels' });
  const now = at('2025-02-01Z');
  assert.deepEqual(weeks.keys(now), ['2025-01-06', '2025-01-13', '2025-01-20']);
  assert.equal(weeks.indexOf('2025-01-14', now), undefined, 'a day inside a week is no week key');
  assert.equal(iso(weeks.window('2025-01-13')!.start), '2025-01-12T23:00:00.000Z');
});

test('a custom format, and the UTC default', () => {
  const days = timePartitions({ unit: 'day', start: '2025-01-01', format: 'YYYYMMDD' });
  assert.equal(days.timezone, 'UTC');
  assert.equal(days.keyAt(40, at('2026-01-01Z')), '20250210');
  assert.equal(days.indexOf('20250210', at('2026-01-01Z')), 40);
  assert.equal(days.indexOf('20250230', at('2026-01-01Z')), undefined);
  assert.equal(iso(days.window('20250210')!.start), '2025-02-10T00:00:00.000Z');
});

test('bad definitions fail with what to write instead', () => {
  assert.throws(() => timePartitions({ unit: 'year' as never, start: '2025' }), /unit 'year' is not a time unit.*'hour', 'day', 'week' or 'month'/);
  assert.throws(() => timePartitions({ unit: 'day', start: '2025-01-01', timezone: 'Europe/Brusels' }), /unknown time zone 'Europe\/Brusels'. Did you mean 'Europe\/Brussels'/);
  assert.throws(() => timePartitions({ unit: 'month', start: '2025-01-15' }), /start '2025-01-15' is not the start of a month/);
  assert.throws(() => timePartitions({ unit: 'day', start: '2025-02-30' }), /not a real date/);
  assert.throws(() => timePartitions({ unit: 'day', start: 'yesterday' }), /start 'yesterday' is not a date/);
  assert.throws(() => timePartitions({ unit: 'hour', start: '2025-01-01', timezone: 'Europe/Brussels', format: 'YYYY-MM-DD-HH' }), /has no UTC offset/);
  assert.throws(() => timePartitions({ unit: 'day', start: '2025-01-01', format: 'YYYY/MM/DD' }), /contains \|, \/ or/);
  assert.throws(() => timePartitions({ unit: 'month', start: '2025-01', format: 'YYYY' }), /lacks MM/);
  assert.throws(() => timePartitions({ unit: 'month', start: '2025-01', ends: '2026-01' } as never), /unknown option 'ends'/);
  assert.throws(() => staticPartitions([]), /non-empty list/);
  assert.throws(() => staticPartitions(['be', 'be']), /'be' is listed twice/);
  assert.throws(() => staticPartitions(['a|b']), /contains \|/);
  assert.throws(() => staticPartitions(['../x']), /contains/);
  const months = timePartitions({ unit: 'month', start: '2025-01' });
  assert.throws(() => multiPartitions({ month: months }), /at least two dimensions/);
  assert.throws(() => multiPartitions({ a: months, b: timePartitions({ unit: 'day', start: '2025-01-01' }) }), /'a' and 'b' are both time dimensions/);
});

test('a key outside the definition: the error names the key, the definition and the valid range', () => {
  const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
  const now = at('2025-06-15Z');
  assert.throws(() => months.requireIndex('2024-12', now, "asset 'revenue'"),
    /^WeirError: asset 'revenue': partition key '2024-12' is outside monthly partitions from 2025-01 \(Europe\/Brussels\)\. Keys look like 2025-01; the valid keys are 2025-01 … 2025-05 \(5 partitions\)\.$/);
  assert.throws(() => months.requireIndex('March', now), /'March' is not a key of monthly partitions.*2025-01 … 2025-05/);
  assert.throws(() => months.requireIndex('2025-01', at('2025-01-10Z')), /there are no partitions yet/);
  assert.deepEqual(months.indexRange('2025-02', '2025-04', now), { fromIndex: 1, toIndex: 3 });
  assert.throws(() => months.indexRange('2025-04', '2025-02', now), /reversed.*2025-02 … 2025-04/);
  assert.throws(() => months.window('nope'), /'nope' is not a key/);
});

test('static partitions keep their order', () => {
  const regions = staticPartitions(['be', 'nl', 'lu']);
  assert.equal(regions.count(0), 3);
  assert.equal(regions.keyAt(2, 0), 'lu');
  assert.equal(regions.indexOf('nl', 0), 1);
  assert.equal(regions.indexOf('fr', 0), undefined);
  assert.equal(regions.window('be'), undefined);
  assert.throws(() => regions.requireIndex('fr', 0), /'fr' is not a key of static partitions \[be, nl, lu\].*be … lu \(3 partitions\)/);
  assert.deepEqual(regions.context('be', 0), { key: 'be' });
});

test('multi-dimensional keys: the first dimension varies slowest, each part checked', () => {
  const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
  const monthRegion = multiPartitions({ month: months, region: staticPartitions(['be', 'nl', 'lu']) });
  const now = at('2025-04-15Z'); // 3 months
  assert.equal(monthRegion.count(now), 9);
  assert.deepEqual(monthRegion.keys(now, 2, 5), ['2025-01|lu', '2025-02|be', '2025-02|nl']);
  assert.equal(monthRegion.indexOf('2025-03|be', now), 6);
  assert.equal(monthRegion.keyAt(6, now), '2025-03|be');
  assert.equal(monthRegion.indexOf('2025-03|fr', now), undefined);
  assert.equal(monthRegion.indexOf('2025-04|be', now), undefined);
  assert.equal(monthRegion.indexOf('2025-03', now), undefined);
  assert.deepEqual(monthRegion.split('2025-03|be'), { month: '2025-03', region: 'be' });
  const ctx = monthRegion.context('2025-02|nl', now);
  assert.deepEqual(ctx.dimensions, { month: '2025-02', region: 'nl' });
  assert.equal(iso(ctx.start), '2025-01-31T23:00:00.000Z');
  assert.deepEqual(monthRegion.describe(now), {
    kind: 'multi', count: 9,
    dimensions: [{ name: 'month', kind: 'time', unit: 'month', timezone: 'Europe/Brussels', count: 3 }, { name: 'region', kind: 'static', count: 3 }],
  });
  assert.throws(() => monthRegion.requireIndex('2025-09|be', now), /outside partitions month.*valid keys are 2025-01\|be … 2025-03\|lu \(9 partitions\)/);
});

test('100,000 hourly partitions: count and lookups never enumerate, every key distinct and round-trips', () => {
  const hours = timePartitions({ unit: 'hour', start: '2015-01-01', timezone: 'Europe/Brussels' });
  const now = at('2026-12-01Z');
  const count = hours.count(now);
  assert.ok(count > 100_000, `${count}`);
  const keys = hours.keys(now, 0, 100_000);
  assert.equal(new Set(keys).size, 100_000);
  for (let i = 0; i < keys.length; i += 997) assert.equal(hours.indexOf(keys[i]!, now), i);
  // The last key is computed directly, not by walking there.
  const last = hours.keyAt(count - 1, now);
  assert.equal(hours.indexOf(last, now), count - 1);
  assert.equal(hours.window(last)!.end.getTime() <= now, true);
  const days = timePartitions({ unit: 'day', start: '1750-01-01', timezone: 'America/New_York' });
  assert.ok(days.count(now) > 100_000);
  assert.equal(days.keyAt(100_000, now), '2023-10-17');
  assert.equal(days.indexOf('2023-10-17', now), 100_000);
});

test('zoned time: gaps resolve to the first instant after them, overlaps to the earlier instant', () => {
  assert.equal(new Date(instantOfLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Brussels')).toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(new Date(instantOfLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Brussels')).toISOString(), '2026-10-25T00:30:00.000Z');
  assert.equal(localTimeAt(at('2026-07-01T12:00:00Z'), 'America/New_York').offsetMinutes, -240);
  assert.equal(localTimeAt(at('2026-07-01T12:00:00Z'), 'Asia/Kolkata').offsetMinutes, 330);
});

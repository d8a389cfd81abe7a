// Time zones and cron text helpers: real IANA names, the closest ones to a misspelling, ticks and words in a zone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestTimeZones, isTimeZone, timeZoneHint } from './time-zone.js';
import { cronProblem, nextCronTicks } from './cron.js';
import { describeCron } from './describe-cron.js';
import { formatInZone } from './zoned-time.js';

describe('time zones', () => {
  it('knows IANA names and UTC, not misspellings or padded names', () => {
    for (const zone of ['Europe/Brussels', 'America/New_York', 'UTC', 'Asia/Kolkata']) assert.equal(isTimeZone(zone), true, zone);
    for (const zone of ['Europe/Brusels', 'Brussels', ' UTC', '', 'Mars/Olympus']) assert.equal(isTimeZone(zone), false, zone);
  });

  it('suggests the closest real names: a typo, a city alone, spaces for underscores', () => {
    assert.deepEqual(closestTimeZones('Europe/Brusels'), ['Europe/Brussels']);
    assert.deepEqual(closestTimeZones('brussel'), ['Europe/Brussels']);
    assert.deepEqual(closestTimeZones('America/New York'), ['America/New_York']);
    assert.deepEqual(closestTimeZones('Mars/Olympus'), []);
    assert.match(timeZoneHint('Europe/Amsterdamm'), /^Did you mean 'Europe\/Amsterdam'\? Time zones are IANA names/);
    assert.match(timeZoneHint('Mars/Olympus'), /^Time zones are IANA names/);
  });
});

describe('cron helpers', () => {
  it('names the wrong field, or nothing for a valid pattern', () => {
    assert.equal(cronProblem('0 6 1 * *'), undefined);
    assert.equal(cronProblem('@monthly'), undefined);
    assert.match(cronProblem('0 6 32 * *')!, /field 3 \(day of month\) is '32'/);
    assert.match(cronProblem('*/0 * * * *')!, /field 1 \(minute\)/);
    assert.match(cronProblem('61 0 6 1 * *')!, /field 1 \(second\) is '61'/);
  });

  it('the next ticks in a zone, across the spring-forward night', () => {
    assert.deepEqual(nextCronTicks('30 2 * * *', 'Europe/Brussels', Date.parse('2026-03-28T12:00:00Z'), 2).map((t) => new Date(t).toISOString()),
      ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('the cron in words with its zone, and a tick in that zone with its offset', () => {
    assert.equal(describeCron('0 6 1 * *', 'Europe/Brussels'), 'At 06:00, on day 1 of the month, Europe/Brussels');
    assert.equal(describeCron('*/15 * * * *', 'UTC'), 'Every 15 minutes, UTC');
    assert.equal(formatInZone(Date.parse('2026-03-01T05:00:00Z'), 'Europe/Brussels'), '2026-03-01 06:00 GMT+1');
    assert.equal(formatInZone(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Brussels'), '2026-03-29 03:00 GMT+2');
    assert.equal(formatInZone(Date.parse('2026-03-01T05:00:30Z'), 'UTC'), '2026-03-01 05:00:30 UTC');
  });
});

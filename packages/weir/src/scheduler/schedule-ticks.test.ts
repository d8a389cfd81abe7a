// The tick decider with the clock injected: DST in Europe/Brussels and America/New_York, catch-up policies after
// downtime, first sight, pause, a clock that goes back, and a catch-up too long to list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchedule, type CatchupPolicy } from '../definitions/schedule.js';
import { decideScheduleTicks, MAX_TICKS_PER_DECISION, ON_TIME_WINDOW_MS, type ScheduleCursor } from './schedule-ticks.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const sched = (cron: string, timezone?: string, catchup?: CatchupPolicy) => defineSchedule({ name: 's', select: 'x', cron, timezone, catchup }, { origin: 'typescript' });

/** Runs the decider every `stepMs` from `from` to `to`, as a loop would, and returns the launched ticks. */
function simulate(schedule: ReturnType<typeof sched>, from: string, to: string, stepMs = 60_000): string[] {
  let state: ScheduleCursor = { paused: false, cursorMs: at(from) };
  const launched: number[] = [];
  for (let now = at(from) + stepMs; now <= at(to); now += stepMs) {
    const decisions = decideScheduleTicks(schedule, state, now);
    assert.deepEqual(decisions.skipped, [], 'a loop passing every minute misses nothing');
    launched.push(...decisions.launch);
    state = { paused: false, cursorMs: decisions.cursorMs };
  }
  return launched.map(iso);
}

describe('decideScheduleTicks: DST', () => {
  it('Europe/Brussels, 30 2 * * *: once a day, at 03:00 CEST right after the spring-forward gap', () => {
    assert.deepEqual(simulate(sched('30 2 * * *', 'Europe/Brussels'), '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, right after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('Europe/Brussels, 30 2 * * *: once in the fall-back overlap (02:30 happens twice that night)', () => {
    assert.deepEqual(simulate(sched('30 2 * * *', 'Europe/Brussels'), '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'), [
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); not again at 01:30Z (02:30 CET)
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('Europe/Brussels, 0 * * * *: every real hour, 23 on the spring day and 25 on the autumn day', () => {
    const hourly = sched('0 * * * *', 'Europe/Brussels');
    const spring = simulate(hourly, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'); // local midnight to midnight
    const autumn = simulate(hourly, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
    assert.equal(spring.length, 23);
    assert.equal(autumn.length, 25);
    for (const ticks of [spring, autumn]) {
      for (let i = 1; i < ticks.length; i++) assert.equal(at(ticks[i]!) - at(ticks[i - 1]!), 3_600_000, `${ticks[i - 1]} → ${ticks[i]}`);
    }
    assert.ok(autumn.includes('2026-10-25T00:00:00.000Z') && autumn.includes('2026-10-25T01:00:00.000Z'), '02:00 CEST and 02:00 CET both tick');
  });

  it('America/New_York: 30 2 * * * at 03:00 EDT in the March gap; 30 1 * * * once in the November overlap', () => {
    assert.deepEqual(simulate(sched('30 2 * * *', 'America/New_York'), '2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'), [
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
    assert.deepEqual(simulate(sched('30 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'), [
      '2026-11-01T05:30:00.000Z', // the first 01:30 (EDT), not 06:30Z (01:30 EST)
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('America/New_York, 0 * * * *: both 01:00 of the November night tick, an hour apart', () => {
    const ticks = simulate(sched('0 * * * *', 'America/New_York'), '2026-11-01T04:30:00Z', '2026-11-01T07:30:00Z');
    assert.deepEqual(ticks, ['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
  });

  it('without a time zone, UTC (not the machine\'s zone)', () => {
    assert.deepEqual(simulate(sched('0 6 1 * *'), '2026-02-28T00:00:00Z', '2026-03-02T00:00:00Z', 3_600_000), ['2026-03-01T06:00:00.000Z']);
  });
});

describe('decideScheduleTicks: catch-up after downtime', () => {
  // Daily at 06:00 UTC; the process was off from the 1st at 07:00 until the 4th at 12:00: ticks of the 2nd, 3rd, 4th missed.
  const state = { paused: false, cursorMs: at('2026-03-01T07:00:00Z') };
  const now = at('2026-03-04T12:00:00Z');
  const missed = ['2026-03-02T06:00:00.000Z', '2026-03-03T06:00:00.000Z', '2026-03-04T06:00:00.000Z'];
  const decide = (catchup: CatchupPolicy) => {
    const d = decideScheduleTicks(sched('0 6 * * *', undefined, catchup), state, now);
    assert.equal(d.cursorMs, now);
    return { launch: d.launch.map(iso), skipped: d.skipped.map((s) => iso(s.tickMs)), reasons: d.skipped.map((s) => s.reason) };
  };

  it('latest (the default): only the latest missed tick runs', () => {
    assert.equal(sched('0 6 * * *').catchup, 'latest');
    const d = decide('latest');
    assert.deepEqual(d.launch, [missed[2]]);
    assert.deepEqual(d.skipped, missed.slice(0, 2));
    assert.match(d.reasons[0]!, /superseded by the tick at 2026-03-04T06:00:00.000Z/);
  });

  it('skip: none runs (the latest is hours late), each recorded with why', () => {
    const d = decide('skip');
    assert.deepEqual(d.launch, []);
    assert.deepEqual(d.skipped, missed);
    assert.match(d.reasons[0]!, /catchup: skip/);
  });

  it('skip still runs a tick the pass sees a little late (within the on-time window)', () => {
    const onTime = decideScheduleTicks(sched('0 6 * * *', undefined, 'skip'), { paused: false, cursorMs: at('2026-03-04T05:59:59Z') }, at('2026-03-04T06:00:00Z') + ON_TIME_WINDOW_MS);
    assert.deepEqual(onTime.launch.map(iso), ['2026-03-04T06:00:00.000Z']);
    const late = decideScheduleTicks(sched('0 6 * * *', undefined, 'skip'), { paused: false, cursorMs: at('2026-03-04T05:59:59Z') }, at('2026-03-04T06:00:00Z') + ON_TIME_WINDOW_MS + 1);
    assert.deepEqual(late.launch, []);
  });

  it('{ all: N }: the latest N run, oldest first; fewer missed than N: all of them', () => {
    const two = decide({ all: 2 });
    assert.deepEqual(two.launch, missed.slice(1));
    assert.deepEqual(two.skipped, missed.slice(0, 1));
    assert.match(two.reasons[0]!, /catchup: \{ all: 2 \}/);
    assert.deepEqual(decide({ all: 10 }).launch, missed);
  });

  it('a catch-up too long to list keeps the latest ticks and says older ones were missed', () => {
    const minutely = sched('* * * * *', undefined, { all: 5 });
    const d = decideScheduleTicks(minutely, { paused: false, cursorMs: at('2026-03-01T00:00:00Z') }, at('2026-03-03T00:00:30Z'));
    assert.equal(d.olderMissed, true);
    assert.equal(d.launch.length + d.skipped.length, MAX_TICKS_PER_DECISION);
    assert.deepEqual(d.launch.map(iso), ['2026-03-02T23:56:00.000Z', '2026-03-02T23:57:00.000Z', '2026-03-02T23:58:00.000Z', '2026-03-02T23:59:00.000Z', '2026-03-03T00:00:00.000Z']);
    assert.ok(d.skipped.every((s, i) => i === 0 || s.tickMs > d.skipped[i - 1]!.tickMs), 'oldest first');
  });
});

describe('decideScheduleTicks: state', () => {
  const daily = sched('0 6 * * *');
  it('a schedule seen for the first time starts now: no tick from the past', () => {
    const d = decideScheduleTicks(daily, undefined, at('2026-03-04T12:00:00Z'));
    assert.deepEqual(d, { launch: [], skipped: [], cursorMs: at('2026-03-04T12:00:00Z'), olderMissed: false });
  });

  it('paused: nothing runs and the cursor moves on, so resuming does not catch up the paused days', () => {
    const d = decideScheduleTicks(daily, { paused: true, cursorMs: at('2026-03-01T00:00:00Z') }, at('2026-03-04T12:00:00Z'));
    assert.deepEqual(d.launch, []);
    assert.deepEqual(d.skipped, []);
    assert.equal(d.cursorMs, at('2026-03-04T12:00:00Z'));
  });

  it('a tick exactly at now is due; one a millisecond later is not', () => {
    const cursor = { paused: false, cursorMs: at('2026-03-04T05:00:00Z') };
    assert.deepEqual(decideScheduleTicks(daily, cursor, at('2026-03-04T06:00:00Z')).launch.map(iso), ['2026-03-04T06:00:00.000Z']);
    assert.deepEqual(decideScheduleTicks(daily, cursor, at('2026-03-04T05:59:59.999Z')).launch, []);
  });

  it('a clock that went back keeps the cursor and decides nothing', () => {
    const d = decideScheduleTicks(daily, { paused: false, cursorMs: at('2026-03-04T12:00:00Z') }, at('2026-03-04T11:00:00Z'));
    assert.deepEqual(d, { launch: [], skipped: [], cursorMs: at('2026-03-04T12:00:00Z'), olderMissed: false });
  });

  it('a 6-field pattern ticks on seconds', () => {
    const d = decideScheduleTicks(sched('*/20 * * * * *'), { paused: false, cursorMs: at('2026-03-04T06:00:00Z') }, at('2026-03-04T06:01:00Z'));
    assert.deepEqual([...d.skipped.map((s) => iso(s.tickMs)), ...d.launch.map(iso)], ['2026-03-04T06:00:20.000Z', '2026-03-04T06:00:40.000Z', '2026-03-04T06:01:00.000Z']);
  });
});

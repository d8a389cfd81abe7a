import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, timeTicks } from './chart-ticks.ts';

describe('niceTicks', () => {
  it('steps by 1, 2, 2.5 or 5 times a power of ten, covering the values', () => {
    assert.deepEqual(niceTicks(0, 1100).ticks, [0, 250, 500, 750, 1000, 1250]);
    assert.deepEqual(niceTicks(0, 4).ticks, [0, 1, 2, 3, 4]);
    assert.deepEqual(niceTicks(0, 0.9).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(120, 980).ticks, [0, 200, 400, 600, 800, 1000]);
    assert.deepEqual(niceTicks(-30, 45).ticks, [-40, -20, 0, 20, 40, 60]);
    for (const [lo, hi] of [[0, 7], [13, 13_877], [0.001, 0.0043], [5, 5e9]] as const) {
      const axis = niceTicks(lo, hi);
      assert.ok(axis.min <= lo && axis.max >= hi, `${lo}..${hi} covered`);
      assert.ok(axis.ticks.length >= 3 && axis.ticks.length <= 7, `${lo}..${hi}: ${axis.ticks.join(' ')}`);
      const mantissa = axis.step / 10 ** Math.floor(Math.log10(axis.step));
      assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9), `step ${axis.step}`);
    }
  });

  it('keeps counts whole and handles a flat series', () => {
    assert.deepEqual(niceTicks(3, 7, { integer: true }).ticks, [3, 4, 5, 6, 7]);
    assert.ok(niceTicks(0, 3, { integer: true }).ticks.every(Number.isInteger));
    assert.deepEqual(niceTicks(0, 0, { integer: true }).ticks, [0, 1]);
    assert.deepEqual(niceTicks(0, 12, { integer: true }).ticks, [0, 5, 10, 15]);
    assert.deepEqual(niceTicks(4, 4).ticks, [0, 1, 2, 3, 4]);
  });
});

describe('timeTicks', () => {
  const hm = (t: number) => new Date(t).toISOString().slice(11, 16);
  it('puts ticks on round minutes and hours', () => {
    assert.deepEqual(timeTicks(Date.UTC(2026, 0, 1, 10, 2), Date.UTC(2026, 0, 1, 10, 58)).map((x) => hm(x.t)), ['10:15', '10:30', '10:45']);
    assert.deepEqual(timeTicks(Date.UTC(2026, 0, 1, 7, 40), Date.UTC(2026, 0, 1, 19, 5)).map((x) => hm(x.t)), ['09:00', '12:00', '15:00', '18:00']);
    const seconds = timeTicks(Date.UTC(2026, 0, 1, 10, 0, 1), Date.UTC(2026, 0, 1, 10, 0, 9));
    assert.deepEqual(seconds.map((x) => new Date(x.t).getUTCSeconds()), [2, 4, 6, 8]);
    assert.equal(seconds[0]!.unit, 'second');
  });

  it('puts day ticks on local midnight', () => {
    const ticks = timeTicks(Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 4, 12), { utcOffsetMinutes: 60 });
    assert.equal(ticks[0]!.unit, 'day');
    // Midnight in UTC+1 is 23:00 UTC the day before.
    assert.deepEqual(ticks.map((x) => new Date(x.t).toISOString().slice(5, 16)), ['01-01T23:00', '01-02T23:00', '01-03T23:00']);
  });

  it('never gives more ticks than asked, nor ticks outside the range', () => {
    for (const span of [900, 61_000, 3_600_000 * 5, 86_400_000 * 40, 86_400_000 * 800]) {
      const t0 = Date.UTC(2026, 2, 3, 4, 5, 6);
      const ticks = timeTicks(t0, t0 + span, { maxTicks: 6 });
      assert.ok(ticks.length <= 6, `span ${span}`);
      assert.ok(ticks.every((x) => x.t >= t0 && x.t <= t0 + span));
    }
  });
});

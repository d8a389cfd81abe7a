// The runs-per-day window and filling: pure, with the clock passed in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayWindowStart, runsPerDay } from './runs-per-day.js';

describe('runsPerDay', () => {
  it('starts the window at midnight of the first day, at the UTC offset', () => {
    const nowMs = Date.parse('2024-05-03T23:30:00Z');
    assert.equal(dayWindowStart({ days: 1, utcOffsetMinutes: 0, nowMs }), Date.parse('2024-05-03T00:00:00Z'));
    // 01:30 on May 4th at UTC+2: the window of 3 days is May 2nd to 4th, local.
    assert.equal(dayWindowStart({ days: 3, utcOffsetMinutes: 120, nowMs }), Date.parse('2024-05-01T22:00:00Z'));
    assert.equal(dayWindowStart({ days: 1, utcOffsetMinutes: -300, nowMs }), Date.parse('2024-05-03T05:00:00Z'));
  });

  it('gives every day of the window, oldest first, zeros included, and drops days outside it', () => {
    const days = runsPerDay([
      { day: '2024-05-01', status: 'SUCCESS', count: 4 },
      { day: '2024-05-03', status: 'SUCCESS', count: 2 },
      { day: '2024-05-03', status: 'FAILURE', count: 1 },
    ], { days: 2, utcOffsetMinutes: 0, nowMs: Date.parse('2024-05-03T12:00:00Z') });
    assert.deepEqual(days.map((d) => [d.day, d.total, d.byStatus.SUCCESS, d.byStatus.FAILURE, d.byStatus.QUEUED]), [
      ['2024-05-02', 0, 0, 0, 0],
      ['2024-05-03', 3, 2, 1, 0],
    ]);
    assert.deepEqual(Object.keys(days[0]!.byStatus).sort(), ['CANCELED', 'CANCELING', 'FAILURE', 'QUEUED', 'STARTED', 'SUCCESS']);
  });
});

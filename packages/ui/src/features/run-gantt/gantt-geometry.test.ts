import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axisWidth, formatOffset, formatTick, ganttLayout, MIN_BAR_WIDTH, ROW_HEIGHT, type GanttStep } from './gantt-geometry.ts';

const T0 = 1_700_000_000_000;
const steps: GanttStep[] = [
  { key: 'report', status: 'pending', attempts: [] },
  { key: 'orders', status: 'succeeded', attempts: [{ attempt: 1, startedAt: T0, endedAt: T0 + 1000, outcome: 'succeeded' }] },
  {
    key: 'revenue', status: 'running', attempts: [
      { attempt: 1, startedAt: T0 + 1000, endedAt: T0 + 2000, outcome: 'retry', error: 'flaky' },
      { attempt: 2, startedAt: T0 + 2500 },
    ],
  },
];

describe('gantt geometry', () => {
  it('maps time to x over the run, with running attempts reaching now()', () => {
    let now = T0 + 4000;
    const layout = ganttLayout({ steps, runStartedAt: T0, runEndedAt: null, now: () => now, width: 400 });
    assert.equal(layout.x(T0), 0);
    assert.equal(layout.x(T0 + 4000), 400);
    const running = layout.rows.find((r) => r.id === 'revenue#2')!.bar!;
    assert.deepEqual({ x: running.x, width: running.width, state: running.state }, { x: 250, width: 150, state: 'running' });
    now = T0 + 8000; // the clock moves: the bar grows, the axis stretches
    const later = ganttLayout({ steps, runStartedAt: T0, runEndedAt: null, now: () => now, width: 400 });
    assert.deepEqual(later.rows.find((r) => r.id === 'revenue#2')!.bar!.width, 275);
    assert.equal(later.rows.find((r) => r.id === 'orders')!.bar!.width, 50);
  });

  it('gives each attempt its own row, in start order, with retries marked and unstarted steps last', () => {
    const layout = ganttLayout({ steps, runStartedAt: T0, runEndedAt: null, now: () => T0 + 4000, width: 400 });
    assert.deepEqual(layout.rows.map((r) => [r.id, r.attempt, r.status, r.y]), [
      ['orders', 1, 'succeeded', 0], ['revenue', 1, 'retry', ROW_HEIGHT], ['revenue#2', 2, 'running', 2 * ROW_HEIGHT], ['report', 1, 'pending', 3 * ROW_HEIGHT],
    ]);
    assert.equal(layout.rows[1]!.bar!.state, 'retry');
    assert.equal(layout.rows[1]!.bar!.error, 'flaky');
    assert.equal(layout.rows[3]!.bar, null);
    assert.equal(layout.height, 4 * ROW_HEIGHT);
  });

  it('ends at the run end once finished; an attempt left open then shows as failed, not running', () => {
    const layout = ganttLayout({ steps, runStartedAt: T0, runEndedAt: T0 + 5000, now: () => T0 + 60_000, width: 500 });
    assert.equal(layout.end, T0 + 5000);
    const bar = layout.rows.find((r) => r.id === 'revenue#2')!.bar!;
    assert.deepEqual([bar.state, bar.x, bar.width], ['failed', 250, 250]);
  });

  it('marks check evaluations on the row of the attempt that ran them, and keeps tiny bars visible', () => {
    const layout = ganttLayout({
      steps: [{ key: 'a', status: 'succeeded', attempts: [{ attempt: 1, startedAt: T0, endedAt: T0 + 1, outcome: 'succeeded' }] }, ...steps.slice(1)],
      checks: [
        { assetKey: 'revenue', checkName: 'row_count', timestamp: T0 + 3000, passed: false, severity: 'error' },
        { assetKey: 'a', checkName: 'unique', timestamp: T0 + 1, passed: true, severity: 'warn' },
      ],
      runStartedAt: T0, runEndedAt: T0 + 4000, now: () => T0 + 4000, width: 400,
    });
    assert.equal(layout.rows[0]!.bar!.width, MIN_BAR_WIDTH);
    assert.deepEqual(layout.markers.map((m) => [m.stepKey, m.x, m.y, m.passed]), [['revenue', 300, 3 * ROW_HEIGHT, false], ['a', 0.1, 0, true]]);
  });

  it('puts round ticks about every 100 px', () => {
    const layout = ganttLayout({ steps, runStartedAt: T0, runEndedAt: T0 + 10_000, now: () => 0, width: 500 });
    assert.deepEqual(layout.ticks.map((t) => t.label), ['0s', '2s', '4s', '6s', '8s', '10s']);
    assert.deepEqual([formatTick(450, 50, 2000), formatTick(2000, 500, 10_000), formatTick(90_000, 30_000, 600_000)], ['0.45s', '2.0s', '1m30s']);
    assert.deepEqual([formatOffset(1500), formatOffset(90_000), formatOffset(120_000), formatOffset(40)], ['1.5s', '1m30s', '2m', '40ms']);
    const short = ganttLayout({ steps: [], runStartedAt: T0, runEndedAt: T0 + 60, now: () => 0, width: 500 });
    assert.equal(short.end, T0 + 100, 'a 60 ms run gets a 100 ms axis');
    assert.deepEqual(short.ticks.map((t) => t.label), ['0ms', '20ms', '40ms', '60ms', '80ms', '100ms']);
    const zoomed = ganttLayout({ steps: [], runStartedAt: T0, runEndedAt: T0 + 2000, now: () => 0, width: 4000 });
    assert.deepEqual(zoomed.ticks.slice(8, 12).map((t) => t.label), ['0.40s', '0.45s', '0.50s', '0.55s'], 'one unit along the axis');
  });

  it('grows a running bar as the injected clock advances, while finished bars keep their duration', () => {
    const live: GanttStep[] = [
      { key: 'orders', status: 'succeeded', attempts: [{ attempt: 1, startedAt: T0, endedAt: T0 + 1000, outcome: 'succeeded' }] },
      { key: 'revenue', status: 'running', attempts: [{ attempt: 1, startedAt: T0 + 1000 }] },
    ];
    let now = T0 + 2000;
    const clock = () => now;
    const seen: Array<{ endedAt: number; ms: number; x: number; share: number }> = [];
    for (const tick of [0, 500, 3000, 30_000]) {
      now = T0 + 2000 + tick;
      const layout = ganttLayout({ steps: live, runStartedAt: T0, runEndedAt: null, now: clock, width: 1000 });
      const bar = layout.rows.find((r) => r.stepKey === 'revenue')!.bar!;
      const done = layout.rows.find((r) => r.stepKey === 'orders')!.bar!;
      assert.equal(bar.state, 'running');
      assert.equal(layout.end, now, 'the axis ends at now');
      assert.equal(done.endedAt - done.startedAt, 1000, 'a finished bar keeps its duration');
      seen.push({ endedAt: bar.endedAt, ms: bar.endedAt - bar.startedAt, x: bar.x, share: bar.width / 1000 });
    }
    assert.deepEqual(seen.map((s) => s.endedAt), [T0 + 2000, T0 + 2500, T0 + 5000, T0 + 32_000], 'the bar reaches now()');
    assert.deepEqual(seen.map((s) => s.ms), [1000, 1500, 4000, 31_000]);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.share > seen[i - 1]!.share, `tick ${i}: the bar takes a larger share of the axis`);
      assert.ok(seen[i]!.x < seen[i - 1]!.x, `tick ${i}: its start moves left as the axis stretches`);
    }
    // Once the run ends, the clock no longer matters.
    const ended = ganttLayout({ steps: live, runStartedAt: T0, runEndedAt: T0 + 6000, now: () => T0 + 99_000, width: 1000 });
    assert.deepEqual([ended.end, ended.rows[1]!.bar!.endedAt], [T0 + 6000, T0 + 6000]);
  });

  it('widens the axis by the zoom factor, never below a readable minimum', () => {
    assert.deepEqual([axisWidth(800, 1), axisWidth(800, 4), axisWidth(120, 1), axisWidth(120, 2)], [800, 3200, 320, 640]);
  });
});

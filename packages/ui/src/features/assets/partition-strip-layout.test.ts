import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { indexAt, layoutStrip, panView, selectionOf, statusCounts, zoomView, type StatusRange } from './partition-strip-layout.ts';

const shape = (segments: ReturnType<typeof layoutStrip>) => segments.map((s) => [s.x, s.width, s.status, s.fromIndex, s.toIndex]);

describe('partition strip layout', () => {
  it('maps ranges onto pixels when each partition is wider than a pixel', () => {
    const ranges: StatusRange[] = [{ fromIndex: 0, toIndex: 1, status: 'MATERIALIZED' }, { fromIndex: 2, toIndex: 2, status: 'FAILED' }, { fromIndex: 3, toIndex: 9, status: 'MISSING' }];
    assert.deepEqual(shape(layoutStrip(ranges, { start: 0, end: 10 }, 100)), [[0, 20, 'MATERIALIZED', 0, 1], [20, 10, 'FAILED', 2, 2], [30, 70, 'MISSING', 3, 9]]);
    // Zoomed in on 2 … 5: only what is in view, from the view's left edge.
    assert.deepEqual(shape(layoutStrip(ranges, { start: 2, end: 5 }, 30)), [[0, 10, 'FAILED', 2, 2], [10, 20, 'MISSING', 3, 4]]);
  });

  it('keeps one failure among 100,000 partitions visible on a 500-pixel strip', () => {
    const ranges: StatusRange[] = [
      { fromIndex: 0, toIndex: 49_999, status: 'MATERIALIZED' }, { fromIndex: 50_000, toIndex: 50_000, status: 'FAILED' },
      { fromIndex: 50_001, toIndex: 99_999, status: 'MATERIALIZED' },
    ];
    const segments = layoutStrip(ranges, { start: 0, end: 100_000 }, 500);
    assert.deepEqual(shape(segments), [[0, 250, 'MATERIALIZED', 0, 49_999], [250, 1, 'FAILED', 50_000, 50_199], [251, 249, 'MATERIALIZED', 50_200, 99_999]]);
  });

  it('costs pixels and ranges, not partitions: 10,000 alternating ranges over 10 million partitions', () => {
    const ranges: StatusRange[] = Array.from({ length: 10_000 }, (_, i) => ({ fromIndex: i * 1000, toIndex: i * 1000 + 999, status: i % 2 ? 'MISSING' : 'MATERIALIZED' }));
    const segments = layoutStrip(ranges, { start: 0, end: 10_000_000 }, 800);
    // Every pixel holds both statuses: partly materialized.
    assert.deepEqual(shape(segments), [[0, 800, 'PARTIAL', 0, 9_999_999]]);
  });

  it('finds the partition under a pixel, zooms around it and pans inside the ends', () => {
    assert.equal(indexAt(150, { start: 0, end: 100 }, 200), 75);
    assert.equal(indexAt(999, { start: 0, end: 100 }, 200), 99);
    assert.deepEqual(zoomView({ start: 0, end: 1000 }, 4, 500, 1000), { start: 375, end: 625 });
    assert.deepEqual(zoomView({ start: 0, end: 1000 }, 4, 0, 1000), { start: 0, end: 250 });
    assert.deepEqual(zoomView({ start: 0, end: 16 }, 100, 8, 1000), { start: 4, end: 12 }, 'never narrower than 8 partitions');
    assert.deepEqual(zoomView({ start: 375, end: 625 }, 0.1, 500, 1000), { start: 0, end: 1000 }, 'never wider than all');
    assert.deepEqual(panView({ start: 0, end: 250 }, -50, 1000), { start: 0, end: 250 });
    assert.deepEqual(panView({ start: 0, end: 250 }, 900, 1000), { start: 750, end: 1000 });
  });

  it('counts statuses and orders a selection', () => {
    assert.deepEqual(statusCounts([{ fromIndex: 0, toIndex: 9, status: 'MISSING' }, { fromIndex: 10, toIndex: 10, status: 'FAILED' }]), { MATERIALIZED: 0, FAILED: 1, MISSING: 10, RUNNING: 0 });
    assert.deepEqual(selectionOf(9, 3), { from: 3, to: 9 });
  });
});

/** The backfill page's bar and strip layout. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressSegments, rangeText, stateLabel, stripSegments } from './backfill-strip.ts';

const range = (count: number, state: 'SUCCESS' | 'QUEUED' | 'FAILURE', fromKey = 'a', toKey = 'b') => ({ fromIndex: 0, toIndex: count - 1, fromKey, toKey, count, state });

describe('backfill strip', () => {
  it('progress segments follow the state order and skip empty states', () => {
    assert.deepEqual(progressSegments({ QUEUED: 2, RUNNING: 1, SUCCESS: 1, FAILURE: 0, CANCELED: 0 }), [
      { state: 'SUCCESS', count: 1, percent: 25 }, { state: 'RUNNING', count: 1, percent: 25 }, { state: 'QUEUED', count: 2, percent: 50 },
    ]);
    assert.deepEqual(progressSegments({ QUEUED: 0, RUNNING: 0, SUCCESS: 0, FAILURE: 0, CANCELED: 0 }), []);
  });

  it('places ranges by the partitions before them', () => {
    const segments = stripSegments([range(50, 'SUCCESS'), range(1, 'FAILURE'), range(449, 'QUEUED')], 500);
    assert.deepEqual(segments.map((s) => [s.leftPercent, s.widthPercent]), [[0, 10], [10, 0.2], [10.2, 89.8]]);
    assert.deepEqual(stripSegments([], 0), []);
  });

  it('calls queued partitions of an ended backfill not started', () => {
    assert.equal(stateLabel('QUEUED', false), 'Queued');
    assert.equal(stateLabel('QUEUED', true), 'Not started');
    assert.equal(stateLabel('FAILURE', true), 'Failed');
  });

  it('names a range by its keys', () => {
    assert.equal(rangeText({ fromKey: '2025-01', toKey: '2025-01' }), '2025-01');
    assert.equal(rangeText({ fromKey: '2025-01', toKey: '2025-06' }), '2025-01 … 2025-06');
  });
});

// Partition status as ranges: from a few records over many partitions, merged, windowed, never enumerated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timePartitions } from '../definitions/partitions.js';
import type { PartitionRecord } from '../storage/storage.js';
import { partitionRanges, partitionStatusOf } from './partition-status.js';

const NOW = Date.parse('2025-07-15T00:00:00Z');
const months = timePartitions({ unit: 'month', start: '2025-01' });
const record = (partition: string, fields: Partial<PartitionRecord>): PartitionRecord => ({ partition, materializedAt: null, lastRun: null, active: false, ...fields });
const run = (status: 'SUCCESS' | 'FAILURE' | 'STARTED', createdAt: number) => ({ runId: `r${createdAt}`, status, createdAt });

test('a partition is running, failed after its last good data, materialized, or missing', () => {
  assert.equal(partitionStatusOf(record('a', { active: true, materializedAt: 5 })), 'RUNNING');
  assert.equal(partitionStatusOf(record('a', { materializedAt: 5, lastRun: run('FAILURE', 9) })), 'FAILED');
  assert.equal(partitionStatusOf(record('a', { lastRun: run('FAILURE', 9) })), 'FAILED');
  assert.equal(partitionStatusOf(record('a', { materializedAt: 10, lastRun: run('FAILURE', 9) })), 'MATERIALIZED', 'a later materialization wins');
  assert.equal(partitionStatusOf(record('a', { lastRun: run('SUCCESS', 9) })), 'MISSING');
});

test('ranges cover every partition without a gap and merge equal neighbours', () => {
  const ranges = partitionRanges(months, [
    record('2025-02', { materializedAt: 1 }), record('2025-03', { materializedAt: 1 }),
    record('2025-04', { materializedAt: 1, lastRun: run('FAILURE', 2) }), record('2024-12', { materializedAt: 1 }), record('junk', { materializedAt: 1 }),
  ], NOW);
  assert.deepEqual(ranges.map((r) => [r.fromKey, r.toKey, r.status]), [
    ['2025-01', '2025-01', 'MISSING'], ['2025-02', '2025-03', 'MATERIALIZED'], ['2025-04', '2025-04', 'FAILED'], ['2025-05', '2025-06', 'MISSING'],
  ]);
  assert.deepEqual(partitionRanges(months, [record('2025-02', { materializedAt: 1 })], NOW, { from: 1, to: 2 }).map((r) => [r.fromIndex, r.toIndex, r.status]),
    [[1, 1, 'MATERIALIZED'], [2, 2, 'MISSING']]);
  assert.deepEqual(partitionRanges(months, [], Date.parse('2025-01-10Z')), []);
});

test('100,000 hourly partitions with 1,000 records: a handful of ranges, not 100,000 rows', () => {
  const hours = timePartitions({ unit: 'hour', start: '2015-01-01', timezone: 'Europe/Brussels' });
  const now = Date.parse('2026-06-01Z');
  const count = hours.count(now);
  // Every hour of the 1,000 hours from index 50,000: materialized, one failed in the middle.
  const records = hours.keys(now, 50_000, 51_000).map((key, i) => record(key, i === 500 ? { lastRun: run('FAILURE', 3) } : { materializedAt: 1 }));
  const ranges = partitionRanges(hours, records, now);
  assert.deepEqual(ranges.map((r) => [r.fromIndex, r.toIndex, r.status]), [
    [0, 49_999, 'MISSING'], [50_000, 50_499, 'MATERIALIZED'], [50_500, 50_500, 'FAILED'], [50_501, 50_999, 'MATERIALIZED'], [51_000, count - 1, 'MISSING'],
  ]);
  assert.equal(ranges.at(-1)!.toKey, hours.keyAt(count - 1, now));
});

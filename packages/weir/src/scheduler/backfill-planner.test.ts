/** The backfill planner: ranges of work from a request and stored status, without enumerating partitions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWeirError } from '../shared/errors.js';
import { indicesToRanges, nextPartitions, planBackfill, type PartitionSpace } from './backfill-planner.js';
import { multiPartitions, staticPartitions, timePartitions, type TimePartitionsOptions } from '../definitions/partitions.js';
import { partitionSpaceAt } from './backfill-partitions.js';

/** After every period of the definitions below: their sets no longer grow. */
const NOW = Date.parse('2030-06-01');
const months = (start: string, end: string) => partitionSpaceAt(timePartitions({ unit: 'month', start, end }), NOW);
const timeSpace = (options: TimePartitionsOptions) => partitionSpaceAt(timePartitions(options), NOW);

/** Counts keyAt calls, to show planning does not enumerate. */
function counting(space: PartitionSpace): PartitionSpace & { calls: number } {
  const counted = {
    calls: 0,
    count: space.count,
    keyAt(index: number) { counted.calls += 1; return space.keyAt(index); },
    indexOf: (key: string) => space.indexOf(key),
  };
  return counted;
}

function rejectsWith(code: string, pattern: RegExp, fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isWeirError(error), 'a WeirError');
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('planBackfill', () => {
  const revenueMonths = months('2025-01', '2027-01');

  it('all: one range over every partition', () => {
    const plan = planBackfill([{ key: 'revenue', partitions: revenueMonths }], {});
    assert.deepEqual(plan, { assetKeys: ['revenue'], unpartitionedAssetKeys: [], partitionCount: 24, ranges: [{ fromIndex: 0, toIndex: 23 }], count: 24 });
  });

  it('a range of keys, both ends included', () => {
    const plan = planBackfill([{ key: 'revenue', partitions: revenueMonths }], { from: '2025-03', to: '2025-06' });
    assert.deepEqual(plan.ranges, [{ fromIndex: 2, toIndex: 5 }]);
    assert.equal(plan.count, 4);
  });

  it('missing only: gaps and MISSING/FAILED ranges, not MATERIALIZED or RUNNING', () => {
    const plan = planBackfill([{
      key: 'revenue', partitions: revenueMonths, statusRanges: [
        { fromIndex: 0, toIndex: 4, status: 'MATERIALIZED' },
        { fromIndex: 5, toIndex: 5, status: 'FAILED' },
        { fromIndex: 8, toIndex: 9, status: 'RUNNING' },
        { fromIndex: 10, toIndex: 20, status: 'MATERIALIZED' },
      ],
    }], { only: 'missing' });
    assert.deepEqual(plan.ranges, [{ fromIndex: 5, toIndex: 7 }, { fromIndex: 21, toIndex: 23 }]);
    assert.equal(plan.count, 6);
  });

  it('failed only, within a range', () => {
    const plan = planBackfill([{
      key: 'revenue', partitions: revenueMonths, statusRanges: [
        { fromIndex: 15, toIndex: 16, status: 'FAILED' },
        { fromIndex: 2, toIndex: 3, status: 'FAILED' },
        { fromIndex: 4, toIndex: 14, status: 'MATERIALIZED' },
      ],
    }], { only: 'failed', from: '2025-04', to: '2026-04' });
    assert.deepEqual(plan.ranges, [{ fromIndex: 3, toIndex: 3 }, { fromIndex: 15, toIndex: 15 }]);
  });

  it('several assets: a partition missing for any of them is planned once; unpartitioned ones are named apart', () => {
    const plan = planBackfill([
      { key: 'orders', partitions: revenueMonths, statusRanges: [{ fromIndex: 0, toIndex: 11, status: 'MATERIALIZED' }] },
      { key: 'report', partitions: undefined },
      { key: 'revenue', partitions: months('2025-01', '2027-01'), statusRanges: [{ fromIndex: 0, toIndex: 9, status: 'MATERIALIZED' }, { fromIndex: 10, toIndex: 23, status: 'MATERIALIZED' }] },
    ], { only: 'missing' });
    assert.deepEqual(plan.assetKeys, ['orders', 'revenue']);
    assert.deepEqual(plan.unpartitionedAssetKeys, ['report']);
    assert.deepEqual(plan.ranges, [{ fromIndex: 12, toIndex: 23 }]);
  });

  it('a range of a multi-dimensional definition, and of a static list', () => {
    const monthRegion = partitionSpaceAt(multiPartitions({ month: timePartitions({ unit: 'month', start: '2025-01', end: '2025-04' }), region: staticPartitions(['be', 'nl', 'lu']) }), NOW);
    const plan = planBackfill([{ key: 'sales', partitions: monthRegion }], { from: '2025-01|lu', to: '2025-02|nl' });
    assert.deepEqual(plan.ranges, [{ fromIndex: 2, toIndex: 4 }]);
    assert.deepEqual(nextPartitions(monthRegion, plan.ranges, 0, 5).map((p) => p.key), ['2025-01|lu', '2025-02|be', '2025-02|nl']);
    const regions = partitionSpaceAt(staticPartitions(['be', 'nl', 'lu']), NOW);
    assert.deepEqual(planBackfill([{ key: 'x', partitions: regions }], { from: 'nl' }).ranges, [{ fromIndex: 1, toIndex: 2 }]);
  });

  it('nothing to do is an empty plan, not an error', () => {
    const plan = planBackfill([{ key: 'revenue', partitions: revenueMonths, statusRanges: [{ fromIndex: 0, toIndex: 23, status: 'MATERIALIZED' }] }], { only: 'missing' });
    assert.deepEqual(plan.ranges, []);
    assert.equal(plan.count, 0);
  });

  it('100,000 partitions with fragmented status: planning reads no key beyond the ends', () => {
    const big = counting(timeSpace({ unit: 'hour', start: '2010-01-01T00:00', end: '2021-05-29T16:00' }));
    // Every third partition materialized: 33,334 stored ranges, the worst shape a store would answer.
    const statusRanges = Array.from({ length: 33_334 }, (_, i) => ({ fromIndex: i * 3, toIndex: i * 3, status: 'MATERIALIZED' as const }));
    const plan = planBackfill([{ key: 'huge', partitions: big, statusRanges }], { only: 'missing' });
    assert.equal(plan.count, 100_000 - 33_334);
    assert.equal(plan.ranges.length, 33_333);
    assert.ok(big.calls <= 2, `keyAt called ${big.calls} times`);
    const all = planBackfill([{ key: 'huge', partitions: big }], {});
    assert.equal(all.count, 100_000);
    assert.ok(big.calls <= 2, `keyAt called ${big.calls} times`);
  });

  it('a key outside the definition names the valid range', () => {
    rejectsWith('BACKFILL_UNKNOWN_PARTITION', /partition '2030-01' is not one of revenue's partitions \(valid: monthly partitions from 2025-01 .*: 2025-01 … 2026-12, 24 partitions\)/,
      () => planBackfill([{ key: 'revenue', partitions: revenueMonths }], { from: '2030-01', to: '2030-02' }));
    rejectsWith('BACKFILL_RANGE_REVERSED', /starts after it ends.*--from 2025-02 --to 2025-05/,
      () => planBackfill([{ key: 'revenue', partitions: revenueMonths }], { from: '2025-05', to: '2025-02' }));
  });

  it('a selection with no partitioned asset, and assets with different definitions, are refused', () => {
    rejectsWith('BACKFILL_NO_PARTITIONED_ASSET', /no partitioned asset \(selected: report, summary\)/,
      () => planBackfill([{ key: 'report', partitions: undefined }, { key: 'summary', partitions: undefined }], {}));
    rejectsWith('BACKFILL_MIXED_PARTITIONS', /revenue has monthly partitions from 2025-01 .*: 2025-01 … 2026-12, 24 partitions and daily has monthly partitions from 2024-01 .*: 2024-01 … 2024-12, 12 partitions/,
      () => planBackfill([{ key: 'revenue', partitions: revenueMonths }, { key: 'daily', partitions: months('2024-01', '2025-01') }], {}));
  });
});

describe('nextPartitions', () => {
  const revenueMonths = months('2025-01', '2027-01');
  const ranges = [{ fromIndex: 3, toIndex: 4 }, { fromIndex: 9, toIndex: 20 }];

  it('walks the ranges from a cursor', () => {
    assert.deepEqual(nextPartitions(revenueMonths, ranges, 1, 3), [
      { ordinal: 1, index: 4, key: '2025-05' }, { ordinal: 2, index: 9, key: '2025-10' }, { ordinal: 3, index: 10, key: '2025-11' },
    ]);
    assert.deepEqual(nextPartitions(revenueMonths, ranges, 0, 1), [{ ordinal: 0, index: 3, key: '2025-04' }]);
  });

  it('stops at the end, and is empty past it', () => {
    assert.deepEqual(nextPartitions(revenueMonths, ranges, 13, 5).map((p) => p.key), ['2026-09']);
    assert.deepEqual(nextPartitions(revenueMonths, ranges, 14, 5), []);
    assert.deepEqual(nextPartitions(revenueMonths, [], 0, 5), []);
  });

  it('reads only the keys it returns, deep into 100,000 partitions', () => {
    const big = counting(timeSpace({ unit: 'hour', start: '2010-01-01T00:00', end: '2021-05-29T16:00' }));
    const fragmented = Array.from({ length: 50_000 }, (_, i) => ({ fromIndex: i * 2, toIndex: i * 2 }));
    const next = nextPartitions(big, fragmented, 40_000, 4);
    assert.deepEqual(next.map((p) => p.index), [80_000, 80_002, 80_004, 80_006]);
    assert.equal(big.calls, 4);
  });
});

describe('indicesToRanges', () => {
  it('joins consecutive indices', () => {
    assert.deepEqual(indicesToRanges([1, 2, 3, 7, 9, 10]), [{ fromIndex: 1, toIndex: 3 }, { fromIndex: 7, toIndex: 7 }, { fromIndex: 9, toIndex: 10 }]);
    assert.deepEqual(indicesToRanges([]), []);
  });
});

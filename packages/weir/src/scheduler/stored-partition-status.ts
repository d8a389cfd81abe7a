/** An asset's status per partition as stored (EventLog.partitionRecords), as ranges of one status for the planner. */
import { partitionStatusOf } from '../engine/partition-status.js';
import type { Storage } from '../storage/storage.js';
import type { PartitionSpace, PartitionStatusRange } from './backfill-planner.js';
import type { PartitionStatusOf } from './backfill-partitions.js';

/**
 * The cost is in the partitions that have a record (materialized, failed or running ones), never in the size of the
 * definition: 12 materialized months of a 100,000-partition definition read 12 records. Partitions without a record
 * are MISSING, which the planner assumes wherever no range says otherwise.
 *
 * @example
 * const statusOf = storedPartitionStatus(storage, 'shop');
 * await statusOf('revenue', space)
 * // [{ fromIndex: 0, toIndex: 9, status: 'MATERIALIZED' }, { fromIndex: 10, toIndex: 10, status: 'FAILED' }]   (the rest: MISSING)
 */
export function storedPartitionStatus(storage: Pick<Storage, 'events'>, project: string): PartitionStatusOf {
  return async (assetKey: string, space: PartitionSpace) => {
    const records = await storage.events.partitionRecords(project, assetKey);
    const indexed = records.map((record) => ({ index: space.indexOf(record.partition), status: partitionStatusOf(record) }))
      // A record of a key no longer in the definition (its end moved) is not part of any backfill.
      .filter((p): p is { index: number; status: PartitionStatusRange['status'] } => p.index !== undefined && p.index >= 0)
      .sort((a, b) => a.index - b.index);
    const ranges: PartitionStatusRange[] = [];
    for (const p of indexed) {
      const last = ranges.at(-1);
      if (last && last.status === p.status && last.toIndex === p.index - 1) last.toIndex = p.index;
      else ranges.push({ fromIndex: p.index, toIndex: p.index, status: p.status });
    }
    return ranges;
  };
}

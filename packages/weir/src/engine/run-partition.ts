/**
 * Which partition a run materializes: the one asked for (checked against every partitioned asset of the run), or,
 * when none was asked for and the run's partitioned assets share one time definition, the latest complete period.
 */
import type { AssetDefinition } from '../definitions/asset.js';
import { WeirError } from '../shared/errors.js';

export { PARTITION_TAG } from '../definitions/partitions.js';

export interface RunPartitionChoice {
  /** Undefined when no asset of the run is partitioned. */
  key?: string;
  /** 'latest': nothing was asked for, so the latest complete period was taken. */
  how?: 'given' | 'latest';
}

/**
 * Decides the run's partition. Pure: the planned assets, what was asked and the clock.
 *
 * @example
 * resolveRunPartition([revenue], '2025-03', nowMs)  // { key: '2025-03', how: 'given' }
 * resolveRunPartition([revenue], undefined, Date.parse('2025-04-02')) // { key: '2025-03', how: 'latest' } (monthly)
 * resolveRunPartition([byRegion], undefined, nowMs) // throws: static partitions need --partition
 */
export function resolveRunPartition(assets: readonly AssetDefinition[], requested: string | undefined, nowMs: number): RunPartitionChoice {
  const partitioned = assets.filter((a) => a.partitions);
  if (!partitioned.length) {
    if (requested === undefined) return {};
    throw new WeirError(`partition '${requested}' was given, but no selected asset is partitioned`, {
      code: 'NOT_PARTITIONED', hint: `Select a partitioned asset, or run without --partition. Selected: ${assets.map((a) => a.key).slice(0, 8).join(', ') || 'nothing'}.`,
    });
  }
  if (requested !== undefined) {
    for (const a of partitioned) a.partitions!.requireIndex(requested, nowMs, `asset '${a.key}'`);
    return { key: requested, how: 'given' };
  }
  const first = partitioned[0]!.partitions!;
  const other = partitioned.find((a) => a.partitions!.signature !== first.signature);
  if (first.kind !== 'time' || other) {
    const which = other ? `assets '${partitioned[0]!.key}' and '${other.key}' have different partitions` : `asset '${partitioned[0]!.key}' is partitioned by ${first.label}`;
    throw new WeirError(`${which}: say which partition to materialize`, {
      code: 'PARTITION_REQUIRED',
      hint: `Pass --partition KEY (e.g. --partition ${first.count(nowMs) ? first.keyAt(first.count(nowMs) - 1, nowMs) : first.label}), or run a range with weir backfill.`,
    });
  }
  const count = first.count(nowMs);
  if (!count) {
    throw new WeirError(`asset '${partitioned[0]!.key}' has no complete partition yet (${first.label})`, {
      code: 'NO_PARTITION_YET', hint: `The first, ${first.startKey}, can run once its period has ended.`,
    });
  }
  return { key: first.keyAt(count - 1, nowMs), how: 'latest' };
}

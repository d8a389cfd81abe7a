/** Where a backfill finds an asset's partitions: the definition at one instant, and the stored status per partition. */
import type { PartitionsCommon } from '../definitions/partitions.js';
import type { AssetGraph } from '../graph/asset-graph.js';
import type { PartitionSpace, PartitionStatusRange } from './backfill-planner.js';

/**
 * A definition frozen at `nowMs`: what the planner and the loop read. Time partitions grow with the clock; their
 * indices stay stable as they grow (the start is fixed), which is why a backfill stores indices.
 *
 * @example
 * const space = partitionSpaceAt(timePartitions({ unit: 'month', start: '2025-01' }), Date.parse('2027-01-15'));
 * space.count // 24
 * space.keyAt(23) // '2026-12'
 */
export function partitionSpaceAt(definition: Pick<PartitionsCommon, 'signature' | 'label' | 'count' | 'keyAt' | 'indexOf'>, nowMs: number): PartitionSpace {
  const count = definition.count(nowMs);
  return {
    signature: definition.signature,
    label: definition.label,
    count,
    keyAt: (index) => definition.keyAt(index, nowMs),
    indexOf: (key) => definition.indexOf(key, nowMs),
  };
}

/** An asset's partitions, at `nowMs`; undefined for an unpartitioned (or unknown, or external) asset. */
export type PartitionsOf = (assetKey: string, nowMs: number) => PartitionSpace | undefined;

/** An asset's stored status per partition as ranges (see the partitions API), for "missing only" and "failed only". */
export type PartitionStatusOf = (assetKey: string, space: PartitionSpace) => Promise<PartitionStatusRange[]>;

/**
 * Reads `partitions` off the asset definitions of a graph.
 *
 * @example
 * graphPartitions(graph)('revenue', Date.now())?.count // 24
 * graphPartitions(graph)('report', Date.now()) // undefined: unpartitioned
 */
export function graphPartitions(graph: AssetGraph): PartitionsOf {
  return (assetKey, nowMs) => {
    const node = graph.get(assetKey);
    if (!node || node.kind !== 'asset') return undefined;
    const { partitions } = node.definition;
    return partitions ? partitionSpaceAt(partitions, nowMs) : undefined;
  };
}

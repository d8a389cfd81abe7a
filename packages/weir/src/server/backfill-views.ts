/** A backfill as the API shows it: its record with counts per state, and its partitions as ranges of one state. */
import type { AssetGraph } from '../graph/asset-graph.js';
import type { Backfill, BackfillPartition, Storage } from '../storage/storage.js';
import type { ApiBackfill, BackfillDetail } from './api-schemas.js';

type Range = BackfillDetail['ranges'][number];

/**
 * @example
 * await backfillView(storage, backfill)
 * // { backfillId: '1a2b…', status: 'RUNNING', partitionCount: 500, cursor: 55, counts: { QUEUED: 445, RUNNING: 5, SUCCESS: 50, FAILURE: 0, CANCELED: 0 }, … }
 */
export async function backfillView(storage: Pick<Storage, 'backfills'>, backfill: Backfill): Promise<ApiBackfill> {
  const counts = await storage.backfills.partitionCounts(backfill.backfillId);
  return { ...backfill, counts: { QUEUED: Math.max(0, backfill.partitionCount - backfill.cursor), ...counts } };
}

/**
 * The backfill's partitions in its order, consecutive ones of one state joined: the launched ones from their rows,
 * then every partition not launched yet as one QUEUED range. Keys of queued partitions come from the asset's
 * partition definition (`#index` if it is gone).
 *
 * @example
 * await backfillRanges(storage, graph, backfill, { maxRanges: 2000, nowMs })
 * // { ranges: [{ fromIndex: 0, toIndex: 49, fromKey: '2024-01-01', toKey: '2024-02-19', count: 50, state: 'SUCCESS' },
 * //   { fromIndex: 50, toIndex: 54, …, state: 'RUNNING' }, { fromIndex: 55, toIndex: 499, count: 445, state: 'QUEUED' }], truncated: false }
 */
export async function backfillRanges(storage: Pick<Storage, 'backfills'>, graph: AssetGraph, backfill: Backfill, options: { maxRanges: number; nowMs: number }): Promise<{ ranges: Range[]; truncated: boolean }> {
  const ranges: Range[] = [];
  let truncated = false;
  const push = (range: Range) => {
    if (ranges.length >= options.maxRanges) truncated = true;
    else ranges.push(range);
  };
  let open: Range | undefined;
  const started = await storage.backfills.listPartitions(backfill.backfillId);
  for (const partition of started) {
    if (open && open.state === partition.status) {
      Object.assign(open, { toIndex: partition.index, toKey: partition.key, count: open.count + 1 });
      delete open.runId;
      continue;
    }
    if (open) push(open);
    if (truncated) break;
    open = single(partition);
  }
  if (open && !truncated) push(open);
  if (!truncated && backfill.cursor < backfill.partitionCount) {
    const planned = await storage.backfills.backfillRanges(backfill.backfillId, { fromOrdinal: backfill.cursor, limit: 1 });
    const lastPlanned = (await storage.backfills.backfillRanges(backfill.backfillId, { fromOrdinal: backfill.partitionCount - 1, limit: 1 }))[0];
    const first = planned[0];
    if (first && lastPlanned) {
      const fromIndex = first.fromIndex + (backfill.cursor - first.ordinalStart);
      const keyAt = keyReader(graph, backfill.assetKeys[0], options.nowMs);
      push({ fromIndex, toIndex: lastPlanned.toIndex, fromKey: keyAt(fromIndex), toKey: keyAt(lastPlanned.toIndex), count: backfill.partitionCount - backfill.cursor, state: 'QUEUED' });
    }
  }
  return { ranges, truncated };
}

function single(partition: BackfillPartition): Range {
  return { fromIndex: partition.index, toIndex: partition.index, fromKey: partition.key, toKey: partition.key, count: 1, state: partition.status, runId: partition.runId };
}

function keyReader(graph: AssetGraph, assetKey: string | undefined, nowMs: number): (index: number) => string {
  const node = assetKey === undefined ? undefined : graph.get(assetKey);
  const partitions = node?.kind === 'asset' ? node.definition.partitions : undefined;
  return (index) => {
    if (!partitions) return `#${index}`;
    try {
      return partitions.keyAt(index, nowMs);
    } catch {
      return `#${index}`;
    }
  };
}

/** A backfill as the API shows it: its record with counts per state, and its partitions as ranges of one state. */
import type { AssetGraph } from '../graph/asset-graph.js';
import type { Backfill, Storage } from '../storage/storage.js';
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
  // One more than asked: tells whether there were more.
  const started = await storage.backfills.partitionStatusRanges(backfill.backfillId, { limit: options.maxRanges + 1 });
  const ranges: Range[] = started.slice(0, options.maxRanges).map(({ status, ...range }) => ({ ...range, state: status }));
  let truncated = started.length > options.maxRanges;
  if (backfill.cursor < backfill.partitionCount) {
    if (ranges.length >= options.maxRanges) truncated = true;
    else {
      const queued = await queuedRange(storage, graph, backfill, options.nowMs);
      if (queued) ranges.push(queued);
    }
  }
  return { ranges, truncated };
}

/** Every partition not launched yet, as one range: they are consecutive in the backfill's order. */
async function queuedRange(storage: Pick<Storage, 'backfills'>, graph: AssetGraph, backfill: Backfill, nowMs: number): Promise<Range | undefined> {
  const first = (await storage.backfills.backfillRanges(backfill.backfillId, { fromOrdinal: backfill.cursor, limit: 1 }))[0];
  const last = (await storage.backfills.backfillRanges(backfill.backfillId, { fromOrdinal: backfill.partitionCount - 1, limit: 1 }))[0];
  if (!first || !last) return undefined;
  const fromIndex = first.fromIndex + (backfill.cursor - first.ordinalStart);
  const keyAt = keyReader(graph, backfill.assetKeys[0], nowMs);
  return { fromIndex, toIndex: last.toIndex, fromKey: keyAt(fromIndex), toKey: keyAt(last.toIndex), count: backfill.partitionCount - backfill.cursor, state: 'QUEUED' };
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

/** An asset's status per partition, read from what is stored (materializations and runs), as ranges of one status. */
import { PARTITION_TAG } from '../engine/run-partition.js';
import type { Storage } from '../storage/storage.js';
import type { PartitionSpace, PartitionStatus, PartitionStatusRange } from './backfill-planner.js';
import type { PartitionStatusOf } from './backfill-partitions.js';

/** Materializations read per page. */
const PAGE = 1_000;

/*
 * The cost is in the asset's stored history (its materializations and its failed or unfinished runs), never in the
 * size of its partition definition: a definition of 100,000 partitions with 12 materialized reads 12 records.
 * merge: when the partitions branch stores a status per partition (GET /api/assets/:key/partitions), read that instead.
 */

/**
 * @example
 * const statusOf = storedPartitionStatus(storage, 'shop');
 * await statusOf('revenue', space)
 * // [{ fromIndex: 0, toIndex: 9, status: 'MATERIALIZED' }, { fromIndex: 10, toIndex: 10, status: 'FAILED' }]   (the rest: MISSING)
 */
export function storedPartitionStatus(storage: Pick<Storage, 'events' | 'runs'>, project: string): PartitionStatusOf {
  return async (assetKey: string, space: PartitionSpace) => {
    // Latest known outcome per partition key: a materialization, or a later failed (or unfinished) run.
    const latest = new Map<string, { at: number; status: PartitionStatus; runId: string }>();
    for (let before: number | undefined; ;) {
      const page = await storage.events.materializationHistory(project, assetKey, { limit: PAGE, ...(before !== undefined ? { beforeEventId: before } : {}) });
      for (const m of page) if (m.partition !== undefined && !latest.has(m.partition)) latest.set(m.partition, { at: m.timestamp, status: 'MATERIALIZED', runId: m.runId });
      if (page.length < PAGE) break;
      before = page.at(-1)!.eventId;
    }
    const runs = await storage.runs.listRuns({ project, assetKey, statuses: ['FAILURE', 'QUEUED', 'STARTED', 'CANCELING'] });
    for (const run of runs) {
      const key = run.tags[PARTITION_TAG];
      if (key === undefined) continue;
      const known = latest.get(key);
      const at = run.endedAt ?? run.createdAt;
      // A run that materialized this asset and then failed further down did not fail this partition of it.
      if (known && (known.runId === run.runId || known.at >= at)) continue;
      latest.set(key, { at, status: run.status === 'FAILURE' ? 'FAILED' : 'RUNNING', runId: run.runId });
    }
    const indexed = [...latest].map(([key, v]) => ({ index: space.indexOf(key), status: v.status }))
      .filter((p): p is { index: number; status: PartitionStatus } => p.index !== undefined && p.index >= 0)
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

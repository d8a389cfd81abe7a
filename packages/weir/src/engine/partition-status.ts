/**
 * The status of every partition of an asset as runs of equal status (ranges), from the few partitions that have a
 * record: the rest are MISSING. Pure: the definition, the stored records and the clock.
 */
import type { PartitionsDefinition } from '../definitions/partitions.js';
import { RunStatus } from '../events/index.js';
import type { PartitionRecord } from '../storage/storage.js';

/** What the API and the partition strip show for a partition. Declared once; labels live in the UI. */
export const PartitionStatus = {
  MATERIALIZED: 'MATERIALIZED',
  FAILED: 'FAILED',
  MISSING: 'MISSING',
  RUNNING: 'RUNNING',
} as const;
export type PartitionStatus = (typeof PartitionStatus)[keyof typeof PartitionStatus];

export interface PartitionRange {
  fromIndex: number;
  /** Included. */
  toIndex: number;
  fromKey: string;
  toKey: string;
  status: PartitionStatus;
}

/**
 * One partition's status: RUNNING while a run of it is queued or running; FAILED when its latest run failed after
 * its latest materialization (the published data, if any, is the older good one); MATERIALIZED; else MISSING.
 *
 * @example
 * partitionStatusOf({ partition: '2025-03', materializedAt: 100, lastRun: { runId: 'r', status: 'FAILURE', createdAt: 200 }, active: false })
 * // 'FAILED'
 */
export function partitionStatusOf(record: PartitionRecord): PartitionStatus {
  if (record.active) return PartitionStatus.RUNNING;
  const failedAfter = record.lastRun?.status === RunStatus.FAILURE && (record.materializedAt === null || record.lastRun.createdAt > record.materializedAt);
  if (failedAfter) return PartitionStatus.FAILED;
  return record.materializedAt !== null ? PartitionStatus.MATERIALIZED : PartitionStatus.MISSING;
}

/**
 * Ranges covering indices `from` … `to` (default: every partition) without a gap, adjacent equal statuses merged.
 * Costs O(r log r) for r records, never O(number of partitions); records of keys no longer in the definition are
 * left out.
 *
 * @example
 * partitionRanges(months, [{ partition: '2025-02', materializedAt: 1, lastRun: null, active: false }], nowMs)
 * // [{ fromIndex: 0, toIndex: 0, fromKey: '2025-01', toKey: '2025-01', status: 'MISSING' },
 * //  { fromIndex: 1, toIndex: 1, fromKey: '2025-02', toKey: '2025-02', status: 'MATERIALIZED' },
 * //  { fromIndex: 2, toIndex: 11, fromKey: '2025-03', toKey: '2025-12', status: 'MISSING' }]
 */
export function partitionRanges(
  definition: PartitionsDefinition,
  records: readonly PartitionRecord[],
  nowMs: number,
  window: { from?: number; to?: number } = {},
): PartitionRange[] {
  const count = definition.count(nowMs);
  const from = Math.max(0, window.from ?? 0);
  const to = Math.min(count - 1, window.to ?? count - 1);
  if (count === 0 || from > to) return [];
  const known: Array<{ index: number; status: PartitionStatus }> = [];
  // The keys already in hand: a range edge on a record needs no keyAt.
  const keyOf = new Map<number, string>();
  for (const record of records) {
    const index = definition.indexOf(record.partition, nowMs);
    if (index === undefined || index < from || index > to) continue;
    const status = partitionStatusOf(record);
    if (status === PartitionStatus.MISSING) continue;
    known.push({ index, status });
    keyOf.set(index, record.partition);
  }
  known.sort((a, b) => a.index - b.index);
  const spans: Array<{ fromIndex: number; toIndex: number; status: PartitionStatus }> = [];
  const push = (fromIndex: number, toIndex: number, status: PartitionStatus) => {
    const last = spans.at(-1);
    if (last && last.status === status && last.toIndex === fromIndex - 1) last.toIndex = toIndex;
    else spans.push({ fromIndex, toIndex, status });
  };
  let next = from;
  for (const { index, status } of known) {
    if (index > next) push(next, index - 1, PartitionStatus.MISSING);
    push(index, index, status);
    next = index + 1;
  }
  if (next <= to) push(next, to, PartitionStatus.MISSING);
  const key = (index: number) => keyOf.get(index) ?? definition.keyAt(index, nowMs);
  return spans.map((s) => ({ ...s, fromKey: key(s.fromIndex), toKey: key(s.toIndex) }));
}

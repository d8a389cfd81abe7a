/** Layout of a backfill's progress (pure): the bar of counts per state, and the strip of its partitions' ranges. */
import type { BackfillDetail } from '../../api/types.ts';

export type PartitionState = BackfillDetail['ranges'][number]['state'];
/** Left to right: what is over, what runs, what waits. */
export const STATE_ORDER: readonly PartitionState[] = ['SUCCESS', 'FAILURE', 'CANCELED', 'RUNNING', 'QUEUED'];
/** Words for a partition's state (a run's stored status reads oddly for a partition: "Success"). */
export const STATE_LABELS: Record<PartitionState, string> = { SUCCESS: 'Done', FAILURE: 'Failed', CANCELED: 'Cancelled', RUNNING: 'Running', QUEUED: 'Queued' };

/** A partition's state in words; once the backfill has ended, a queued partition is one that never started. */
export function stateLabel(state: PartitionState, hasEnded: boolean): string {
  return state === 'QUEUED' && hasEnded ? 'Not started' : STATE_LABELS[state];
}

export interface BarSegment {
  state: PartitionState;
  count: number;
  /** Share of the whole, 0–100. */
  percent: number;
}

/**
 * The progress bar: one segment per state with partitions, in STATE_ORDER.
 *
 * @example
 * progressSegments({ QUEUED: 2, RUNNING: 1, SUCCESS: 1, FAILURE: 0, CANCELED: 0 })
 * // [{ state: 'SUCCESS', count: 1, percent: 25 }, { state: 'RUNNING', count: 1, percent: 25 }, { state: 'QUEUED', count: 2, percent: 50 }]
 */
export function progressSegments(counts: Record<PartitionState, number>): BarSegment[] {
  const total = STATE_ORDER.reduce((sum, state) => sum + counts[state], 0);
  if (total === 0) return [];
  return STATE_ORDER.filter((state) => counts[state] > 0).map((state) => ({ state, count: counts[state], percent: (counts[state] / total) * 100 }));
}

export interface StripSegment {
  range: BackfillDetail['ranges'][number];
  /** Where it starts and how wide it is, in % of the backfill's partitions (in the backfill's order). */
  leftPercent: number;
  widthPercent: number;
}

/**
 * The partition strip: each range of one state placed by how many partitions come before it, so a backfill of
 * 100,000 partitions is as many boxes as it has ranges, never one per partition.
 *
 * @example
 * stripSegments([{ count: 50, state: 'SUCCESS', … }, { count: 450, state: 'QUEUED', … }], 500)
 * // [{ leftPercent: 0, widthPercent: 10, … }, { leftPercent: 10, widthPercent: 90, … }]
 */
export function stripSegments(ranges: BackfillDetail['ranges'], partitionCount: number): StripSegment[] {
  if (partitionCount <= 0) return [];
  let before = 0;
  return ranges.map((range) => {
    const segment = { range, leftPercent: (before / partitionCount) * 100, widthPercent: (range.count / partitionCount) * 100 };
    before += range.count;
    return segment;
  });
}

/** `2025-01` or `2025-01 … 2025-06`. */
export function rangeText(range: { fromKey: string; toKey: string }): string {
  return range.fromKey === range.toKey ? range.fromKey : `${range.fromKey} … ${range.toKey}`;
}

/**
 * Layout of the partition strip, pure: status ranges and a view (a window of partition indices) onto pixel columns,
 * then runs of equal columns as segments. Costs O(width + ranges), whatever the number of partitions.
 */

export type PartitionStatus = 'MATERIALIZED' | 'FAILED' | 'MISSING' | 'RUNNING';

export interface StatusRange { fromIndex: number; toIndex: number; status: PartitionStatus }

/** The indices shown: from `start` (included) to `end` (excluded); fractional while zooming. */
export interface StripView { start: number; end: number }

/** What a segment shows: a status, or PARTIAL where one pixel holds both materialized and missing partitions. */
export type SegmentStatus = PartitionStatus | 'PARTIAL';

export interface StripSegment {
  /** Pixels from the strip's left edge. */
  x: number;
  width: number;
  status: SegmentStatus;
  /** The partitions under it, both included. */
  fromIndex: number;
  toIndex: number;
}

// A pixel holding several partitions shows the one that most needs a look: a failure among 1,000 good months must
// not vanish when zoomed out, nor a run in progress; materialized and missing together show as PARTIAL, so neither
// sparse good data nor a gap disappears.
const BIT: Record<PartitionStatus, number> = { MATERIALIZED: 1, MISSING: 2, RUNNING: 4, FAILED: 8 };

function shown(mask: number): SegmentStatus {
  if (mask & BIT.FAILED) return 'FAILED';
  if (mask & BIT.RUNNING) return 'RUNNING';
  if ((mask & BIT.MATERIALIZED) && (mask & BIT.MISSING)) return 'PARTIAL';
  return mask & BIT.MATERIALIZED ? 'MATERIALIZED' : 'MISSING';
}

/** Fewest partitions a view shows, so zooming in stops at a readable width. */
export const MIN_VIEW_PARTITIONS = 8;

/**
 * Segments to draw for `ranges` in `view` on a strip `width` pixels wide.
 *
 * @example
 * layoutStrip([{ fromIndex: 0, toIndex: 49, status: 'MATERIALIZED' }, { fromIndex: 50, toIndex: 99, status: 'MISSING' }], { start: 0, end: 100 }, 200)
 * // [{ x: 0, width: 100, status: 'MATERIALIZED', fromIndex: 0, toIndex: 49 }, { x: 100, width: 100, status: 'MISSING', fromIndex: 50, toIndex: 99 }]
 */
export function layoutStrip(ranges: readonly StatusRange[], view: StripView, width: number): StripSegment[] {
  const columns = Math.max(0, Math.floor(width));
  const span = view.end - view.start;
  if (!columns || span <= 0) return [];
  const perColumn = span / columns;
  const column = new Uint8Array(columns);
  for (const range of ranges) {
    if (range.toIndex + 1 <= view.start || range.fromIndex >= view.end) continue;
    const first = Math.max(0, Math.floor((range.fromIndex - view.start) / perColumn));
    // The column holding the range's last partition: its right edge, minus a hair so an edge on a boundary stays left.
    const last = Math.min(columns - 1, Math.ceil((range.toIndex + 1 - view.start) / perColumn) - 1);
    const bit = BIT[range.status];
    for (let c = first; c <= last; c++) column[c]! |= bit;
  }
  const segments: StripSegment[] = [];
  for (let c = 0; c < columns;) {
    const mask = column[c]!;
    let end = c + 1;
    while (end < columns && shown(column[end]!) === shown(mask) && (column[end] === 0) === (mask === 0)) end++;
    if (mask) {
      segments.push({
        x: c, width: end - c, status: shown(mask),
        fromIndex: Math.max(0, Math.floor(view.start + c * perColumn)),
        toIndex: Math.ceil(view.start + end * perColumn) - 1,
      });
    }
    c = end;
  }
  return segments;
}

/**
 * The partition under pixel `x`.
 *
 * @example
 * indexAt(150, { start: 0, end: 100 }, 200) // 75
 */
export function indexAt(x: number, view: StripView, width: number): number {
  const ratio = Math.min(Math.max(x / width, 0), 0.999999);
  return Math.floor(view.start + ratio * (view.end - view.start));
}

/**
 * The view zoomed by `factor` (2 = twice as close) around the partition `anchor`, which stays under the same pixel;
 * never narrower than MIN_VIEW_PARTITIONS, never wider than every partition, never past either end.
 *
 * @example
 * zoomView({ start: 0, end: 1000 }, 4, 500, 1000) // { start: 375, end: 625 }
 */
export function zoomView(view: StripView, factor: number, anchor: number, count: number): StripView {
  const span = view.end - view.start;
  const next = Math.min(count, Math.max(Math.min(MIN_VIEW_PARTITIONS, count), span / factor));
  const at = span > 0 ? (anchor - view.start) / span : 0.5;
  return clampView({ start: anchor - at * next, end: anchor - at * next + next }, count);
}

/** The view moved by `delta` partitions, kept inside 0 … count. */
export function panView(view: StripView, delta: number, count: number): StripView {
  return clampView({ start: view.start + delta, end: view.end + delta }, count);
}

function clampView(view: StripView, count: number): StripView {
  const span = Math.min(view.end - view.start, count);
  const start = Math.min(Math.max(0, view.start), count - span);
  return { start, end: start + span };
}

/**
 * How many partitions have each status.
 *
 * @example
 * statusCounts([{ fromIndex: 0, toIndex: 9, status: 'MISSING' }, { fromIndex: 10, toIndex: 10, status: 'FAILED' }])
 * // { MATERIALIZED: 0, FAILED: 1, MISSING: 10, RUNNING: 0 }
 */
export function statusCounts(ranges: readonly StatusRange[]): Record<PartitionStatus, number> {
  const counts: Record<PartitionStatus, number> = { MATERIALIZED: 0, FAILED: 0, MISSING: 0, RUNNING: 0 };
  for (const r of ranges) counts[r.status] += r.toIndex - r.fromIndex + 1;
  return counts;
}

/** A selection from its first click to the current one, in order. */
export function selectionOf(anchor: number, current: number): { from: number; to: number } {
  return anchor <= current ? { from: anchor, to: current } : { from: current, to: anchor };
}

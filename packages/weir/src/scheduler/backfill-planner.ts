/**
 * The backfill planner (pure): which partitions a backfill must run, as ranges of partition indices, and the next keys
 * to launch. It never enumerates partitions: a request over 100,000 partitions is a handful of ranges.
 */
import { WeirError } from '../shared/errors.js';

/**
 * What planning needs of a partition definition at one instant: its size and the key <-> index mapping, both without
 * enumerating (partitionSpaceAt() makes one of a definitions/partitions.ts definition at `nowMs`).
 */
export interface PartitionSpace {
  /** Equal for two definitions with the same keys. */
  readonly signature?: string;
  /** In words, for messages: "monthly partitions from 2025-01 (Europe/Brussels)". */
  readonly label?: string;
  readonly count: number;
  keyAt(index: number): string;
  /** The index of `key`; -1 or undefined when the key is not one of the definition's. */
  indexOf(key: string): number | undefined;
}

/** Indices `fromIndex` to `toIndex`, both included. */
export interface IndexRange {
  fromIndex: number;
  toIndex: number;
}

/** Stored per-partition status of an asset (MISSING wherever no range says otherwise). */
export type PartitionStatus = 'MATERIALIZED' | 'FAILED' | 'MISSING' | 'RUNNING';

/** A run of equal status, as the partitions API answers: never one row per partition. */
export interface PartitionStatusRange extends IndexRange {
  status: PartitionStatus;
}

/** One selected asset, with its partition definition (undefined: unpartitioned) and its stored status. */
export interface PlannedAsset {
  key: string;
  partitions: PartitionSpace | undefined;
  /** Ranges in any order, not overlapping; what no range covers is MISSING. Needed for `only`. */
  statusRanges?: readonly PartitionStatusRange[];
}

/**
 * What a backfill asks for: every partition (no range, no `only`), a range of keys, and/or only the partitions that
 * are missing (no successful materialization: MISSING or FAILED, not RUNNING) or failed (FAILED) for any asset.
 */
export interface BackfillRequest {
  from?: string;
  to?: string;
  only?: 'missing' | 'failed';
}

/** The work of a backfill: ranges of partition indices, ascending and disjoint, and how many partitions they hold. */
export interface BackfillPlan {
  /** The partitioned assets every partition's run materializes, in the given order. */
  assetKeys: string[];
  /** Selected assets without partitions: not part of the backfill's runs (the caller says so). */
  unpartitionedAssetKeys: string[];
  /** The definition's size: the partitions the request chose among. */
  partitionCount: number;
  ranges: IndexRange[];
  /** Partitions in `ranges`. */
  count: number;
}

/** One partition to launch: its position in the plan (0 … count-1), its index in the definition and its key. */
export interface PlannedPartition {
  ordinal: number;
  index: number;
  key: string;
}

/**
 * Plans a backfill: the partitions of the selected assets' one partition definition that the request asks for.
 * Cost is in the number of stored status ranges, never in the number of partitions.
 *
 * @example
 * planBackfill([{ key: 'revenue', partitions: months, statusRanges: [{ fromIndex: 0, toIndex: 9, status: 'MATERIALIZED' }] }], { only: 'missing' })
 * // { assetKeys: ['revenue'], unpartitionedAssetKeys: [], partitionCount: 24, ranges: [{ fromIndex: 10, toIndex: 23 }], count: 14 }
 * planBackfill([{ key: 'revenue', partitions: months }], { from: '2030-01', to: '2030-02' })
 * // throws WeirError: "partition '2030-01' is not one of revenue's partitions (valid: 2025-01 … 2026-12, 24 partitions)"
 */
export function planBackfill(assets: readonly PlannedAsset[], request: BackfillRequest, options: { sameDefinition?: (a: PartitionSpace, b: PartitionSpace) => boolean } = {}): BackfillPlan {
  const partitioned = assets.filter((a): a is PlannedAsset & { partitions: PartitionSpace } => a.partitions !== undefined);
  const unpartitionedAssetKeys = assets.filter((a) => a.partitions === undefined).map((a) => a.key);
  if (partitioned.length === 0) {
    throw new WeirError(`the selection has no partitioned asset${assets.length > 0 ? ` (selected: ${listed(assets.map((a) => a.key))})` : ''}; a backfill runs partitions`, {
      code: 'BACKFILL_NO_PARTITIONED_ASSET', hint: 'Select assets that declare `partitions` (e.g. -s revenue), or materialize unpartitioned ones with `weir run`.',
    });
  }
  const space = partitioned[0]!.partitions;
  const same = options.sameDefinition ?? sameByShape;
  const other = partitioned.find((a) => !same(space, a.partitions));
  if (other) {
    throw new WeirError(`the assets of one backfill must share one partition definition, but ${partitioned[0]!.key} has ${describeSpace(space)} and ${other.key} has ${describeSpace(other.partitions)}`, {
      code: 'BACKFILL_MIXED_PARTITIONS', hint: 'Backfill them separately: one selection per partition definition.',
    });
  }
  const bounds = requestBounds(space, request, partitioned[0]!.key);
  const ranges = request.only === undefined ? (bounds.toIndex >= bounds.fromIndex ? [bounds] : [])
    : unionRanges(partitioned.flatMap((a) => wantedRanges(a.statusRanges ?? [], request.only!, bounds)));
  return {
    assetKeys: partitioned.map((a) => a.key),
    unpartitionedAssetKeys,
    partitionCount: space.count,
    ranges,
    count: countRanges(ranges),
  };
}

/**
 * The next `limit` partitions of a plan from position `fromOrdinal`: a binary search to the range holding it, then
 * `limit` keys. What the backfill loop launches next, with the stored cursor as `fromOrdinal`.
 *
 * @example
 * nextPartitions(space, [{ fromIndex: 3, toIndex: 4 }, { fromIndex: 9, toIndex: 20 }], 1, 3)
 * // [{ ordinal: 1, index: 4, key: '2025-05' }, { ordinal: 2, index: 9, key: '2025-10' }, { ordinal: 3, index: 10, key: '2025-11' }]
 */
export function nextPartitions(space: Pick<PartitionSpace, 'keyAt'>, ranges: readonly IndexRange[], fromOrdinal: number, limit: number): PlannedPartition[] {
  const out: PlannedPartition[] = [];
  if (limit <= 0) return out;
  const starts = ordinalStarts(ranges);
  let r = rangeOfOrdinal(starts, fromOrdinal);
  if (r < 0) return out;
  let ordinal = fromOrdinal;
  while (r < ranges.length && out.length < limit) {
    const range = ranges[r]!;
    const index = range.fromIndex + (ordinal - starts[r]!);
    if (index > range.toIndex) { r += 1; continue; }
    out.push({ ordinal, index, key: space.keyAt(index) });
    ordinal += 1;
  }
  return out;
}

/** Partitions in the ranges. */
export function countRanges(ranges: readonly IndexRange[]): number {
  let count = 0;
  for (const range of ranges) count += range.toIndex - range.fromIndex + 1;
  return count;
}

/**
 * Sorted indices as ranges of consecutive ones: how a set of partitions (the failed ones of a backfill) is kept.
 *
 * @example
 * indicesToRanges([1, 2, 3, 7, 9, 10]) // [{ fromIndex: 1, toIndex: 3 }, { fromIndex: 7, toIndex: 7 }, { fromIndex: 9, toIndex: 10 }]
 */
export function indicesToRanges(sortedIndices: readonly number[]): IndexRange[] {
  const out: IndexRange[] = [];
  for (const index of sortedIndices) {
    const last = out.at(-1);
    if (last && index <= last.toIndex + 1) last.toIndex = Math.max(last.toIndex, index);
    else out.push({ fromIndex: index, toIndex: index });
  }
  return out;
}

/** The requested [from, to] as indices, checked against the definition. */
function requestBounds(space: PartitionSpace, request: BackfillRequest, assetKey: string): IndexRange {
  const last = space.count - 1;
  const fromIndex = request.from === undefined ? 0 : indexOfKey(space, request.from, assetKey);
  const toIndex = request.to === undefined ? last : indexOfKey(space, request.to, assetKey);
  if (fromIndex > toIndex) {
    throw new WeirError(`the backfill range starts after it ends: from '${request.from}' (partition ${fromIndex + 1}) is after to '${request.to}' (partition ${toIndex + 1})`, {
      code: 'BACKFILL_RANGE_REVERSED', hint: `Swap them: --from ${request.to} --to ${request.from}.`,
    });
  }
  return { fromIndex, toIndex };
}

function indexOfKey(space: PartitionSpace, key: string, assetKey: string): number {
  const index = space.indexOf(key);
  if (index !== undefined && index >= 0 && index < space.count) return index;
  throw new WeirError(`partition '${key}' is not one of ${assetKey}'s partitions (valid: ${describeSpace(space)})`, {
    code: 'BACKFILL_UNKNOWN_PARTITION', hint: space.count > 0 ? `Give keys between ${space.keyAt(0)} and ${space.keyAt(space.count - 1)}.` : 'The definition has no partitions yet.',
  });
}

/** The ranges within `bounds` whose status the request wants; what no stored range covers is MISSING. */
function wantedRanges(statusRanges: readonly PartitionStatusRange[], only: 'missing' | 'failed', bounds: IndexRange): IndexRange[] {
  const wanted = (status: PartitionStatus) => status === 'FAILED' || (only === 'missing' && status === 'MISSING');
  const sorted = [...statusRanges].sort((a, b) => a.fromIndex - b.fromIndex);
  const out: IndexRange[] = [];
  let next = bounds.fromIndex; // the first index not yet classified
  const push = (fromIndex: number, toIndex: number) => {
    const from = Math.max(fromIndex, bounds.fromIndex);
    const to = Math.min(toIndex, bounds.toIndex);
    if (from <= to) out.push({ fromIndex: from, toIndex: to });
  };
  for (const range of sorted) {
    if (range.toIndex < next) continue;
    if (range.fromIndex > bounds.toIndex) break;
    if (only === 'missing' && range.fromIndex > next) push(next, range.fromIndex - 1); // a gap: MISSING
    if (wanted(range.status)) push(range.fromIndex, range.toIndex);
    next = range.toIndex + 1;
  }
  if (only === 'missing') push(next, bounds.toIndex);
  return out;
}

/** Ascending, disjoint, adjacent ones joined. */
function unionRanges(ranges: IndexRange[]): IndexRange[] {
  const sorted = [...ranges].sort((a, b) => a.fromIndex - b.fromIndex);
  const out: IndexRange[] = [];
  for (const range of sorted) {
    const last = out.at(-1);
    if (last && range.fromIndex <= last.toIndex + 1) last.toIndex = Math.max(last.toIndex, range.toIndex);
    else out.push({ ...range });
  }
  return out;
}

/** The ordinal of each range's first partition. */
function ordinalStarts(ranges: readonly IndexRange[]): number[] {
  const starts: number[] = [];
  let ordinal = 0;
  for (const range of ranges) {
    starts.push(ordinal);
    ordinal += range.toIndex - range.fromIndex + 1;
  }
  return starts;
}

/** The range holding `ordinal` (binary search), or -1 past the end. */
function rangeOfOrdinal(starts: readonly number[], ordinal: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! <= ordinal) { found = mid; low = mid + 1; } else high = mid - 1;
  }
  return found;
}

/** Two definitions are the same when their signatures agree; without signatures, when their size and ends agree. */
function sameByShape(a: PartitionSpace, b: PartitionSpace): boolean {
  if (a === b) return true;
  if (a.signature !== undefined || b.signature !== undefined) return a.signature === b.signature;
  if (a.count !== b.count) return false;
  if (a.count === 0) return true;
  return a.keyAt(0) === b.keyAt(0) && a.keyAt(a.count - 1) === b.keyAt(b.count - 1);
}

function describeSpace(space: PartitionSpace): string {
  const label = space.label ? `${space.label}: ` : '';
  if (space.count === 0) return `${label}no partitions`;
  if (space.count === 1) return `${label}${space.keyAt(0)}, 1 partition`;
  return `${label}${space.keyAt(0)} … ${space.keyAt(space.count - 1)}, ${space.count.toLocaleString('en-US')} partitions`;
}

function listed(keys: readonly string[]): string {
  return keys.length > 5 ? `${keys.slice(0, 5).join(', ')}, …` : keys.join(', ');
}

/**
 * Which partitions of an upstream asset a partition of a downstream asset reads: the same partition (default),
 * previous ones (`{ offset: -1 }`), or all of them. Pure: definitions, keys and the clock in, keys out.
 */
import { WeirError, type SourceLocation } from '../shared/errors.js';
import type { PartitionsDefinition, StaticPartitionsDefinition, TimePartitionsDefinition, PartitionWindow } from './partitions.js';

/** What a user writes in `inputs: { prev: { asset, partitions: … } }`. */
export type PartitionMappingOption = 'same' | 'all' | { offset: number | readonly [number, number] };

/** A resolved mapping. An offset covers `from` … `to` periods (both included) relative to the downstream partition. */
export type PartitionMapping = { kind: 'same' } | { kind: 'all' } | { kind: 'offset'; from: number; to: number };

/**
 * What a downstream partition reads from upstream: `whole` (the upstream asset is not partitioned), `all` of its
 * partitions, or some `keys`; `outside` counts mapped partitions that do not exist (before the start, not complete).
 */
export type UpstreamPartitions =
  | { kind: 'whole' }
  | { kind: 'all' }
  | { kind: 'keys'; keys: string[]; outside: number };

export const SAME_MAPPING: PartitionMapping = Object.freeze({ kind: 'same' });

/**
 * Validates what the user wrote and resolves it.
 *
 * @example
 * resolvePartitionMapping({ offset: -1 }, "asset 'revenue', input 'prev'") // { kind: 'offset', from: -1, to: -1 }
 * resolvePartitionMapping({ offset: [-3, -1] }, '…')                       // { kind: 'offset', from: -3, to: -1 }
 */
export function resolvePartitionMapping(option: unknown, where: string, location?: SourceLocation): PartitionMapping {
  if (option === undefined || option === 'same') return SAME_MAPPING;
  if (option === 'all') return { kind: 'all' };
  if (option && typeof option === 'object' && 'offset' in option && Object.keys(option).length === 1) {
    const offset = (option as { offset: unknown }).offset;
    const range = Array.isArray(offset) ? offset : [offset, offset];
    if (range.length === 2 && range.every((n) => Number.isInteger(n)) && range[0] <= range[1]) {
      return { kind: 'offset', from: range[0] as number, to: range[1] as number };
    }
  }
  throw new WeirError(`${where}: partitions mapping ${JSON.stringify(option)} is not valid`, {
    code: 'INVALID_PARTITION_MAPPING', location,
    hint: "Use 'same' (the default), 'all', { offset: -1 } for the previous partition or { offset: [-3, -1] } for the three before.",
  });
}

// A definition seen as dimensions: a plain one is a single unnamed dimension, so one code path serves every pair.
type Single = TimePartitionsDefinition | StaticPartitionsDefinition;
interface Dim { name: string; def: Single }

function dimsOf(def: PartitionsDefinition): Dim[] {
  return def.kind === 'multi' ? def.dimensions.map((d) => ({ name: d.name, def: d.definition })) : [{ name: '', def }];
}

function partsOf(def: PartitionsDefinition, key: string): Record<string, string> {
  return def.kind === 'multi' ? def.split(key)! : { '': key };
}

function joinParts(def: PartitionsDefinition, parts: Record<string, string>): string {
  return def.kind === 'multi' ? def.join(parts) : parts['']!;
}

function singlesMatch(down: Single, up: Single): boolean {
  return down.signature === up.signature || down.kind === up.kind;
}

/** The downstream dimension an upstream dimension follows: same name, else the only one, else one of the same kind. */
function matchDim(downDims: Dim[], up: Dim): Dim | undefined {
  return downDims.find((d) => d.name === up.name && singlesMatch(d.def, up.def))
    ?? (downDims.length === 1 && singlesMatch(downDims[0]!.def, up.def) ? downDims[0] : undefined)
    ?? downDims.find((d) => d.def.signature === up.def.signature)
    ?? downDims.find((d) => d.def.kind === 'time' && up.def.kind === 'time');
}

function timeDimOf(def: PartitionsDefinition): Dim | undefined {
  return dimsOf(def).find((d) => d.def.kind === 'time');
}

/**
 * Why a mapping cannot work between two definitions (a load error), or undefined when it can. `downstream` or
 * `upstream` undefined means that asset is not partitioned.
 *
 * @example
 * mappingProblem({ kind: 'offset', from: -1, to: -1 }, months, undefined)
 * // 'an offset dependency needs a partitioned upstream asset, and this one has no partitions'
 */
export function mappingProblem(mapping: PartitionMapping, downstream: PartitionsDefinition | undefined, upstream: PartitionsDefinition | undefined): string | undefined {
  if (mapping.kind === 'offset') {
    if (!upstream) return 'an offset dependency needs a partitioned upstream asset, and this one has no partitions';
    if (!downstream) return 'an offset dependency needs the asset itself to be partitioned';
    if (!timeDimOf(downstream)) return `an offset counts time periods, and ${downstream.label} has no time dimension`;
  }
  if (mapping.kind === 'all' || !upstream || !downstream) return undefined;
  if (downstream.signature === upstream.signature) return undefined;
  const downDims = dimsOf(downstream);
  const matched = dimsOf(upstream).filter((u) => matchDim(downDims, u));
  if (!matched.length) return `${downstream.label} and ${upstream.label} share no dimension: use partitions: 'all' or the same definition`;
  for (const u of matched) {
    const d = matchDim(downDims, u)!;
    if (d.def.kind === 'static' && u.def.kind === 'static' && d.def.signature !== u.def.signature) {
      const missing = d.def.list.filter((k) => u.def.indexOf(k, 0) === undefined);
      if (missing.length) return `keys ${missing.map((k) => `'${k}'`).join(', ')} of ${d.def.label} are not keys of ${u.def.label}`;
    }
  }
  return undefined;
}

function overlap(window: PartitionWindow, up: TimePartitionsDefinition, nowMs: number): { keys: string[]; outside: number } {
  const first = up.indexAtInstant(window.start.getTime());
  const last = up.indexAtInstant(window.end.getTime() - 1);
  const count = up.count(nowMs);
  const keys: string[] = [];
  let outside = 0;
  for (let i = first; i <= last; i++) {
    if (i >= 0 && i < count) keys.push(up.keyAt(i, nowMs)); else outside++;
  }
  return { keys, outside };
}

/** Upstream keys of one dimension for one downstream dimension key. */
function singleKeys(down: Single, downKey: string, up: Single, nowMs: number): { keys: string[]; outside: number } {
  if (down.signature === up.signature || down.kind === 'static') {
    return up.indexOf(downKey, nowMs) === undefined ? { keys: [], outside: 1 } : { keys: [downKey], outside: 0 };
  }
  return overlap(down.window(downKey)!, up as TimePartitionsDefinition, nowMs);
}

function sameKeys(downstream: PartitionsDefinition, key: string, upstream: PartitionsDefinition, nowMs: number): { keys: string[]; outside: number } {
  if (downstream.signature === upstream.signature) {
    return upstream.indexOf(key, nowMs) === undefined ? { keys: [], outside: 1 } : { keys: [key], outside: 0 };
  }
  const downDims = dimsOf(downstream);
  const downParts = partsOf(downstream, key);
  let combos: Record<string, string>[] = [{}];
  let outside = 0;
  for (const u of dimsOf(upstream)) {
    const d = matchDim(downDims, u);
    // An upstream dimension the downstream does not have: the downstream partition reads every key of it.
    const mapped = d ? singleKeys(d.def, downParts[d.name]!, u.def, nowMs) : { keys: u.def.keys(nowMs), outside: 0 };
    outside += mapped.outside;
    combos = combos.flatMap((c) => mapped.keys.map((k) => ({ ...c, [u.name]: k })));
  }
  return { keys: combos.map((c) => joinParts(upstream, c)), outside };
}

/** The downstream key moved `offset` periods along its time dimension, or undefined when that partition does not exist. */
function shiftedKey(downstream: PartitionsDefinition, key: string, offset: number, nowMs: number): string | undefined {
  const time = timeDimOf(downstream)!;
  const parts = partsOf(downstream, key);
  const index = time.def.requireIndex(parts[time.name]!, nowMs) + offset;
  if (index < 0 || index >= time.def.count(nowMs)) return undefined;
  return joinParts(downstream, { ...parts, [time.name]: time.def.keyAt(index, nowMs) });
}

/**
 * The upstream partitions one downstream partition reads. Throws when the mapping cannot work (see mappingProblem,
 * which the loader reports first) or the downstream key is not a key of its definition.
 *
 * @example
 * upstreamPartitions({ kind: 'offset', from: -1, to: -1 }, months, '2025-03', months, nowMs)
 * // { kind: 'keys', keys: ['2025-02'], outside: 0 }
 * upstreamPartitions({ kind: 'offset', from: -1, to: -1 }, months, '2025-01', months, nowMs)
 * // { kind: 'keys', keys: [], outside: 1 } (no month before the first)
 * upstreamPartitions(SAME_MAPPING, undefined, undefined, months, nowMs) // { kind: 'all' }
 */
export function upstreamPartitions(
  mapping: PartitionMapping,
  downstream: PartitionsDefinition | undefined,
  downstreamKey: string | undefined,
  upstream: PartitionsDefinition | undefined,
  nowMs: number,
): UpstreamPartitions {
  const problem = mappingProblem(mapping, downstream, upstream);
  if (problem) throw new WeirError(problem, { code: 'INVALID_PARTITION_MAPPING' });
  if (!upstream) return { kind: 'whole' };
  if (mapping.kind === 'all' || !downstream) return { kind: 'all' };
  if (downstreamKey === undefined) throw new WeirError(`a partition of ${downstream.label} is needed to find its upstream partitions`, { code: 'UNKNOWN_PARTITION' });
  downstream.requireIndex(downstreamKey, nowMs);
  if (mapping.kind === 'same') return { kind: 'keys', ...sameKeys(downstream, downstreamKey, upstream, nowMs) };
  const keys: string[] = [];
  let outside = 0;
  for (let offset = mapping.from; offset <= mapping.to; offset++) {
    const shifted = shiftedKey(downstream, downstreamKey, offset, nowMs);
    if (shifted === undefined) { outside++; continue; }
    const mapped = sameKeys(downstream, shifted, upstream, nowMs);
    outside += mapped.outside;
    for (const k of mapped.keys) if (!keys.includes(k)) keys.push(k);
  }
  return { kind: 'keys', keys, outside };
}

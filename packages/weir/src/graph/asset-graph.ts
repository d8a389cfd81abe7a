/** The asset graph: every asset and external asset as a node, validated in one pass, with order and lineage queries. */
import { WeirError, WeirErrors, formatLocation, type SourceLocation } from '../shared/errors.js';
import { didYouMean } from '../shared/suggest.js';
import { hashText } from '../shared/hash.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { AssetKey } from '../definitions/asset-key.js';
import { mappingProblem } from '../definitions/partition-mapping.js';
import { publishedLocationProblems, type LocationContext } from './published-locations.js';

export type AssetNodeKind = 'asset' | 'external';

/** One node of the graph. `upstream` keeps the definition's order (inputs, then deps); `downstream` is sorted by key. */
export type AssetNode =
  | { readonly key: AssetKey; readonly kind: 'asset'; readonly definition: AssetDefinition; readonly upstream: readonly AssetKey[]; readonly downstream: readonly AssetKey[] }
  | { readonly key: AssetKey; readonly kind: 'external'; readonly definition: ExternalAssetDefinition; readonly upstream: readonly AssetKey[]; readonly downstream: readonly AssetKey[] };

/** What the graph is built from: a `Definitions` value fits. */
export interface GraphInput {
  readonly assets: readonly AssetDefinition[];
  readonly externals?: readonly ExternalAssetDefinition[];
  /** Resolves `io.path` and names Weir's own files, for the one-owner-per-location check (a `ProjectConfig` fits). */
  readonly project?: LocationContext;
}

export interface AssetGraph {
  readonly nodes: ReadonlyMap<AssetKey, AssetNode>;
  get(key: AssetKey): AssetNode | undefined;
  /** Every key, sorted. */
  keys(): AssetKey[];
  /** Every key, upstream before downstream; among nodes ready at the same time, the smallest key first. */
  topologicalOrder(): AssetKey[];
  /** Nodes by depth: level 0 has no upstream, level n depends on something in level n-1. Each level sorted. */
  levels(): AssetKey[][];
  /** Ancestors of `key` (not `key` itself), nearest first, within `depth` generations (all when omitted). */
  upstreamOf(key: AssetKey, depth?: number): Set<AssetKey>;
  /** Descendants of `key` (not `key` itself), nearest first, within `depth` generations (all when omitted). */
  downstreamOf(key: AssetKey, depth?: number): Set<AssetKey>;
  /** A stable hex hash of the structure (keys, kinds, groups, edges): equal graphs hash equal, whatever the declaration order. */
  hash(): string;
}

/**
 * The order keys are sorted in everywhere in the graph: plain code-unit order, not localeCompare, so the
 * order does not depend on the machine's locale.
 *
 * @example
 * ['b', 'B', 'a'].sort(compareKeys) // ['B', 'a', 'b']
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function where(location: SourceLocation | undefined): string {
  return formatLocation(location) || '(unknown location)';
}

type Declared = { kind: 'asset'; definition: AssetDefinition } | { kind: 'external'; definition: ExternalAssetDefinition };

/**
 * Builds and validates the asset graph. Every problem is collected before throwing, so one run of
 * `weir validate` shows all of them: duplicate keys, two assets publishing to one table or file (or to a name
 * Weir keeps for itself), dependencies on unknown keys, and cycles.
 *
 * @example
 * const graph = buildAssetGraph({ assets: [orders, revenue], externals: [erpExport] });
 * graph.topologicalOrder() // ['erp_export', 'orders', 'revenue']
 * graph.get('revenue')?.upstream // ['orders']
 *
 * @throws WeirErrors listing every problem, e.g.
 * "defs/b.ts:7: asset key 'orders' is declared twice: defs/a.ts:3 and defs/b.ts:7. Rename one of them."
 */
export function buildAssetGraph(defs: GraphInput): AssetGraph {
  const errors: WeirError[] = [];
  // The same definition object listed twice (say, exported under two names) is one declaration, not a duplicate.
  const declared: Declared[] = [
    ...[...new Set(defs.assets)].map((definition) => ({ kind: 'asset' as const, definition })),
    ...[...new Set(defs.externals ?? [])].map((definition) => ({ kind: 'external' as const, definition })),
  ];

  // Duplicates: the first declaration stays in the graph so the later checks still run on a whole graph.
  const byKey = new Map<AssetKey, Declared[]>();
  for (const entry of declared) {
    const list = byKey.get(entry.definition.key);
    if (list) list.push(entry);
    else byKey.set(entry.definition.key, [entry]);
  }
  const known = [...byKey.keys()].sort(compareKeys);
  for (const key of known) {
    const list = byKey.get(key)!;
    if (list.length < 2) continue;
    const places = list.map((e) => where(e.definition.location));
    const times = list.length === 2 ? 'twice' : `${list.length} times`;
    errors.push(new WeirError(`asset key '${key}' is declared ${times}: ${places.join(' and ')}`, {
      code: 'DUPLICATE_ASSET_KEY', location: list[1]!.definition.location, hint: 'Rename one of them: every asset needs its own key.',
    }));
  }

  const firstDeclared = known.map((key) => byKey.get(key)![0]!).flatMap((e) => (e.kind === 'asset' ? [e.definition] : []));
  errors.push(...publishedLocationProblems(firstDeclared, defs.project));

  // Edges. Unknown dependencies are reported and left out, so cycle detection still sees the rest.
  const upstream = new Map<AssetKey, AssetKey[]>();
  const downstream = new Map<AssetKey, AssetKey[]>(known.map((k) => [k, []]));
  for (const key of known) {
    const entry = byKey.get(key)![0]!;
    const deps = entry.kind === 'asset' ? entry.definition.upstream : [];
    const kept: AssetKey[] = [];
    for (const dep of deps) {
      if (!byKey.has(dep)) {
        errors.push(new WeirError(`asset '${key}' (${where(entry.definition.location)}) depends on '${dep}', which matches no asset`, {
          code: 'UNKNOWN_DEPENDENCY', location: entry.definition.location, hint: didYouMean(dep, known),
        }));
        continue;
      }
      kept.push(dep);
      downstream.get(dep)!.push(key);
    }
    upstream.set(key, kept);
  }
  for (const list of downstream.values()) list.sort(compareKeys);
  errors.push(...partitionMappingProblems(known.map((key) => byKey.get(key)![0]!)));

  for (const cycle of findCycles(known, upstream, downstream)) {
    const members = cycle.slice(0, -1);
    const locations = members.map((k) => `${k} (${where(byKey.get(k)![0]!.definition.location)})`).join(', ');
    errors.push(new WeirError(`assets depend on each other in a cycle: ${cycle.join(' → ')}; declared at ${locations}`, {
      code: 'DEPENDENCY_CYCLE', location: byKey.get(members[0]!)![0]!.definition.location,
      hint: 'Remove one of the dependencies in the cycle (an input or a deps entry).',
    }));
  }
  if (errors.length) throw new WeirErrors(errors);

  const nodes = new Map<AssetKey, AssetNode>();
  for (const key of known) {
    const entry = byKey.get(key)![0]!;
    nodes.set(key, Object.freeze({
      key, kind: entry.kind, definition: entry.definition,
      upstream: Object.freeze(upstream.get(key)!), downstream: Object.freeze(downstream.get(key)!),
    }) as AssetNode);
  }
  return new FrozenAssetGraph(nodes, known);
}

/**
 * Dependencies whose partition mapping cannot work between the two assets' partitions: an offset onto an
 * unpartitioned asset, a `same` mapping between definitions that share no dimension, static keys missing upstream.
 */
function partitionMappingProblems(entries: Declared[]): WeirError[] {
  const partitionsOf = new Map(entries.map((e) => [e.definition.key, e.kind === 'asset' ? e.definition.partitions : undefined]));
  const errors: WeirError[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'asset') continue;
    const { definition } = entry;
    for (const dependency of definition.dependencies) {
      if (!partitionsOf.has(dependency.key)) continue; // reported as an unknown dependency
      const problem = mappingProblem(dependency.partitions, definition.partitions, partitionsOf.get(dependency.key));
      if (!problem) continue;
      const what = dependency.input ? `input '${dependency.input}' ('${dependency.key}')` : `dep '${dependency.key}'`;
      errors.push(new WeirError(`asset '${definition.key}' (${where(definition.location)}), ${what}: ${problem}`, {
        code: 'PARTITION_MAPPING_MISMATCH', location: definition.location,
        hint: "Map the dependency with partitions: 'same', 'all' or { offset: -1 } to fit both assets' partitions.",
      }));
    }
  }
  return errors;
}

/**
 * Each strongly connected component that is a cycle, as one path `[a, b, …, a]` in data-flow direction
 * (upstream → downstream), starting at the component's smallest key. One error per component, not per
 * elementary cycle: a tangle of n assets can hold exponentially many cycles, but one fix list is enough.
 */
function findCycles(keys: AssetKey[], upstream: Map<AssetKey, AssetKey[]>, downstream: Map<AssetKey, AssetKey[]>): AssetKey[][] {
  const cycles: AssetKey[][] = [];
  for (const component of stronglyConnected(keys, downstream)) {
    const start = component[0]!;
    const isSelfLoop = upstream.get(start)!.includes(start);
    if (component.length === 1 && !isSelfLoop) continue;
    if (isSelfLoop) { cycles.push([start, start]); continue; }
    // Shortest path start → … → start inside the component (BFS), so the message stays short.
    const inside = new Set(component);
    const previous = new Map<AssetKey, AssetKey>();
    const queue = [start];
    let last: AssetKey | undefined;
    for (let i = 0; i < queue.length && last === undefined; i++) {
      const current = queue[i]!;
      for (const next of downstream.get(current)!) {
        if (!inside.has(next)) continue;
        if (next === start) { last = current; break; }
        if (!previous.has(next)) { previous.set(next, current); queue.push(next); }
      }
    }
    const path = [start];
    for (let k = last!; k !== start; k = previous.get(k)!) path.push(k);
    path.push(start);
    cycles.push([path[0]!, ...path.slice(1, -1).reverse(), start]);
  }
  return cycles.sort((a, b) => compareKeys(a[0]!, b[0]!));
}

/** Tarjan's algorithm, iterative: a deep chain of thousands of assets must not overflow the stack. Components come back sorted. */
function stronglyConnected(keys: AssetKey[], edges: Map<AssetKey, AssetKey[]>): AssetKey[][] {
  const index = new Map<AssetKey, number>();
  const low = new Map<AssetKey, number>();
  const onStack = new Set<AssetKey>();
  const stack: AssetKey[] = [];
  const components: AssetKey[][] = [];
  let counter = 0;
  for (const root of keys) {
    if (index.has(root)) continue;
    const work: Array<{ key: AssetKey; next: number }> = [{ key: root, next: 0 }];
    index.set(root, counter); low.set(root, counter); counter++;
    stack.push(root); onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const out = edges.get(frame.key)!;
      if (frame.next < out.length) {
        const next = out[frame.next++]!;
        if (!index.has(next)) {
          index.set(next, counter); low.set(next, counter); counter++;
          stack.push(next); onStack.add(next);
          work.push({ key: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(next)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!));
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: AssetKey[] = [];
        let member: AssetKey;
        do { member = stack.pop()!; onStack.delete(member); component.push(member); } while (member !== frame.key);
        components.push(component.sort(compareKeys));
      }
    }
  }
  return components;
}

/** A min-heap of keys: picks the smallest ready key in O(log n), so ordering 10k assets stays fast. */
class KeyHeap {
  private readonly items: string[] = [];
  get size(): number { return this.items.length; }
  push(key: string): void {
    const items = this.items;
    items.push(key);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= items[i]!) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }
  pop(): string {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length) {
      items[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let smallest = i;
        if (l < items.length && items[l]! < items[smallest]!) smallest = l;
        if (r < items.length && items[r]! < items[smallest]!) smallest = r;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i]!, items[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

class FrozenAssetGraph implements AssetGraph {
  // The graph never changes after construction, so derived views are computed once, on first use.
  private order?: AssetKey[];
  private layered?: AssetKey[][];
  private digest?: string;

  constructor(readonly nodes: ReadonlyMap<AssetKey, AssetNode>, private readonly sortedKeys: AssetKey[]) {}

  get(key: AssetKey): AssetNode | undefined {
    return this.nodes.get(key);
  }

  keys(): AssetKey[] {
    return [...this.sortedKeys];
  }

  topologicalOrder(): AssetKey[] {
    if (!this.order) {
      const waiting = new Map<AssetKey, number>();
      const ready = new KeyHeap();
      for (const node of this.nodes.values()) {
        waiting.set(node.key, node.upstream.length);
        if (node.upstream.length === 0) ready.push(node.key);
      }
      const order: AssetKey[] = [];
      while (ready.size) {
        const key = ready.pop();
        order.push(key);
        for (const child of this.nodes.get(key)!.downstream) {
          const left = waiting.get(child)! - 1;
          waiting.set(child, left);
          if (left === 0) ready.push(child);
        }
      }
      this.order = order;
    }
    return [...this.order];
  }

  levels(): AssetKey[][] {
    if (!this.layered) {
      const level = new Map<AssetKey, number>();
      const levels: AssetKey[][] = [];
      for (const key of this.topologicalOrder()) {
        const n = Math.max(-1, ...this.nodes.get(key)!.upstream.map((u) => level.get(u)!)) + 1;
        level.set(key, n);
        (levels[n] ??= []).push(key);
      }
      this.layered = levels.map((keys) => keys.sort(compareKeys));
    }
    return this.layered.map((keys) => [...keys]);
  }

  upstreamOf(key: AssetKey, depth?: number): Set<AssetKey> {
    return this.walk(key, depth, 'upstream');
  }

  downstreamOf(key: AssetKey, depth?: number): Set<AssetKey> {
    return this.walk(key, depth, 'downstream');
  }

  hash(): string {
    // Sorted keys and sorted edges: the hash depends on the structure only, not on the declaration order.
    this.digest ??= hashText(...this.sortedKeys.map((key) => {
      const node = this.nodes.get(key)!;
      return JSON.stringify([key, node.kind, node.definition.group, [...node.upstream].sort(compareKeys)]);
    }));
    return this.digest;
  }

  private walk(key: AssetKey, depth: number | undefined, direction: 'upstream' | 'downstream'): Set<AssetKey> {
    if (!this.nodes.has(key)) {
      throw new WeirError(`asset '${key}' is not in the graph`, { code: 'UNKNOWN_ASSET', hint: didYouMean(key, this.sortedKeys) });
    }
    const found = new Set<AssetKey>();
    let frontier = [key];
    for (let generation = 0; frontier.length && (depth === undefined || generation < depth); generation++) {
      const next = new Set<AssetKey>();
      for (const current of frontier) {
        for (const neighbour of this.nodes.get(current)![direction]) {
          if (neighbour !== key && !found.has(neighbour)) next.add(neighbour);
        }
      }
      frontier = [...next].sort(compareKeys);
      for (const k of frontier) found.add(k);
    }
    return found;
  }
}

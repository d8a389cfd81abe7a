/**
 * Group-first layout of the lineage graph, left to right. Groups are placed as boxes first (a closed group is one
 * box; see box-layout.ts); a group's inside is laid out with ELK's layered algorithm only when it is opened; every
 * layout is cached by a hash of the structure it depends on, so a status change never lays anything out again.
 * Pure: no React, no DOM; the ELK instance is passed in (a web worker in the browser, the bundled one in tests).
 *
 * Every edge comes with its route, and no route passes under a node it does not connect: inside a group, ELK's
 * orthogonal routes (or box-layout.ts's slots); between groups, out of the source's layer gap, along the group's
 * title band (which holds no node) to its border, along the groups' own route, and the same way in.
 */
import { layoutBoxGraph, type Point } from './box-layout.ts';
import type { LayoutCache } from './layout-cache.ts';

/** What the layout needs of a node: the server's Lineage node has more. */
export interface LayoutNode {
  key: string;
  group: string;
}
export interface LayoutGraph {
  nodes: readonly LayoutNode[];
  edges: readonly { source: string; target: string }[];
  groups: readonly { name: string; assetKeys: readonly string[] }[];
}

/** The subset of ELK's API used here (`new ELK()` from elkjs satisfies it). */
export interface LayoutEngine {
  layout(graph: ElkGraph): Promise<ElkGraph>;
}
/** The engine, or how to get it: the browser loads ELK only when a group's inside is not in the cache. */
export type EngineSource = LayoutEngine | (() => Promise<LayoutEngine>);
const engineOf = (source: EngineSource) => (typeof source === 'function' ? source() : Promise.resolve(source));
export interface ElkGraph {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkGraph[];
  edges?: ElkEdge[];
}
export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  /** Filled in by ELK: the route, relative to the graph the edge is in. */
  sections?: Array<{ startPoint: Point; endPoint: Point; bendPoints?: Point[] }>;
}
/** A routed edge between two ids (asset keys or group names), as box-layout.ts and ELK give them. */
export interface EdgeRoute {
  source: string;
  target: string;
  points: Point[];
}

export const NODE_WIDTH = 232;
export const NODE_HEIGHT = 76;
export const COLLAPSED_GROUP_WIDTH = 260;
export const COLLAPSED_GROUP_HEIGHT = 92;
/** Room above an open group's children for its title bar. */
export const GROUP_HEADER = 44;
export const GROUP_PADDING = 20;
/** Below this many assets every group starts open: a small project reads best fully drawn. */
export const OPEN_ALL_BELOW = 120;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface InnerLayout {
  width: number;
  height: number;
  /** Relative to the group box's top-left corner. */
  positions: Record<string, { x: number; y: number }>;
  /** The group's inner edges, relative to the same corner. */
  routes: EdgeRoute[];
}
/** The groups' boxes and the routes between them (cached together). */
export interface OuterLayout {
  boxes: Record<string, Box>;
  routes: EdgeRoute[];
}
export interface LineageLayout {
  groups: Array<Box & { name: string; isOpen: boolean; size: number }>;
  /** Absolute positions of the assets in open groups. */
  nodes: Array<{ key: string; group: string; x: number; y: number }>;
  /** Node keys, or `group:<name>` for a closed group; one edge per pair, with how many asset edges it stands for. */
  edges: Array<{ id: string; source: string; target: string; count: number; points: Point[] }>;
  width: number;
  height: number;
}

const BASE_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '64',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
};
/** Above this many assets in a group, its inside is laid out by box-layout.ts instead of ELK (see why there). */
export const LARGE_GROUP = 150;

/** `group:sales`: the id of a closed group where edges end. */
export const groupId = (name: string) => `group:${name}`;

/**
 * FNV-1a over strings: a short, stable hash for cache keys (not cryptographic).
 *
 * @example
 * hashStrings(['a', 'b']) === hashStrings(['a', 'b']) // true; ['ab'] hashes differently (separators count)
 */
export function hashStrings(parts: Iterable<string>): string {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A graph indexed by group, built once per structure. */
export interface GroupIndex {
  groupOf: Map<string, string>;
  members: Map<string, string[]>;
  /** Edges with both ends in the group. */
  inner: Map<string, Array<{ source: string; target: string }>>;
  /** Edges between groups. */
  cross: Array<{ source: string; target: string }>;
  /** Per group: a hash of its members and inner edges, so its layout survives changes elsewhere. */
  hashes: Map<string, string>;
  /** A hash of the whole structure. */
  hash: string;
}

/**
 * @example
 * indexGroups({ nodes: [{ key: 'a', group: 'g' }], edges: [], groups: [{ name: 'g', assetKeys: ['a'] }] }).members.get('g') // ['a']
 */
export function indexGroups(graph: LayoutGraph): GroupIndex {
  const groupOf = new Map(graph.nodes.map((n) => [n.key, n.group]));
  const members = new Map(graph.groups.map((g) => [g.name, [...g.assetKeys]]));
  const inner = new Map<string, Array<{ source: string; target: string }>>(graph.groups.map((g) => [g.name, []]));
  const cross: Array<{ source: string; target: string }> = [];
  for (const edge of graph.edges) {
    const a = groupOf.get(edge.source);
    const b = groupOf.get(edge.target);
    if (a === undefined || b === undefined) continue;
    if (a === b) inner.get(a)!.push(edge);
    else cross.push(edge);
  }
  const hashes = new Map<string, string>();
  for (const [name, keys] of members) {
    hashes.set(name, hashStrings([name, ...keys, '|', ...inner.get(name)!.flatMap((e) => [e.source, e.target])]));
  }
  const hash = hashStrings([...hashes.values(), '|', ...cross.flatMap((e) => [e.source, e.target])]);
  return { groupOf, members, inner, cross, hashes, hash };
}

/** The groups open at first: all of them for a small graph, none for a large one. */
export function initiallyOpen(graph: LayoutGraph): Set<string> {
  return new Set(graph.nodes.length < OPEN_ALL_BELOW ? graph.groups.map((g) => g.name) : []);
}

/**
 * Lays out one group's assets (cached by the group's own hash): ELK layered, or box-layout.ts above LARGE_GROUP.
 *
 * @example
 * await layoutGroup(new ELK(), index, 'sales', cache) // { width: 780, height: 190, positions: { orders: { x: 20, y: 44 }, … } }
 */
export async function layoutGroup(engine: EngineSource, index: GroupIndex, group: string, cache?: LayoutCache<InnerLayout>): Promise<InnerLayout> {
  // `inner2`: layouts cached before edges had routes lack them.
  const key = `inner2:${index.hashes.get(group)}`;
  const cached = cache?.get(key);
  if (cached) return cached;
  const keys = index.members.get(group) ?? [];
  const edges = index.inner.get(group) ?? [];
  const positions: InnerLayout['positions'] = {};
  let routes: EdgeRoute[] = [];
  let width = 0;
  let height = 0;
  if (keys.length > LARGE_GROUP) {
    const placed = layoutBoxGraph(keys.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })), edges, {
      layerGap: 64, boxGap: 18, margin: { top: GROUP_HEADER, left: GROUP_PADDING },
    });
    routes = placed.routes;
    for (const [id, p] of Object.entries(placed.boxes)) {
      positions[id] = { x: p.x, y: p.y };
      width = Math.max(width, p.x + p.width + GROUP_PADDING);
      height = Math.max(height, p.y + p.height + GROUP_PADDING);
    }
  } else {
    const result = await (await engineOf(engine)).layout({
      id: 'root',
      layoutOptions: {
        ...BASE_OPTIONS,
        'elk.padding': `[top=${GROUP_HEADER},left=${GROUP_PADDING},bottom=${GROUP_PADDING},right=${GROUP_PADDING}]`,
      },
      children: keys.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
    });
    for (const child of result.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
    routes = (result.edges ?? []).flatMap((edge, i) => {
      const section = edge.sections?.[0];
      return section ? [{ ...edges[i]!, points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] }] : [];
    });
    width = result.width ?? 0;
    height = result.height ?? 0;
  }
  const layout: InnerLayout = { width: Math.max(width, COLLAPSED_GROUP_WIDTH), height: Math.max(height, COLLAPSED_GROUP_HEIGHT), positions, routes };
  cache?.set(key, layout);
  return layout;
}

/**
 * The whole picture for a set of open groups: each open group's inside first (ELK, cached), then the groups as boxes
 * of those sizes (cached by the structure hash and which groups are open). Edges into a closed group end on its box.
 *
 * @example
 * const layout = await layoutLineage(new ELK(), graph, new Set(['sales']), cache);
 * layout.groups.find((g) => g.name === 'raw')   // { x: 12, y: 12, width: 260, height: 92, isOpen: false, size: 3 }
 * layout.nodes.find((n) => n.key === 'orders')  // { key: 'orders', group: 'sales', x: 352, y: 56 }
 */
export async function layoutLineage(
  engine: EngineSource, graph: LayoutGraph, open: ReadonlySet<string>,
  caches: { inner?: LayoutCache<InnerLayout>; outer?: LayoutCache<OuterLayout> } = {},
  index: GroupIndex = indexGroups(graph),
): Promise<LineageLayout> {
  const names = graph.groups.map((g) => g.name);
  const openNames = names.filter((n) => open.has(n));
  const inner = new Map<string, InnerLayout>();
  for (const name of openNames) inner.set(name, await layoutGroup(engine, index, name, caches.inner));

  const sizeOf = (name: string) => inner.get(name) ?? { width: COLLAPSED_GROUP_WIDTH, height: COLLAPSED_GROUP_HEIGHT };
  const outerKey = `outer2:${index.hash}:${hashStrings(openNames.flatMap((n) => [n, String(sizeOf(n).width), String(sizeOf(n).height)]))}`;
  let outer = caches.outer?.get(outerKey);
  if (!outer) {
    const groupEdges = new Map<string, { source: string; target: string }>();
    for (const e of index.cross) {
      const source = index.groupOf.get(e.source)!;
      const target = index.groupOf.get(e.target)!;
      groupEdges.set(`${source}\u0000${target}`, { source, target });
    }
    outer = layoutBoxGraph(names.map((id) => ({ id, ...sizeOf(id) })), [...groupEdges.values()]);
    caches.outer?.set(outerKey, outer);
  }
  const { boxes } = outer;

  const layout: LineageLayout = { groups: [], nodes: [], edges: [], width: 0, height: 0 };
  for (const name of names) {
    const box = boxes[name] ?? { x: 0, y: 0, ...sizeOf(name) };
    layout.groups.push({ name, ...box, isOpen: open.has(name), size: index.members.get(name)?.length ?? 0 });
    layout.width = Math.max(layout.width, box.x + box.width);
    layout.height = Math.max(layout.height, box.y + box.height);
    const positions = inner.get(name)?.positions;
    if (!positions) continue;
    for (const key of index.members.get(name) ?? []) {
      const p = positions[key];
      if (p) layout.nodes.push({ key, group: name, x: box.x + p.x, y: box.y + p.y });
    }
  }
  const endOf = (key: string) => {
    const g = index.groupOf.get(key)!;
    return open.has(g) ? key : groupId(g);
  };
  const route = edgeRouter(layout, inner, outer, index, open);
  const merged = new Map<string, LineageLayout['edges'][number]>();
  for (const e of [...graph.edges]) {
    if (!index.groupOf.has(e.source) || !index.groupOf.has(e.target)) continue;
    const source = endOf(e.source);
    const target = endOf(e.target);
    if (source === target) continue;
    const id = `${source}->${target}`;
    const edge = merged.get(id);
    if (edge) edge.count++;
    else merged.set(id, { id, source, target, count: 1, points: route(e.source, e.target) });
  }
  layout.edges = [...merged.values()];
  return layout;
}

/**
 * The route of an edge between two assets, as drawn: inside one open group, the group's own route; otherwise out
 * of the source (its layer gap, then the group's title band), along the route between the two groups, and in.
 */
function edgeRouter(
  layout: LineageLayout, inner: Map<string, InnerLayout>, outer: OuterLayout, index: GroupIndex, open: ReadonlySet<string>,
): (source: string, target: string) => Point[] {
  const groupBox = new Map(layout.groups.map((g) => [g.name, g]));
  const nodeAt = new Map(layout.nodes.map((n) => [n.key, n]));
  const innerRoutes = new Map<string, EdgeRoute>();
  for (const [name, il] of inner) for (const r of il.routes) innerRoutes.set(`${name}\u0000${r.source}\u0000${r.target}`, r);
  const outerRoutes = new Map(outer.routes.map((r) => [`${r.source}\u0000${r.target}`, r]));
  const shift = (points: readonly Point[], by: Box) => points.map((p) => ({ x: p.x + by.x, y: p.y + by.y }));
  return (source, target) => {
    const a = index.groupOf.get(source)!;
    const b = index.groupOf.get(target)!;
    const boxA = groupBox.get(a)!;
    const boxB = groupBox.get(b)!;
    if (a === b) return shift(innerRoutes.get(`${a}\u0000${source}\u0000${target}`)?.points ?? [], boxA);
    const between = (outerRoutes.get(`${a}\u0000${b}`)?.points
      ?? [{ x: boxA.x + boxA.width, y: boxA.y + boxA.height / 2 }, { x: boxB.x, y: boxB.y + boxB.height / 2 }]).map((p) => ({ ...p }));
    const u = open.has(a) ? nodeAt.get(source) : undefined;
    const v = open.has(b) ? nodeAt.get(target) : undefined;
    const bandA = boxA.y + GROUP_HEADER / 2;
    const bandB = boxB.y + GROUP_HEADER / 2;
    // The groups' route leaves A and reaches B at mid-height; from a node inside, it leaves along the title band
    // instead. The points moved are A's own row in its column (only A is there) and the gap beyond, free of boxes.
    if (u) for (let i = 0, y = between[0]!.y; i < between.length - 1 && between[i]!.y === y; i++) between[i]!.y = bandA;
    if (v) for (let i = between.length - 1, y = between[i]!.y; i > 0 && between[i]!.y === y; i--) between[i]!.y = bandB;
    const points: Point[] = [];
    if (u) {
      const right = boxA.x + boxA.width;
      const gapX = u.x + NODE_WIDTH + Math.min(32, (right - u.x - NODE_WIDTH) / 2);
      points.push({ x: u.x + NODE_WIDTH, y: u.y + NODE_HEIGHT / 2 }, { x: gapX, y: u.y + NODE_HEIGHT / 2 }, { x: gapX, y: bandA });
    }
    points.push(...between);
    if (v) {
      const gapX = v.x - Math.min(32, (v.x - boxB.x) / 2);
      points.push({ x: gapX, y: bandB }, { x: gapX, y: v.y + NODE_HEIGHT / 2 }, { x: v.x, y: v.y + NODE_HEIGHT / 2 });
    }
    return points;
  };
}

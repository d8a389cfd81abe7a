import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutCache, type KeyValueStorage } from './layout-cache.ts';
import { edgesUnderBoxes, type Rect } from './route-geometry.ts';
import {
  COLLAPSED_GROUP_HEIGHT, COLLAPSED_GROUP_WIDTH, groupId, indexGroups, NODE_HEIGHT, initiallyOpen, layoutLineage, NODE_WIDTH,
  type ElkGraph, type LayoutEngine, type LayoutGraph, type LineageLayout,
} from './lineage-layout.ts';

const graph: LayoutGraph = {
  nodes: [
    { key: 'orders_file', group: 'raw' }, { key: 'orders', group: 'raw' },
    { key: 'revenue', group: 'sales' }, { key: 'report', group: 'sales' }, { key: 'premium', group: 'sales' },
  ],
  edges: [
    { source: 'orders_file', target: 'orders' }, { source: 'orders', target: 'revenue' },
    { source: 'orders', target: 'premium' }, { source: 'revenue', target: 'report' },
  ],
  groups: [{ name: 'raw', assetKeys: ['orders_file', 'orders'] }, { name: 'sales', assetKeys: ['revenue', 'report', 'premium'] }],
};

/** The real ELK, counting how many nodes it was asked to place. */
function countingElk(): LayoutEngine & { calls: number[] } {
  const elk = new (ELK as unknown as new () => { layout(graph: unknown): Promise<unknown> })();
  const engine = { calls: [] as number[], layout: (g: ElkGraph) => { engine.calls.push(g.children?.length ?? 0); return elk.layout(g as never) as unknown as Promise<ElkGraph> } };
  return engine;
}

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('lineage layout', () => {
  it('lays out closed groups as single boxes, left to right, with edges between the groups', async () => {
    const engine = countingElk();
    const layout = await layoutLineage(engine, graph, new Set());
    assert.deepEqual(engine.calls, [], 'closed groups need no ELK layout');
    assert.equal(layout.nodes.length, 0);
    const [raw, sales] = layout.groups;
    assert.equal(raw!.width, COLLAPSED_GROUP_WIDTH);
    assert.equal(raw!.height, COLLAPSED_GROUP_HEIGHT);
    assert.ok(sales!.x >= raw!.x + raw!.width, 'downstream group to the right');
    assert.deepEqual(layout.edges.map(({ points: _, ...e }) => e), [{ id: 'group:raw->group:sales', source: 'group:raw', target: 'group:sales', count: 2 }]);
  });

  it('opens a group: its assets inside its box, layered left to right; edges from closed groups end on the box', async () => {
    const layout = await layoutLineage(countingElk(), graph, new Set(['sales']));
    const sales = layout.groups.find((g) => g.name === 'sales')!;
    const at = Object.fromEntries(layout.nodes.map((n) => [n.key, n]));
    assert.deepEqual(Object.keys(at).sort(), ['premium', 'report', 'revenue']);
    for (const n of layout.nodes) assert.ok(n.x >= sales.x && n.x + NODE_WIDTH <= sales.x + sales.width && n.y >= sales.y);
    assert.ok(at.report!.x > at.revenue!.x, 'report is downstream of revenue');
    assert.deepEqual(layout.edges.map((e) => e.id).sort(), ['group:raw->premium', 'group:raw->revenue', 'revenue->report']);
  });

  it('caches by structure: the same graph with other statuses lays nothing out again, also after a reload', async () => {
    const storage = memoryStorage();
    const engine = countingElk();
    const first = await layoutLineage(engine, graph, new Set(['raw', 'sales']), { inner: layoutCache({ storage }), outer: layoutCache({ storage }) });
    assert.equal(engine.calls.length, 2, 'the inside of each group');
    const recoloured = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, status: 'stale' })) };
    const again = await layoutLineage(engine, recoloured, new Set(['raw', 'sales']), { inner: layoutCache({ storage }), outer: layoutCache({ storage }) });
    assert.equal(engine.calls.length, 2, 'fresh caches over the same storage: no new layout');
    assert.deepEqual(again, first);
  });

  it('re-lays out only what changed: a new asset in one group keeps the other group’s inner layout', async () => {
    const inner = layoutCache<never>();
    const outer = layoutCache<never>();
    const engine = countingElk();
    await layoutLineage(engine, graph, new Set(['raw', 'sales']), { inner, outer });
    const changed: LayoutGraph = {
      nodes: [...graph.nodes, { key: 'forecast', group: 'sales' }],
      edges: [...graph.edges, { source: 'revenue', target: 'forecast' }],
      groups: [graph.groups[0]!, { name: 'sales', assetKeys: ['revenue', 'report', 'premium', 'forecast'] }],
    };
    engine.calls.length = 0;
    await layoutLineage(engine, changed, new Set(['raw', 'sales']), { inner, outer });
    assert.deepEqual(engine.calls, [4], 'only the inside of sales; raw came from the cache');
    assert.notEqual(indexGroups(changed).hash, indexGroups(graph).hash);
    assert.equal(indexGroups(changed).hashes.get('raw'), indexGroups(graph).hashes.get('raw'));
  });

  it('lays out a large group without ELK, layered left to right inside its box', async () => {
    const keys = Array.from({ length: 400 }, (_, i) => `n${i}`);
    const big: LayoutGraph = {
      nodes: keys.map((key) => ({ key, group: 'big' })),
      edges: keys.slice(1).map((key, i) => ({ source: keys[Math.floor(i / 2)]!, target: key })), // a binary tree
      groups: [{ name: 'big', assetKeys: keys }],
    };
    const engine = countingElk();
    const started = performance.now();
    const layout = await layoutLineage(engine, big, new Set(['big']));
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(engine.calls, []);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.key, n]));
    assert.equal(layout.nodes.length, 400);
    for (const e of big.edges) assert.ok(at[e.target]!.x > at[e.source]!.x, `${e.source} left of ${e.target}`);
    const box = layout.groups[0]!;
    for (const n of layout.nodes) assert.ok(n.x + NODE_WIDTH <= box.x + box.width && n.y >= box.y);
  });

  it('opens every group of a small graph and none of a large one', () => {
    assert.deepEqual([...initiallyOpen(graph)], ['raw', 'sales']);
    const big: LayoutGraph = { nodes: Array.from({ length: 500 }, (_, i) => ({ key: `a${i}`, group: 'g' })), edges: [], groups: [{ name: 'g', assetKeys: [] }] };
    assert.equal(initiallyOpen(big).size, 0);
  });

  /** What an edge may not pass under: every drawn asset card and every closed group's box. */
  function obstacles(layout: LineageLayout): Record<string, Rect> {
    const boxes: Record<string, Rect> = {};
    for (const n of layout.nodes) boxes[n.key] = { x: n.x, y: n.y, width: NODE_WIDTH, height: NODE_HEIGHT };
    for (const g of layout.groups) if (!g.isOpen) boxes[groupId(g.name)] = g;
    return boxes;
  }
  /** Seeded: `groups` groups of up to `size` assets, edges only downstream in a global order (a DAG), some across groups. */
  function randomProject(groups: number, size: number, seed: number): LayoutGraph {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const nodes: LayoutGraph['nodes'][number][] = [];
    for (let g = 0; g < groups; g++) for (let i = 0; i < 2 + Math.floor(random() * (size - 1)); i++) nodes.push({ key: `g${g}_${i}`, group: `g${g}` });
    const order = [...nodes].sort(() => random() - 0.5);
    const edges: LayoutGraph['edges'][number][] = [];
    order.forEach((n, t) => {
      for (let k = 0; k < 2; k++) if (t && random() < 0.6) edges.push({ source: order[Math.floor(random() * t)]!.key, target: n.key });
    });
    const unique = [...new Map(edges.map((e) => [`${e.source}>${e.target}`, e])).values()];
    return { nodes, edges: unique, groups: [...new Set(nodes.map((n) => n.group))].map((name) => ({ name, assetKeys: nodes.filter((n) => n.group === name).map((n) => n.key) })) };
  }

  it('routes every edge around the nodes it does not connect, open groups or closed, ELK or the large-group layout', async () => {
    const engine = countingElk();
    const big = randomProject(1, 180, 9); // above LARGE_GROUP: box-layout.ts inside
    const cases: Array<[string, LayoutGraph, (g: LayoutGraph) => Set<string>]> = [
      ['shop, all open', graph, (g) => new Set(g.groups.map((x) => x.name))],
      ['shop, sales open', graph, () => new Set(['sales'])],
      ['5 groups, all open', randomProject(5, 8, 1), (g) => new Set(g.groups.map((x) => x.name))],
      ['7 groups, some open', randomProject(7, 10, 2), (g) => new Set(g.groups.filter((_, i) => i % 2).map((x) => x.name))],
      ['4 groups, none open', randomProject(4, 6, 3), () => new Set()],
      ['a large group', { ...big, groups: big.groups }, (g) => new Set(g.groups.map((x) => x.name))],
    ];
    let straightHits = 0;
    for (const [name, g, openOf] of cases) {
      const layout = await layoutLineage(engine, g, openOf(g));
      assert.ok(layout.edges.every((e) => e.points.length >= 2), `${name}: every edge has a route`);
      assert.deepEqual(edgesUnderBoxes(layout.edges, obstacles(layout)), [], name);
      // The same edges drawn straight from end to end (what React Flow's default edges do) would cross nodes.
      straightHits += edgesUnderBoxes(layout.edges.map((e) => ({ ...e, points: [e.points[0]!, e.points.at(-1)!] })), obstacles(layout)).length;
    }
    assert.ok(straightHits > 0, 'the graphs are ones where straight edges would pass under nodes');
  });
});

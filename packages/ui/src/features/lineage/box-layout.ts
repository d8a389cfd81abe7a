/**
 * A fast layered layout, left to right: layers by longest path, order in each layer by the barycenter of the
 * neighbours, boxes stacked and centred. Linear in the edges, so it lays out the group boxes without waiting for
 * ELK's worker (the first picture of a 10,000-asset project), and the inside of large groups, where ELK's layered
 * algorithm takes seconds (500 assets: 1.5–4 s in a worker on a 2-core machine; this: a few ms). ELK's pictures are
 * tidier (long edges routed through dummy nodes, fewer crossings), so it keeps the smaller groups.
 */

export interface SizedBox {
  id: string;
  width: number;
  height: number;
}

export interface BoxLayoutOptions {
  layerGap?: number;
  boxGap?: number;
  margin?: { top: number; left: number };
}
const SWEEPS = 4;

/**
 * @example
 * layoutBoxes([{ id: 'raw', width: 100, height: 50 }, { id: 'sales', width: 100, height: 50 }], [{ source: 'raw', target: 'sales' }])
 * // { raw: { x: 16, y: 16, width: 100, height: 50 }, sales: { x: 212, y: 16, width: 100, height: 50 } }
 */
export function layoutBoxes(
  boxes: readonly SizedBox[], edges: ReadonlyArray<{ source: string; target: string }>, options: BoxLayoutOptions = {},
): Record<string, { x: number; y: number; width: number; height: number }> {
  const LAYER_GAP = options.layerGap ?? 96;
  const BOX_GAP = options.boxGap ?? 36;
  const margin = options.margin ?? { top: 16, left: 16 };
  const ids = boxes.map((b) => b.id);
  const known = new Set(ids);
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of acyclic(ids, edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target), known)) {
    preds.get(e.target)!.push(e.source);
    succs.get(e.source)!.push(e.target);
  }
  // Longest path from the sources, in topological order (Kahn).
  const layer = new Map<string, number>();
  const indegree = new Map(ids.map((id) => [id, preds.get(id)!.length]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    layer.set(id, Math.max(0, ...preds.get(id)!.map((p) => layer.get(p)! + 1)));
    for (const s of succs.get(id)!) {
      indegree.set(s, indegree.get(s)! - 1);
      if (indegree.get(s) === 0) queue.push(s);
    }
  }
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id) ?? 0] ??= []).push(id);
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];

  // Barycenter sweeps, down then up: fewer crossings between group boxes.
  const position = new Map<string, number>();
  const renumber = (layerIds: string[]) => layerIds.forEach((id, i) => position.set(id, i));
  layers.forEach(renumber);
  const barycenter = (id: string, neighbours: Map<string, string[]>) => {
    const ns = neighbours.get(id)!;
    return ns.length ? ns.reduce((s, n) => s + position.get(n)!, 0) / ns.length : position.get(id)!;
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers.map((_, i) => i).slice(1) : layers.map((_, i) => i).reverse().slice(1);
    for (const l of order) {
      const neighbours = down ? preds : succs;
      const keyed = layers[l]!.map((id) => [id, barycenter(id, neighbours)] as const);
      keyed.sort((a, b) => a[1] - b[1]);
      layers[l] = keyed.map(([id]) => id);
      renumber(layers[l]!);
    }
  }

  const size = new Map(boxes.map((b) => [b.id, b]));
  const heights = layers.map((ls) => ls.reduce((h, id) => h + size.get(id)!.height, 0) + Math.max(0, ls.length - 1) * BOX_GAP);
  const tallest = Math.max(0, ...heights);
  const out: Record<string, { x: number; y: number; width: number; height: number }> = {};
  let x = margin.left;
  layers.forEach((ls, l) => {
    let y = margin.top + (tallest - heights[l]!) / 2;
    let widest = 0;
    for (const id of ls) {
      const b = size.get(id)!;
      out[id] = { x, y, width: b.width, height: b.height };
      y += b.height + BOX_GAP;
      widest = Math.max(widest, b.width);
    }
    x += widest + LAYER_GAP;
  });
  return out;
}

/** The edges without those closing a cycle (found by depth-first search), so layering terminates. */
function acyclic(ids: string[], edges: Array<{ source: string; target: string }>, _known: Set<string>): Array<{ source: string; target: string }> {
  const out = new Map<string, Array<{ source: string; target: string }>>(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.source)!.push(e);
  const state = new Map<string, 1 | 2>();
  const kept: Array<{ source: string; target: string }> = [];
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: Array<[string, number]> = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const edge = out.get(top[0])![top[1]++];
      if (!edge) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const s = state.get(edge.target);
      if (s === 1) continue; // back edge: drop it
      kept.push(edge);
      if (s === undefined) {
        state.set(edge.target, 1);
        stack.push([edge.target, 0]);
      }
    }
  }
  return kept;
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layoutBoxes, layoutBoxGraph } from './box-layout.ts';
import { edgesUnderBoxes } from './route-geometry.ts';

const box = (id: string, width = 100, height = 50) => ({ id, width, height });

describe('box layout', () => {
  it('puts downstream boxes in later layers, left to right, and never overlaps boxes', () => {
    const at = layoutBoxes([box('a'), box('b', 200, 120), box('c'), box('d')], [
      { source: 'a', target: 'b' }, { source: 'a', target: 'c' }, { source: 'b', target: 'd' }, { source: 'c', target: 'd' },
    ]);
    assert.ok(at.a!.x < at.b!.x && at.b!.x === at.c!.x && at.d!.x > at.b!.x + 200);
    assert.ok(at.c!.y >= at.b!.y + 120 || at.b!.y >= at.c!.y + 50, 'b and c stacked without overlap');
  });

  it('survives cycles between groups and keeps isolated boxes', () => {
    const at = layoutBoxes([box('a'), box('b'), box('lonely')], [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }]);
    assert.deepEqual(Object.keys(at).sort(), ['a', 'b', 'lonely']);
    assert.notEqual(at.a!.x, at.b!.x);
  });

  it('orders a layer by its neighbours, which removes avoidable crossings', () => {
    // x1 → y2 and x2 → y1 cross unless the second layer is reordered.
    const at = layoutBoxes([box('x1'), box('x2'), box('y1'), box('y2')], [{ source: 'x1', target: 'y2' }, { source: 'x2', target: 'y1' }]);
    assert.equal(Math.sign(at.x1!.y - at.x2!.y), Math.sign(at.y2!.y - at.y1!.y));
  });
});

describe('box layout edge routes', () => {
  /** A seeded pseudo-random DAG of `n` boxes of mixed sizes (deterministic, so a failure reproduces). */
  function randomGraph(n: number, seed: number, density = 2) {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const boxes = Array.from({ length: n }, (_, i) => box(`n${i}`, 80 + Math.floor(random() * 160), 40 + Math.floor(random() * 80)));
    const edges: Array<{ source: string; target: string }> = [];
    for (let t = 1; t < n; t++) {
      for (let k = 0; k < density; k++) if (random() < 0.7) edges.push({ source: `n${Math.floor(random() * t)}`, target: `n${t}` });
    }
    return { boxes, edges };
  }

  it('routes long edges through free slots: no edge passes under a box it does not connect', () => {
    const graphs = [
      // a → c skips b's layer; d → e and a → e too.
      { boxes: [box('a'), box('b'), box('c'), box('d'), box('e')], edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }, { source: 'a', target: 'c' }, { source: 'c', target: 'd' }, { source: 'a', target: 'e' }, { source: 'd', target: 'e' }] },
      randomGraph(12, 7), randomGraph(40, 11), randomGraph(120, 3, 3), randomGraph(300, 5, 2),
    ];
    for (const { boxes, edges } of graphs) {
      const layout = layoutBoxGraph(boxes, edges);
      assert.equal(layout.routes.length, edges.filter((e) => e.source !== e.target).length);
      assert.deepEqual(edgesUnderBoxes(layout.routes, layout.boxes), [], `${boxes.length} boxes`);
      for (const r of layout.routes) {
        const s = layout.boxes[r.source]!;
        const t = layout.boxes[r.target]!;
        assert.deepEqual(r.points[0], { x: s.x + s.width, y: s.y + s.height / 2 }, 'starts on the source’s right side');
        assert.deepEqual(r.points.at(-1), { x: t.x, y: t.y + t.height / 2 }, 'ends on the target’s left side');
      }
    }
  });

  it('routes an edge that closes a cycle back around the boxes between', () => {
    const boxes = [box('a'), box('b'), box('c'), box('d', 100, 300)];
    const edges = [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }, { source: 'a', target: 'd' }, { source: 'c', target: 'a' }];
    const layout = layoutBoxGraph(boxes, edges);
    assert.deepEqual(edgesUnderBoxes(layout.routes, layout.boxes), []);
    assert.equal(layout.routes.find((r) => r.source === 'c')!.points.length > 4, true, 'the back edge turns around the layers');
  });

  it('the checker itself sees an edge drawn straight through a box', () => {
    const layout = layoutBoxGraph([box('a'), box('b'), box('c')], [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }]);
    const a = layout.boxes.a!;
    const c = layout.boxes.c!;
    assert.deepEqual(edgesUnderBoxes([{ source: 'a', target: 'c', points: [{ x: a.x + a.width, y: a.y + 25 }, { x: c.x, y: c.y + 25 }] }], layout.boxes), ['a->c under b']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { viewportShowing } from './lineage-viewport.ts';

const node = (x: number, y = 100) => ({ x, y, width: 232, height: 76 });

describe('lineage viewport', () => {
  it('leaves a visible node where it is', () => {
    assert.equal(viewportShowing(node(100), { x: 0, y: 0, zoom: 1 }, 800, 600), null);
  });

  it('centres a node the side panel would cover (right of the narrowed canvas), keeping the zoom', () => {
    const next = viewportShowing(node(1000), { x: 0, y: 0, zoom: 1 }, 800, 600)!;
    assert.deepEqual(next, { x: -716, y: 162, zoom: 1 });
    // After the pan the node is inside the canvas.
    assert.equal(viewportShowing(node(1000), next, 800, 600), null);
  });

  it('works at any zoom and for nodes above, left of or partly outside the canvas', () => {
    for (const [n, vp] of [[node(-500), { x: 0, y: 0, zoom: 0.5 }], [node(300, -900), { x: 10, y: 0, zoom: 2 }], [node(700), { x: 0, y: 0, zoom: 1 }]] as const) {
      const next = viewportShowing(n, vp, 800, 600);
      assert.ok(next, 'moved');
      assert.equal(next.zoom, vp.zoom);
      assert.equal(viewportShowing(n, next, 800, 600), null);
    }
  });
});

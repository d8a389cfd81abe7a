import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layoutBoxes } from './box-layout.ts';

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

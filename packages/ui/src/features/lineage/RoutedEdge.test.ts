import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routedPath } from './RoutedEdge.tsx';

describe('routed edge path', () => {
  it('draws the route through its points, rounding the corners', () => {
    assert.equal(routedPath([{ x: 0, y: 0 }, { x: 20, y: 0 }, { x: 20, y: 20 }]), 'M0,0 L14,0 Q20,0 20,6 L20,20');
    assert.equal(routedPath([{ x: 0, y: 5 }, { x: 10, y: 5 }]), 'M0,5 L10,5');
    assert.equal(routedPath([]), '');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adjacency } from './lineage-adjacency.ts';

describe('lineage adjacency', () => {
  it('lists each asset’s upstream and downstream neighbours', () => {
    const adj = adjacency([{ source: 'raw', target: 'orders' }, { source: 'fx', target: 'revenue' }, { source: 'orders', target: 'revenue' }]);
    assert.deepEqual(adj.upstream.get('revenue'), ['fx', 'orders']);
    assert.deepEqual(adj.downstream.get('raw'), ['orders']);
    assert.equal(adj.upstream.get('raw'), undefined);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adjacency, selectKeys, walk } from './lineage-selection.ts';

//   raw ─> orders ─> revenue ─> report
//   fx  ─────────────^
const edges = [
  { source: 'raw', target: 'orders' }, { source: 'orders', target: 'revenue' },
  { source: 'fx', target: 'revenue' }, { source: 'revenue', target: 'report' },
];
const keys = ['raw', 'fx', 'orders', 'revenue', 'report', 'web_a', 'web_b'];
const adj = adjacency(edges);

describe('lineage selection', () => {
  it('selects an asset alone, its upstream, its downstream, and both', () => {
    assert.deepEqual(selectKeys('orders', keys, adj).keys, ['orders']);
    assert.deepEqual(selectKeys('+orders', keys, adj).keys, ['raw', 'orders']);
    assert.deepEqual(selectKeys('orders+', keys, adj).keys, ['orders', 'revenue', 'report']);
    assert.deepEqual(selectKeys('+revenue+', keys, adj).keys, ['raw', 'fx', 'orders', 'revenue', 'report']);
  });

  it('limits depth, unions terms, expands wildcards and reports what matched nothing', () => {
    assert.deepEqual(selectKeys('1+report', keys, adj).keys, ['revenue', 'report']);
    assert.deepEqual(selectKeys('raw+1', keys, adj).keys, ['raw', 'orders']);
    assert.deepEqual(selectKeys('web_* fx', keys, adj).keys, ['fx', 'web_a', 'web_b']);
    assert.deepEqual(selectKeys('ordrs +fx', keys, adj), { keys: ['fx'], unmatched: ['ordrs'] });
  });

  it('@ takes the downstream and everything they need', () => {
    assert.deepEqual(selectKeys('@orders', keys, adj).keys, ['raw', 'fx', 'orders', 'revenue', 'report']);
  });

  it('walks cycles without looping', () => {
    const cyclic = adjacency([{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }]);
    assert.deepEqual([...walk('a', cyclic.downstream)], ['b']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from './format.ts';

describe('plural', () => {
  it('says one thing, many things and no things', () => {
    assert.equal(plural(1, 'step'), '1 step');
    assert.equal(plural(2, 'row'), '2 rows');
    assert.equal(plural(0, 'asset'), '0 assets');
    assert.equal(plural(3, 'match', 'matches'), '3 matches');
    assert.equal(plural(1500, 'row'), (1500).toLocaleString() + ' rows');
  });
});

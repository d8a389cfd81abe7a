// plural(): the one way counts are written in messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from './plural.js';

test('singular for exactly one, plural otherwise (zero included)', () => {
  assert.equal(plural(1, 'step'), '1 step');
  assert.equal(plural(0, 'step'), '0 steps');
  assert.equal(plural(2, 'row'), '2 rows');
  assert.equal(plural(-1, 'row'), '-1 rows');
  assert.equal(plural(1.5, 'row'), '1.5 rows');
});

test('an irregular plural and a number format', () => {
  assert.equal(plural(2, 'match', 'matches'), '2 matches');
  assert.equal(plural(1, 'match', 'matches'), '1 match');
  assert.equal(plural(12345, 'row', undefined, (n) => n.toLocaleString('en-US')), '12,345 rows');
});

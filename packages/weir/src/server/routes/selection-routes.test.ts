// GET /api/selection: the CLI's selection grammar, resolved by the server for the lineage page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorBodySchema, selectionSchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('GET /api/selection', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture({ seed: false }); });
  after(() => f.close());
  const select = (query: string) => f.json(`/api/selection?${query}`, selectionSchema);

  it('resolves every method the CLI accepts: tag, group, graph operators, intersections, exclude', async () => {
    assert.deepEqual((await select('select=tag:daily')).body, { keys: ['sales/by_customer'], unmatched: [] });
    assert.deepEqual((await select('select=group:sales')).body.keys, ['quality', 'report', 'sales/by_customer']);
    assert.deepEqual((await select(`select=${encodeURIComponent('+report')}`)).body.keys, ['orders_file', 'orders', 'quality', 'report']);
    assert.deepEqual((await select(`select=${encodeURIComponent('group:sales,+report')}`)).body.keys, ['quality', 'report']);
    assert.deepEqual((await select(`select=${encodeURIComponent('orders+')}&exclude=group:sales`)).body.keys, ['orders']);
    assert.deepEqual((await select(`select=${encodeURIComponent('@quality')}`)).body.keys, ['orders_file', 'orders', 'quality', 'report']);
  });

  it('keeps the keys of the selectors that match and names those that do not, with a suggestion', async () => {
    const { status, body } = await select(`select=${encodeURIComponent('ordrs report')}`);
    assert.equal(status, 200);
    assert.deepEqual(body.keys, ['report']);
    assert.equal(body.unmatched.length, 1);
    assert.equal(body.unmatched[0]!.selector, 'ordrs');
    assert.match(body.unmatched[0]!.message, /matches no asset.*Did you mean 'orders'/);
  });

  it('answers 400 with the parser message for a selection that does not parse', async () => {
    const { status, body } = await f.json('/api/selection?select=colour:red', errorBodySchema);
    assert.equal(status, 400);
    assert.equal(body.error.code, 'INVALID_SELECTION');
    assert.match(body.error.message, /unknown method 'colour'.*Methods: key, tag/);
  });

  it('selects every asset when the selection is empty, as `weir run` does', async () => {
    assert.equal((await select('select=')).body.keys.length, 6);
  });
});

// Freshness and automation as the API shows them: on the asset (`GET /api/assets/:key`, `GET /api/assets`) and the
// open violations in the overview, judged at the server's clock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assetDetailSchema, assetListSchema, overviewSchema } from './api-schemas.js';
import { openServerFixture, type ServerFixture } from './server-fixture.js';

const HOUR = 3_600_000;

describe('freshness in the asset views and the overview', () => {
  let f: ServerFixture;
  let clock = Date.now();
  before(async () => { f = await openServerFixture({ now: () => clock }); clock = Date.now(); });
  after(() => f.close());

  it('a fresh asset shows its policy and until when it stays fresh; others have none', async () => {
    const { body } = await f.json('/api/assets/sales/by_customer', assetDetailSchema);
    const freshness = body.asset.freshness!;
    assert.equal(freshness.status, 'fresh');
    assert.equal(freshness.expected, 'materialized at most 1h ago');
    assert.deepEqual(freshness.policy, { kind: 'max_lag', maxLag: '1h', cron: null, timezone: null, timezoneIsDefault: false, deadline: null });
    assert.equal(freshness.freshUntil, body.asset.lastMaterialization!.timestamp + HOUR);
    const list = await f.json('/api/assets', assetListSchema);
    assert.equal(list.body.assets.find((a) => a.key === 'orders')!.freshness, null);
    const overview = await f.json('/api/overview', overviewSchema);
    assert.deepEqual(overview.body.freshnessViolations, []);
  });

  it('past its lag, the asset and the overview show the violation, since when and by how much', async () => {
    const detail = await f.json('/api/assets/sales/by_customer', assetDetailSchema);
    const last = detail.body.asset.lastMaterialization!.timestamp;
    clock = last + 3 * HOUR;
    const { body } = await f.json('/api/assets/sales/by_customer', assetDetailSchema);
    assert.equal(body.asset.freshness!.status, 'violated');
    assert.equal(body.asset.freshness!.violatedSince, last + HOUR);
    assert.equal(body.asset.freshness!.overdueMs, 2 * HOUR);
    const overview = await f.json('/api/overview', overviewSchema);
    assert.deepEqual(overview.body.freshnessViolations.map((v) => [v.assetKey, v.overdueMs, v.message]), [
      ['sales/by_customer', 2 * HOUR, 'sales/by_customer was last materialized 3h ago, 2h over its max lag of 1h'],
    ]);
  });

  it('shows an asset\'s automation in words', async () => {
    const { body } = await f.json('/api/assets/report', assetDetailSchema);
    assert.deepEqual(body.asset.automation, { kind: 'eager', description: 'eager: materialized when an upstream asset has new data', cron: null, timezone: null, timezoneIsDefault: false });
    assert.equal((await f.json('/api/assets/orders', assetDetailSchema)).body.asset.automation, null);
  });
});

// GET /api/assets and GET /api/assets/:key on a project with real runs: status, history, column changes, checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetDetailSchema, assetListSchema, checkHistorySchema, materializationHistorySchema } from '../api-schemas.js';
import { openServerFixture, type ServerFixture } from '../server-fixture.js';

describe('asset routes', () => {
  let f: ServerFixture;
  before(async () => { f = await openServerFixture(); });
  after(() => f.close());

  it('lists every asset and input file upstream first, with status, last materialization and latest checks', async () => {
    const { status, body } = await f.json('/api/assets', assetListSchema);
    assert.equal(status, 200);
    assert.deepEqual(body.assets.map((a) => a.key), ['orders_file', 'orders', 'quality', 'report', 'sales/by_customer', 'slow']);
    const byKey = new Map(body.assets.map((a) => [a.key, a]));
    const orders = byKey.get('orders')!;
    assert.equal(orders.type, 'asset');
    assert.equal(orders.origin, 'typescript');
    assert.deepEqual(orders.kinds, ['duckdb']);
    assert.deepEqual(orders.owners, ['ana@example.com']);
    assert.deepEqual(orders.upstream, ['orders_file']);
    assert.deepEqual(orders.downstream, ['quality', 'sales/by_customer']);
    assert.deepEqual(orders.checks, ['row_count', 'unique_id']);
    assert.equal(orders.status, 'fresh');
    assert.equal(orders.output, 'main.orders');
    assert.match(orders.code!, /load:\s*['"]csv['"]/);
    assert.equal(orders.lastMaterialization?.rowCount, 3);
    assert.equal(orders.lastMaterialization?.runId, f.runs.failed);
    assert.deepEqual(orders.latestChecks.map((c) => [c.name, c.status]), [['row_count', 'passed'], ['unique_id', 'passed']]);
    assert.equal(byKey.get('orders_file')!.type, 'external');
    assert.equal(byKey.get('orders_file')!.status, 'observed');
    assert.equal(byKey.get('orders_file')!.lastObservation?.bytes, 52);
    assert.equal(byKey.get('quality')!.status, 'check_failed');
    assert.deepEqual(byKey.get('quality')!.latestChecks.map((c) => [c.name, c.status, c.runId]), [['quality_rows', 'failed', f.runs.failed]]);
    assert.equal(byKey.get('slow')!.status, 'never');
    assert.equal(byKey.get('slow')!.lastMaterialization, null);
    assert.equal(byKey.get('sales/by_customer')!.output, 'out/by_customer.csv');
  });

  it('shows one asset (key with a /) with its materialization history, column changes and check history', async () => {
    const { status, body } = await f.json('/api/assets/sales/by_customer', assetDetailSchema);
    assert.equal(status, 200);
    assert.equal(body.asset.key, 'sales/by_customer');
    assert.deepEqual(body.columns.map((c) => c.name), ['customer', 'total', 'n']);
    const items = body.materializations.items;
    assert.equal(items.length, 2);
    assert.deepEqual(items.map((m) => m.runId), [f.runs.failed, f.runs.ok], 'newest first');
    assert.deepEqual(items.map((m) => m.rowCount), [2, 2]);
    assert.ok(items.every((m) => m.durationMs >= 0 && m.storage.kind === 'file'));
    assert.deepEqual(items[0]!.columnChanges, { added: [{ name: 'n', type: 'BIGINT' }], removed: [], typeChanged: [] });
    assert.equal(items[1]!.columnChanges, null, 'the first materialization has nothing to compare with');
    assert.equal(body.materializations.nextCursor, null);
    // Encoded slashes work too.
    assert.equal((await f.request('/api/assets/sales%2Fby_customer')).status, 200);
  });

  it('pages the history with limit and cursor', async () => {
    const first = await f.json('/api/assets/orders?limit=1', assetDetailSchema);
    assert.equal(first.body.materializations.items.length, 1);
    const cursor = first.body.materializations.nextCursor;
    assert.equal(typeof cursor, 'number');
    assert.notEqual(first.body.materializations.items[0]!.columnChanges, null, 'diffed with the older one outside the page');
    const second = await f.json(`/api/assets/orders?limit=1&cursor=${cursor}`, assetDetailSchema);
    assert.equal(second.body.materializations.items.length, 1);
    assert.ok(second.body.materializations.items[0]!.eventId < cursor!);
    assert.equal(second.body.materializations.nextCursor, null);
  });

  it('shows each check with its history, newest first', async () => {
    const { body } = await f.json('/api/assets/quality?checkLimit=10', assetDetailSchema);
    const check = body.checks.find((c) => c.name === 'quality_rows')!;
    assert.equal(check.type, 'row_count');
    assert.deepEqual(check.history.map((h) => h.passed).slice(-2), [false, true], 'seeded runs: passed, then failed');
    assert.equal(check.history.at(-2)!.observed, 4);
    assert.equal(check.history.at(-2)!.expected, 3);
  });

  it('answers 404 to an unknown asset with a suggestion, 400 to a bad limit or cursor', async () => {
    const unknown = await f.json('/api/assets/ordrs');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'UNKNOWN_ASSET');
    assert.match(unknown.body.error.message, /Did you mean 'orders'/);
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'cursor=-1', 'checkLimit=0']) {
      const res = await f.json(`/api/assets/orders?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'INVALID_QUERY');
      assert.ok(Array.isArray(res.body.error.details));
    }
  });

  it('pages materialization history on /api/assets/:key/materializations: row count, duration, columns and changes', async () => {
    const first = await f.json('/api/assets/sales/by_customer/materializations?limit=1', materializationHistorySchema);
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 1);
    const [newest] = first.body.items;
    assert.equal(newest!.runId, f.runs.failed);
    assert.equal(newest!.rowCount, 2);
    assert.ok(newest!.durationMs >= 0);
    assert.deepEqual(newest!.columns.map((c) => c.name), ['customer', 'total', 'n']);
    assert.deepEqual(newest!.columnChanges?.added, [{ name: 'n', type: 'BIGINT' }], 'diffed with the older one outside the page');
    const second = await f.json(`/api/assets/sales/by_customer/materializations?limit=1&before=${first.body.nextCursor}`, materializationHistorySchema);
    assert.deepEqual(second.body.items.map((m) => m.runId), [f.runs.ok]);
    assert.equal(second.body.nextCursor, null);
    assert.equal(second.body.items[0]!.columnChanges, null);
  });

  it('pages check history on /api/assets/:key/checks: all checks or one, with observed, expected and samples', async () => {
    const all = await f.json('/api/assets/orders/checks', checkHistorySchema);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.items.map((c) => c.checkName), ['unique_id', 'row_count', 'unique_id', 'row_count'], 'newest first, both runs');
    assert.equal(all.body.nextCursor, null);
    const one = await f.json('/api/assets/quality/checks?check=quality_rows&limit=1', checkHistorySchema);
    assert.deepEqual(one.body.items.map((c) => [c.runId, c.passed, c.observed, c.expected]), [[f.runs.failed, false, 4, 3]]);
    assert.ok(Array.isArray(one.body.items[0]!.samples));
    const older = await f.json(`/api/assets/quality/checks?check=quality_rows&limit=1&before=${one.body.nextCursor}`, checkHistorySchema);
    assert.deepEqual(older.body.items.map((c) => [c.runId, c.passed]), [[f.runs.ok, true]]);
  });

  it('answers 4xx to history requests for unknown assets or checks and malformed cursors', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/assets/ordrs/materializations', 404, 'UNKNOWN_ASSET'], ['/api/assets/ordrs/checks', 404, 'UNKNOWN_ASSET'],
      ['/api/assets/orders/checks?check=uniq_id', 404, 'UNKNOWN_CHECK'], ['/api/assets/orders/materializations?before=-3', 400, 'INVALID_QUERY'],
      ['/api/assets/orders/materializations?limit=500', 400, 'INVALID_QUERY'], ['/api/assets/orders/checks?before=soon', 400, 'INVALID_QUERY'],
      ['/api/assets/orders/checks?check=', 400, 'INVALID_QUERY'],
    ];
    for (const [path, status, code] of cases) {
      const res = await f.json(path);
      assert.equal(res.status, status, path);
      assert.equal(res.body.error.code, code, path);
    }
    assert.match((await f.json('/api/assets/orders/checks?check=uniq_id')).body.error.message, /Did you mean 'unique_id'/);
  });

  it('shows stale assets and why (run last: it adds a materialization of orders)', async () => {
    appendFileSync(join(f.snapshot.definitions.project.root, 'orders.csv'), '4,carol,5\n');
    await f.runToEnd({ select: 'orders' });
    const { body } = await f.json('/api/assets', assetListSchema);
    const byKey = new Map(body.assets.map((a) => [a.key, a]));
    assert.equal(byKey.get('orders')!.status, 'fresh');
    assert.equal(byKey.get('sales/by_customer')!.status, 'stale');
    assert.deepEqual(byKey.get('sales/by_customer')!.staleBecause, ['orders']);
  });
});

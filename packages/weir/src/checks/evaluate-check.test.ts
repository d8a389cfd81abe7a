import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { notNull, relationships, rowCount, value, type CheckSpec } from '../definitions/check.js';
import { evaluateCheck } from './evaluate-check.js';
import { openTestRunner, type TestRunner } from './test-runner.js';

// Each check type has its own test beside it in builtin/; this file covers what the evaluator adds.
describe('evaluateCheck', () => {
  let db: TestRunner;
  before(async () => {
    db = await openTestRunner();
    await db.run(`create table wines__stage_ab12cd34 as select * from (values ('A', 10.5, 'instock')) t(sku, price, status)`);
    await db.run('create table erp_clean as select 1 as product_id, \'x\' as label');
  });
  after(() => db.close());

  it('turns a SQL error into a failed, blocking evaluation naming the check, the asset, the error and the columns', async () => {
    const result = await evaluateCheck(notNull('skuu'), db.target('wines__stage_ab12cd34'));
    assert.equal(result.passed, false);
    assert.equal(result.blocking, true);
    assert.equal(result.observed, null);
    assert.equal(result.expected, 0);
    assert.equal(result.failingRows, null);
    assert.deepEqual(result.samples, []);
    assert.match(result.message, /^not_null_skuu on wines could not run: Binder Error: Referenced column "skuu" not found in FROM clause!/);
    assert.match(result.message, /\. Available columns of wines: sku, price, status$/);
    assert.doesNotMatch(result.message, /\n|LINE 1/);
    assert.equal(result.sql, 'select count(*) as failing_rows from "main"."wines__stage_ab12cd34" where "skuu" is null');
  });

  it('lists the parent\'s columns too when a relationships column is wrong', async () => {
    const result = await evaluateCheck(relationships({ column: 'sku', to: 'erp_clean', toColumn: 'sku' }), db.target('wines__stage_ab12cd34'));
    assert.equal(result.passed, false);
    assert.match(result.message, /Available columns of wines: sku, price, status; columns of erp_clean: product_id, label$/);
  });

  it('reports a SQL error in a user query the same way, with a warning not blocking', async () => {
    const result = await evaluateCheck(value({ sql: 'select sum(revenue) from {{ this }}', equals: 1, severity: 'warn', name: 'revenue' }), db.target('wines__stage_ab12cd34'));
    assert.equal(result.passed, false);
    assert.equal(result.blocking, false);
    assert.deepEqual(result.expected, 1);
    assert.match(result.message, /^revenue on wines could not run: Binder Error: .*"revenue".* Available columns of wines: sku, price, status$/);
  });

  it('reports an asset resolveRelation does not know, and an unknown check type, without throwing', async () => {
    const unknownAsset = await evaluateCheck(relationships({ column: 'sku', to: 'nope' }), {
      ...db.target('wines__stage_ab12cd34'),
      resolveRelation: (key) => { throw new Error(`no asset '${key}'`); },
    });
    assert.equal(unknownAsset.passed, false);
    assert.equal(unknownAsset.message, "relationships_sku on wines could not run: no asset 'nope'");

    const unknownType = await evaluateCheck({ type: 'uniq', name: 'u', severity: 'error' } as unknown as CheckSpec, db.target('wines__stage_ab12cd34'));
    assert.equal(unknownType.passed, false);
    // Could not run is a field, not a phrase to look for in the message.
    assert.deepEqual([unknownAsset.outcome, unknownType.outcome], ['could_not_run', 'could_not_run']);
    assert.match(unknownType.message, /^u on wines could not run: unknown check type 'uniq' \(known: row_count, not_null, unique/);
  });

  it('fills every field of the evaluation', async () => {
    const result = await evaluateCheck(rowCount({ equals: 1, description: 'one wine' }), db.target('wines__stage_ab12cd34'));
    assert.deepEqual(Object.keys(result).sort(),
      ['assetKey', 'blocking', 'checkName', 'durationMs', 'expected', 'failingRows', 'message', 'observed', 'outcome', 'passed', 'samples', 'severity', 'sql']);
    assert.equal(typeof result.durationMs, 'number');
  });
});

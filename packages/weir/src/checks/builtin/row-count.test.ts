import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rowCount } from '../../definitions/check.js';
import { evaluateCheck } from '../evaluate-check.js';
import { openTestRunner, type TestRunner } from '../test-runner.js';

describe('row_count', () => {
  let db: TestRunner;
  before(async () => {
    db = await openTestRunner();
    await db.run('create table erp__stage_1 as select range as id from range(826)');
  });
  after(() => db.close());

  it('passes when the count equals', async () => {
    const result = await evaluateCheck(rowCount({ equals: 826 }), db.target('erp__stage_1'));
    assert.equal(result.passed, true);
    assert.equal(result.blocking, false);
    assert.equal(result.observed, 826);
    assert.equal(result.expected, 826);
    assert.equal(result.message, 'row_count: 826 rows, expected 826');
  });

  it('fails when the count differs, and blocks at severity error', async () => {
    const result = await evaluateCheck(rowCount({ equals: 825 }), db.target('erp__stage_1'));
    assert.deepEqual({ ...result, durationMs: 0 }, {
      assetKey: 'erp', checkName: 'row_count', severity: 'error', passed: false, outcome: 'failed', blocking: true,
      observed: 826, expected: 825, failingRows: null, samples: [],
      message: 'row_count: 826 rows, expected 825',
      sql: 'select count(*) as row_count from "main"."erp__stage_1"', durationMs: 0,
    });
  });

  it('describes ranges and one-sided bounds', async () => {
    const between = await evaluateCheck(rowCount({ min: 10, max: 20, name: 'erp_rows' }), db.target('erp__stage_1'));
    assert.equal(between.passed, false);
    assert.deepEqual(between.expected, { min: 10, max: 20 });
    assert.equal(between.message, 'erp_rows: 826 rows, expected between 10 and 20');

    const atLeast = await evaluateCheck(rowCount({ min: 10 }), db.target('erp__stage_1'));
    assert.equal(atLeast.passed, true);
    assert.equal(atLeast.message, 'row_count: 826 rows, expected at least 10');

    const atMost = await evaluateCheck(rowCount({ max: 800, severity: 'warn' }), db.target('erp__stage_1'));
    assert.equal(atMost.passed, false);
    assert.equal(atMost.blocking, false, 'a warning never blocks');
    assert.equal(atMost.message, 'row_count: 826 rows, expected at most 800');
  });

  it('records the count and passes when no bound is set', async () => {
    const result = await evaluateCheck(rowCount({}), db.target('erp__stage_1'));
    assert.equal(result.passed, true);
    assert.equal(result.expected, null);
    assert.equal(result.message, 'row_count: 826 rows');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check } from '../../definitions/check.js';
import { evaluateCheck } from '../evaluate-check.js';
import { openTestRunner, type TestRunner } from '../test-runner.js';

describe('custom', () => {
  let db: TestRunner;
  before(async () => {
    db = await openTestRunner();
    await db.run('create table wines as select * from (values (\'A\', 10.5), (\'B\', 10.555)) t(sku, price)');
  });
  after(() => db.close());

  const pricesRounded = (severity: 'error' | 'warn' = 'error') => check('prices_rounded', async ({ query, relation }) => {
    const rows = await query<{ sku: string; price: number; n: bigint }>(
      `select sku, price, count(*) over () as n from ${relation} where price <> round(price, 2)`);
    const failing = rows.length;
    return { passed: failing === 0, observed: failing, expected: 0, failingRows: failing, samples: rows, message: `${failing} prices with more than 2 decimals` };
  }, { severity });

  it('passes with what the function returned', async () => {
    const result = await evaluateCheck(check('has_rows', async ({ query, relation }) => {
      const [row] = await query<{ n: number }>(`select count(*) as n from ${relation}`);
      return { passed: row!.n > 0, observed: row!.n };
    }), db.target('wines'));
    assert.equal(result.passed, true);
    assert.equal(result.observed, 2);
    assert.equal(result.expected, null);
    assert.equal(result.failingRows, null);
    assert.equal(result.message, 'has_rows: passed');
    assert.equal(result.sql, 'select count(*) as n from "main"."wines"');
  });

  it('fails with the samples and message the function gave, JSON-safe', async () => {
    const result = await evaluateCheck(pricesRounded('warn'), db.target('wines'));
    assert.equal(result.passed, false);
    assert.equal(result.blocking, false);
    assert.equal(result.severity, 'warn');
    assert.equal(result.observed, 1);
    assert.equal(result.expected, 0);
    assert.equal(result.failingRows, 1);
    assert.deepEqual(result.samples, [{ sku: 'B', price: 10.555, n: 1 }]);
    assert.equal(result.message, 'prices_rounded: 1 prices with more than 2 decimals');
    assert.doesNotThrow(() => JSON.stringify(result));
  });

  it('a throwing check is a failed evaluation with the error message on one line, no stack', async () => {
    const result = await evaluateCheck(check('boom', () => {
      throw new Error('the ERP export is missing\nsee the runbook');
    }), { ...db.target('wines'), path: '/tmp/erp.xlsx' });
    assert.equal(result.passed, false);
    assert.equal(result.blocking, true);
    assert.equal(result.message, 'boom: the ERP export is missing see the runbook');
    assert.doesNotMatch(result.message, /at .*\.ts/);
  });

  it("gets the audited partition, so it can compare with that partition's own figures", async () => {
    const expected: Record<string, number> = { '2025-02': 2, '2025-03': 3 };
    const rowsOfMonth = check('rows_of_month', async ({ query, relation, partition }) => {
      const [row] = await query<{ n: number }>(`select count(*)::integer as n from ${relation}`);
      return { passed: row!.n === expected[partition!.key], observed: row!.n, expected: expected[partition!.key] };
    });
    const window = { start: new Date('2025-02-01T00:00:00Z'), end: new Date('2025-03-01T00:00:00Z') };
    const february = await evaluateCheck(rowsOfMonth, { ...db.target('wines'), partition: { key: '2025-02', ...window } });
    const march = await evaluateCheck(rowsOfMonth, { ...db.target('wines'), partition: { key: '2025-03', ...window } });
    assert.deepEqual([february.passed, february.expected, march.passed, march.expected], [true, 2, false, 3]);
  });

  it('gets the staged path, and a malformed outcome is a failed evaluation', async () => {
    let seenPath: string | undefined;
    const result = await evaluateCheck(check('sloppy', (ctx) => {
      seenPath = ctx.path;
      return { ok: true } as never;
    }), { ...db.target('wines'), path: '/tmp/erp.xlsx' });
    assert.equal(seenPath, '/tmp/erp.xlsx');
    assert.equal(result.passed, false);
    assert.equal(result.message, 'sloppy: returned {"ok":true}; a custom check must return { passed: true | false, … }');
  });
});

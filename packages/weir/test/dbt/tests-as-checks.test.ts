// dbt tests as Weir checks (BaseGenericTests, BaseSingularTests and their failing twins): generic, custom generic
// and singular tests, severity, where, warn_if/error_if, store_failures, run on the staged relation so a failing
// model never replaces the last good table; and dbt's publish-then-test order on request.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE, num, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

const SCHEMA_YML = `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: status
        tests:
          - accepted_values:
              values: ['paid', 'open']
              config:
                where: "status != 'legacy'"
      - name: customer_id
        tests:
          - relationships:
              to: ref('customers')
              field: id
      - name: amount
        tests:
          - is_positive:
              config:
                severity: warn
          - not_null:
              name: amount_mostly_set
              config:
                warn_if: '>0'
                error_if: '>1'
                store_failures: true
`;

function shop(orders: string): string {
  return writeProject({
    'dbt_project.yml': `name: shop\nprofile: shop\nvars:\n  orders_sql: "${orders}"\n`,
    'profiles.yml': PROFILE('shop'),
    'seeds/customers.csv': 'id,name\n1,ada\n2,bob\n',
    'models/orders.sql': "{{ config(materialized='table') }}\n{{ var('orders_sql') }}\n",
    'models/report.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('orders') }}\n",
    'models/schema.yml': SCHEMA_YML,
    'tests/generic/is_positive.sql': '{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n',
    'tests/no_huge_orders.sql': "select * from {{ ref('orders') }} where amount > 1000\n",
  });
}

const GOOD = "select 1 as id, 'paid' as status, 1 as customer_id, 10 as amount union all select 2, 'legacy', 2, 5";

describe('dbt tests as checks', () => {
  it('generic, custom generic (with where:) and singular tests pass, each recorded as a check evaluation', async () => {
    await withBuild(shop(GOOD), {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      const checks = await built.storage.events.checkEvaluationsForRun(built.runId);
      assert.deepEqual(checks.filter((c) => c.assetKey === 'orders').map((c) => [c.checkName, c.passed]).sort(), [
        ['accepted_values_orders_status__paid__open', true], ['amount_mostly_set', true], ['is_positive_orders_amount', true],
        ['no_huge_orders', true], ['not_null_orders_id', true], ['relationships_orders_customer_id__id__ref_customers_', true], ['unique_orders_id', true],
      ]);
      // The multi-parent relationships test runs with orders, after customers (its other parent) is built.
      const order = built.events.filter((e) => e.type === 'STEP_SUCCESS').map((e) => e.stepKey);
      assert.ok(order.indexOf('customers') < order.indexOf('orders'));
    });
  });

  it('a failing error test keeps the last good table, keeps the failing data as <table>__weir_audit and blocks downstream', async () => {
    const dir = shop(GOOD);
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    writeProject({ 'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  orders_sql: \"select 1 as id, 'paid' as status, 9 as customer_id, 10 as amount union all select 1, 'lost', 1, -3\"\n" }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const checks = await built.storage.events.checkEvaluationsForRun(built.runId);
      const byName = new Map(checks.map((c) => [c.checkName, c]));
      assert.equal(byName.get('unique_orders_id')!.passed, false);
      assert.equal(byName.get('unique_orders_id')!.failingRows, 1);
      assert.deepEqual(byName.get('unique_orders_id')!.samples, [{ unique_field: 1, n_records: 2 }]);
      assert.equal(byName.get('accepted_values_orders_status__paid__open')!.passed, false);
      assert.equal(byName.get('relationships_orders_customer_id__id__ref_customers_')!.failingRows, 1);
      // severity: warn fails without blocking.
      const warn = byName.get('is_positive_orders_amount')!;
      assert.deepEqual([warn.passed, warn.severity, warn.blocking], [false, 'warn', false]);
      // Published data untouched, failing data inspectable, downstream skipped.
      assert.deepEqual(await built.query('select id, status from main.orders order by id'), [{ id: 1, status: 'paid' }, { id: 2, status: 'legacy' }]);
      assert.equal(num(await built.query('select count(*) as n from main.orders__weir_audit')), 2);
      assert.ok(built.skipped.includes('report'));
      const failure = built.events.find((e) => e.type === 'STEP_FAILURE' && e.stepKey === 'orders')!;
      assert.match(failure.message, /kept in main\.orders__weir_audit/);
    });
  });

  it('warn_if / error_if and store_failures follow dbt', async () => {
    const dir = shop("select 1 as id, 'paid' as status, 1 as customer_id, null as amount union all select 2, 'open', 2, 3");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      const check = (await built.storage.events.checkEvaluationsForRun(built.runId)).find((c) => c.checkName === 'amount_mostly_set')!;
      assert.equal(check.passed, true);
      assert.match(check.message, /1 failing row: warning only/);
      assert.equal(check.outcome, 'warn_only', 'stored as a field: no reader parses the message');
      assert.equal(num(await built.query('select count(*) as n from main_dbt_test__audit.amount_mostly_set')), 1);
    });
    writeProject({ 'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  orders_sql: \"select 1 as id, 'paid' as status, 1 as customer_id, null as amount union all select 2, 'open', 2, null\"\n" }, dir);
    await withBuild(dir, {}, async (built) => {
      const check = (await built.storage.events.checkEvaluationsForRun(built.runId)).find((c) => c.checkName === 'amount_mostly_set')!;
      assert.deepEqual([check.passed, check.failingRows], [false, 2]);
    });
  });

  it("vars: { weir_audit: publish_then_test } restores dbt's order: published, then tested, downstream skipped", async () => {
    const dir = shop(GOOD);
    writeProject({ 'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  weir_audit: publish_then_test\n  orders_sql: \"select 1 as id, 'paid' as status, 1 as customer_id, 10 as amount union all select 1, 'paid', 1, 10\"\n" }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.equal(num(await built.query('select count(*) as n from main.orders')), 2);
      assert.ok(built.skipped.includes('report'));
      assert.equal((await built.query("select count(*) as n from duckdb_tables() where table_name = 'orders__weir_audit'"))[0]!.n, 0);
    });
  });

  it('a failing test on a view or an incremental model leaves the published relation as it was', async () => {
    const files = (bad: boolean) => ({
      'dbt_project.yml': 'name: v\nprofile: v\n',
      'profiles.yml': PROFILE('v'),
      'models/a_view.sql': `{{ config(materialized='view') }}\nselect ${bad ? 'null' : '1'} as id\n`,
      'models/inc.sql': `{{ config(materialized='incremental') }}\nselect ${bad ? 'null' : '1'} as id\n`,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a_view\n    columns: [{name: id, tests: [not_null]}]\n  - name: inc\n    columns: [{name: id, tests: [not_null]}]\n',
    });
    const dir = writeProject(files(false));
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    await withBuild(dir, {}, async (built) => assert.equal(num(await built.query('select count(*) as n from main.inc')), 2));
    writeProject(files(true), dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.deepEqual(await built.query('select id from main.a_view'), [{ id: 1 }]);
      assert.equal(await built.relationType('main', 'a_view__weir_audit'), 'view');
      // Incremental: merged and tested inside a transaction, rolled back; the new rows are kept as inc__weir_audit.
      assert.deepEqual(await built.query('select count(*) as n, count(id) as ids from main.inc'), [{ n: 2, ids: 2 }]);
      assert.deepEqual(await built.query('select id from main.inc__weir_audit'), [{ id: null }]);
    });
  });
});

// dbt unit tests on real DuckDB: the model's SQL on given rows (dict, csv or sql; typed like the real inputs, missing
// columns null), compared with the expected rows; a failing one shows the differing rows and blocks the model.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../src/loaders/index.js';
import { isWeirError } from '../../src/shared/errors.js';
import { PROFILE, removeProjects, withBuild, writeProject, type Built } from './dbt-helper.js';

after(removeProjects);

const MODEL = [
  "select id, lower(email) as email, email like '%@%.%' as is_valid_email, amount * {{ var('rate', 1) }} as amount",
  "from {{ ref('raw_customers') }} c",
  "join {{ source('erp', 'payments') }} p using (id)",
  '',
].join('\n');

function project(unitTests: string): string {
  return writeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n',
    'profiles.yml': PROFILE('shop'),
    'seeds/raw_customers.csv': 'id,email,country\n1,Ana@Example.org,be\n2,bob,nl\n',
    'seeds/payments.csv': 'id,amount\n1,10\n2,20\n',
    'models/sources.yml': 'version: 2\nsources:\n  - name: erp\n    schema: main\n    tables:\n      - name: payments\n',
    'models/customers.sql': MODEL,
    'models/unit_tests.yml': unitTests,
  });
}

const GOOD = `unit_tests:
  - name: test_emails_are_checked
    model: customers
    overrides:
      vars: {rate: 2}
    given:
      - input: ref('raw_customers')
        rows:
          - {id: 1, email: A@B.CO}
          - {id: 2, email: nope}
      - input: source('erp', 'payments')
        format: csv
        rows: |
          id,amount
          1,5
          2,7
    expect:
      rows:
        - {id: 1, email: a@b.co, is_valid_email: true, amount: 10}
        - {id: 2, email: nope, is_valid_email: false, amount: 14}
`;

const evaluationsOf = (built: Built, name: string) =>
  built.events.filter((e) => e.type === 'ASSET_CHECK_EVALUATION' && (e.data as { checkName: string }).checkName === name).map((e) => e.data as { outcome?: string; message?: string; passed?: boolean });

describe('dbt unit tests', () => {
  it('a passing unit test (dict and csv inputs, vars override) lets the model build', async () => {
    const dir = project(GOOD);
    // The seeds exist first: given rows are typed like the real inputs, as dbt does.
    await withBuild(dir, { select: ['resource_type:seed'] }, async (built) => assert.equal(built.status, 'SUCCESS'));
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
      const [evaluation] = evaluationsOf(built, 'test_emails_are_checked');
      assert.equal(evaluation?.outcome, 'passed', JSON.stringify(evaluation));
      assert.equal((await built.query('select count(*)::int as n from main.customers'))[0]!.n, 2);
    });
  });

  it('a failing unit test shows the differing rows and keeps the model unpublished', async () => {
    const dir = project(GOOD.replace('is_valid_email: false, amount: 14', 'is_valid_email: true, amount: 14'));
    await withBuild(dir, { select: ['resource_type:seed'] }, async (built) => assert.equal(built.status, 'SUCCESS'));
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const [evaluation] = evaluationsOf(built, 'test_emails_are_checked');
      assert.equal(evaluation?.outcome, 'failed');
      assert.match(String(evaluation?.message), /actual differs from expected/);
      assert.match(String(evaluation?.message), /\+\+\+,2,nope,false,14/);
      assert.match(String(evaluation?.message), /---,2,nope,true,14/);
      assert.equal(await built.relationType('main', 'customers'), undefined);
    });
  });

  it('given rows as sql, and an input the model does not read, or an unknown model, is a load error naming the file and line', async () => {
    const sqlGiven = GOOD.replace("      - input: ref('raw_customers')\n        rows:\n          - {id: 1, email: A@B.CO}\n          - {id: 2, email: nope}", "      - input: ref('raw_customers')\n        format: sql\n        rows: \"select 1 as id, 'A@B.CO' as email union all select 2, 'nope'\"");
    const dir = project(sqlGiven);
    await withBuild(dir, { select: ['resource_type:seed'] }, async (built) => assert.equal(built.status, 'SUCCESS'));
    await withBuild(dir, {}, async (built) => assert.equal(evaluationsOf(built, 'test_emails_are_checked')[0]?.outcome, 'passed'));
    await assert.rejects(loadProject(project(GOOD.replace("ref('raw_customers')", "ref('orders')"))),
      (e: unknown) => isWeirError(e) && /models\/unit_tests\.yml:2: unit test 'test_emails_are_checked' gives rows for ref\('orders'\), which model 'customers' does not read/.test(e.message));
    await assert.rejects(loadProject(project(GOOD.replace('model: customers', 'model: customerz'))),
      (e: unknown) => isWeirError(e) && /tests model 'customerz', which does not exist/.test(e.message));
  });
});

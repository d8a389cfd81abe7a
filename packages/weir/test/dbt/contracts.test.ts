// dbt model contracts: with `contract: {enforced: true}` the model's columns must match the yml's names and data
// types before it is published (dbt's error names each mismatch); not_null constraints are checked too.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../src/loaders/index.js';
import { isWeirError } from '../../src/shared/errors.js';
import { PROFILE, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

const SCHEMA = [
  'version: 2',
  'models:',
  '  - name: customers',
  '    config:',
  '      contract: {enforced: true}',
  '    columns:',
  '      - name: id',
  '        data_type: int',
  '        constraints: [{type: not_null}]',
  '      - name: name',
  '        data_type: text',
  '',
].join('\n');

function project(sql: string, schema = SCHEMA): string {
  return writeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n',
    'profiles.yml': PROFILE('shop'),
    'models/customers.sql': sql,
    'models/schema.yml': schema,
  });
}

describe('dbt contracts', () => {
  it('a model matching its contract (type aliases included) is published; a mismatch is refused before publishing, naming each column', async () => {
    const dir = project("select 1::integer as id, 'ana'::varchar as name\n");
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS', built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n')));
    writeProject({ 'models/customers.sql': "select 'x' as id, 2 as age\n" }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const evaluation = built.events.find((e) => e.type === 'ASSET_CHECK_EVALUATION' && (e.data as { checkName: string }).checkName === 'contract');
      const message = String((evaluation?.data as { message?: string }).message);
      assert.match(message, /This model has an enforced contract that failed/);
      assert.match(message, /\| id \| VARCHAR \| INTEGER \| data type mismatch \|/);
      assert.match(message, /\| age \| INTEGER \|  \| missing in contract \|/);
      assert.match(message, /\| name \|  \| VARCHAR \| missing in definition \|/);
      // The published table is the one that kept its contract.
      assert.deepEqual(await built.query('select id, name from main.customers'), [{ id: 1, name: 'ana' }]);
    });
  });

  it('a not_null constraint is checked before publishing', async () => {
    const dir = project("select null::integer as id, 'ana' as name\n");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.ok(built.events.some((e) => e.type === 'ASSET_CHECK_EVALUATION' && (e.data as { checkName: string; outcome?: string }).checkName === 'constraint_not_null'));
      assert.equal(await built.relationType('main', 'customers'), undefined);
    });
  });

  it('an enforced contract whose columns have no data_type is a load error naming the file and columns', async () => {
    const dir = project('select 1 as id\n', SCHEMA.replace('        data_type: text\n', ''));
    await assert.rejects(loadProject(dir), (error: unknown) => isWeirError(error) && /models\/customers\.sql: model 'customers' has an enforced contract, so each of its columns needs a data_type \(missing: name\)/.test(error.message));
  });
});

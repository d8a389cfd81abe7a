// Errors a SQL person understands: Jinja and ref errors at load with file:line:col and a suggestion; a warehouse
// error names the model file, the compiled line and its text, and earlier published tables stay intact.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../src/loaders/index.js';
import { buildAssetGraph } from '../../src/graph/index.js';
import { WeirErrors } from '../../src/shared/errors.js';
import { isWeirError, type WeirError } from '../../src/shared/errors.js';
import { PROFILE, num, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

async function loadError(dir: string): Promise<WeirError> {
  const error = await loadProject(dir).then(() => undefined, (e: unknown) => e);
  assert.ok(isWeirError(error), `expected a WeirError, got ${String(error)}`);
  return error;
}

const project = (models: Record<string, string>) => writeProject({
  'dbt_project.yml': 'name: err\nprofile: err\nmodels:\n  err:\n    +materialized: table\n',
  'profiles.yml': PROFILE('err'),
  'models/orders.sql': 'select 1 as id, 10 as amount\n',
  ...models,
});

describe('dbt errors', () => {
  it("an unknown ref names models/x.sql:LINE:COL and suggests the closest name, TypeScript assets included", async () => {
    const error = await loadError(project({ 'models/revenue.sql': "select *\nfrom {{ ref('orderz') }}\n" }));
    assert.equal(error.code, 'DBT_UNKNOWN_REF');
    assert.match(error.message, /^models\/revenue\.sql:2:9: ref\('orderz'\) matches no model or seed\. Did you mean 'orders'\?/);
  });

  it('a ref called only at run time (inside {% if execute %}) fails the model with dbt\'s depends_on hint; with the hint it builds', async () => {
    const hidden = "{% if execute %}\nselect * from {{ ref('orders') }}\n{% else %}\nselect 1 as id, 1 as amount\n{% endif %}\n";
    const dir = project({ 'models/revenue.sql': hidden });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const failure = built.events.find((e) => e.type === 'STEP_FAILURE' && e.stepKey === 'revenue')!;
      assert.match(failure.message, /dbt was unable to infer all dependencies for the model 'revenue': ref\('orders'\) is only called when the model runs/);
      assert.match(JSON.stringify(failure.data), /-- depends_on: \{\{ ref\('orders'\) \}\}/);
      assert.doesNotMatch(failure.message, /__weir_stage_/, 'no staging name leaks');
    });
    writeProject({ 'models/revenue.sql': `-- depends_on: {{ ref('orders') }}\n${hidden}` }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
      assert.equal(num(await built.query('select count(*)::int as n from main.revenue')), 1);
    });
  });

  it('a Jinja syntax error points at the line and column of the tag', async () => {
    const error = await loadError(project({ 'models/broken.sql': "select 1\n{% if true %}\nas x\n{% endfor %}\n" }));
    assert.equal(error.code, 'DBT_JINJA_SYNTAX');
    assert.match(error.message, /^models\/broken\.sql:4:1: Jinja syntax error/);
  });

  it('a call to an unknown macro names its line and column and the closest macro', async () => {
    const error = await loadError(project({
      'macros/cents.sql': '{% macro to_cents(column) %}({{ column }} * 100){% endmacro %}\n',
      'models/revenue.sql': "select\n  {{ to_cent('amount') }} as cents\nfrom {{ ref('orders') }}\n",
    }));
    assert.equal(error.code, 'DBT_UNDEFINED_MACRO');
    assert.match(error.message, /^models\/revenue\.sql:2:6: 'to_cent' is not a macro or a dbt function\. Did you mean 'to_cents'\?/);
  });

  it('a postgres target is "not yet" supported, clearly', async () => {
    const dir = writeProject({ 'dbt_project.yml': 'name: pg\nprofile: pg\n', 'profiles.yml': 'pg:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      host: localhost\n' });
    const error = await loadError(dir);
    assert.equal(error.code, 'DBT_ADAPTER_NOT_SUPPORTED');
    assert.match(error.message, /target 'prod' is of type 'postgres', which Weir does not yet support/);
  });

  it('a warehouse error points at the model file and the compiled line, shows it, and keeps earlier tables', async () => {
    const dir = project({ 'models/revenue.sql': "select\n  id,\n  amount * 2 as doubled\nfrom {{ ref('orders') }}\n" });
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    writeProject({ 'models/revenue.sql': "select\n  id,\n  amount * 2 as doubled,\n  amont as typo\nfrom {{ ref('orders') }}\n" }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const failure = built.events.find((e) => e.type === 'STEP_FAILURE' && e.stepKey === 'revenue');
      assert.ok(failure && failure.type === 'STEP_FAILURE');
      const message = failure.data.error.message;
      assert.match(message, /^models\/revenue\.sql: SQL error in model 'revenue' at compiled line 4 \(target\/compiled\/err\/models\/revenue\.sql:4\): Binder Error: Referenced column "amont" not found/);
      assert.match(message, /The line reads: amont as typo\./);
      assert.doesNotMatch(message, /\n\s+at /);
      // The last good table is still there.
      assert.equal(num(await built.query('select doubled as n from main.revenue')), 20);
    });
  });

  it('a seed with ragged rows or bytes that are not UTF-8 fails with the CSV checks\' messages, and the last good table stays', async () => {
    const dir = project({ 'seeds/prices.csv': 'id,label\n1,cheap\n2,dear\n' });
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    const seedFailure = async () => withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      const failure = built.events.find((e) => e.type === 'STEP_FAILURE' && e.stepKey === 'prices');
      assert.ok(failure && failure.type === 'STEP_FAILURE');
      assert.equal(num(await built.query('select count(*) as n from main.prices')), 2, 'the last good seed table is intact');
      return failure.data.error;
    });

    // A value holding the delimiter, unquoted: dbt's reader would have failed on row 3 without naming the line.
    writeFileSync(join(dir, 'seeds/prices.csv'), 'id,label\n1,cheap\n2,dear, really\n3,"a, b"\n');
    const ragged = await seedFailure();
    assert.equal(ragged.code, 'CSV_WRONG_FIELD_COUNT');
    assert.match(ragged.message, /seeds\/prices\.csv:3: the csv file has rows with the wrong number of fields: line 3 has 3 fields where the header \(line 1\) has 2\./);
    assert.match(ragged.message, /Fix the file: every row needs as many fields as the header \(a value holding the delimiter ',' needs quotes\)/);

    // Latin-1 bytes: read as UTF-8 they would have become U+FFFD in the table without a word.
    writeFileSync(join(dir, 'seeds/prices.csv'), Buffer.from('id,label\n1,caf\xe9\n', 'latin1'));
    const latin1 = await seedFailure();
    assert.equal(latin1.code, 'FILE_ENCODING');
    assert.match(latin1.message, /seeds\/prices\.csv:2: the seed file is not UTF-8: line 2 has the byte 0xE9 where UTF-8 cannot have it \(in Latin-1\/Windows-1252 it is 'é'\)/);
    assert.match(latin1.message, /dbt reads seeds as UTF-8: save the file as UTF-8\./);
  });

  it('two models on one relation, or a model and a TypeScript asset on one table, are one load error naming both', async () => {
    const dir = writeProject({
      'weir.yaml': 'name: owners\ndbt:\n  project_dir: transform\n',
      'package.json': '{ "type": "module" }\n',
      'definitions/raw.ts': "import { asset } from 'weir';\nexport const raw = asset({ key: 'raw', io: { table: 'Totals' } }, () => 'select 1 as id');\n",
      'transform/dbt_project.yml': 'name: transform\nprofile: transform\nmodels:\n  transform:\n    +materialized: table\n',
      'transform/profiles.yml': PROFILE('transform'),
      'transform/models/totals.sql': 'select 1 as total\n',
      'transform/models/orders.sql': 'select 1 as id\n',
      'transform/models/orders_v2.sql': "{{ config(alias='orders') }}\nselect 2 as id\n",
    });
    const loaded = await loadProject(dir);
    const error = (() => { try { buildAssetGraph(loaded.definitions); } catch (e) { return e; } })();
    assert.ok(error instanceof WeirErrors, `expected WeirErrors, got ${String(error)}`);
    assert.deepEqual(error.errors.map((e) => e.code), ['DUPLICATE_LOCATION', 'DUPLICATE_LOCATION']);
    const [orders, totals] = [...error.errors].sort((a, b) => a.summary.localeCompare(b.summary)).map((e) => e.summary);
    assert.match(orders!, /^assets 'orders' \(.*transform\/models\/orders\.sql\) and 'orders_v2' \(.*transform\/models\/orders_v2\.sql\) both publish to table main\.orders$/);
    assert.match(totals!, /^assets 'raw' \(.*definitions\/raw\.ts:2:\d+\) and 'totals' \(.*transform\/models\/totals\.sql\) both publish to table main\.Totals$/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDbtProject } from './load-dbt-project.js';
import { compileProject } from './compile.js';
import { writeCompiledFiles, writeManifest, writeRunFiles, writeRunResults } from './artifacts.js';
import { secretRedactor } from '../../shared/redact.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/dbt/', import.meta.url));

test('manifest.json has the v12 shape, maps and the unused keys', async () => {
  const project = loadDbtProject(`${FIXTURES}shop`);
  const compiled = await compileProject(project);
  const dir = mkdtempSync(join(tmpdir(), 'weir-dbt-'));
  writeManifest(project, join(dir, 'manifest.json'), { compiled });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
  for (const key of ['nodes', 'sources', 'macros', 'docs', 'exposures', 'metrics', 'groups', 'selectors', 'disabled', 'parent_map', 'child_map', 'group_map', 'saved_queries', 'semantic_models', 'unit_tests']) {
    assert.ok(key in manifest, key);
  }
  const orders = manifest.nodes['model.shop.stg_orders'];
  assert.equal(orders.relation_name, '"shop_dev"."main"."stg_orders"');
  assert.deepEqual(orders.depends_on.nodes, ['seed.shop.raw_orders']);
  assert.ok(manifest.child_map['model.shop.stg_orders'].includes('model.shop.customers'));
  assert.deepEqual(manifest.parent_map['model.shop.customers'], ['model.shop.stg_customers', 'model.shop.stg_orders']);
  assert.equal(manifest.nodes['test.shop.not_null_stg_orders_order_id.81cfe2fe64'].test_metadata.name, 'not_null');
  assert.ok(manifest.unit_tests['unit_tests.shop.test_customers']);
  assert.ok(manifest.macros['macro.shop.cents_to_euros'].macro_sql.startsWith('{% macro cents_to_euros'));
  assert.equal(manifest.docs['doc.shop.orders_doc'].block_contents, 'One row per order.');

  const files = writeCompiledFiles(project, compiled, join(dir, 'target'));
  assert.ok(existsSync(join(dir, 'target/compiled/shop/models/marts/customers.sql')));
  assert.ok(files.some((f) => f.endsWith('target/compiled/shop/models/schema.yml/not_null_stg_orders_order_id.sql')));
  writeRunFiles(project, new Map([['model.shop.customers', ['create table x as (select 1)']]]), join(dir, 'target'));
  assert.equal(readFileSync(join(dir, 'target/run/shop/models/marts/customers.sql'), 'utf8'), 'create table x as (select 1);\n');
});

test('run_results.json has the v6 shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-dbt-'));
  writeRunResults([{ uniqueId: 'model.shop.customers', status: 'success', startedAtMs: 0, completedAtMs: 1500, rowsAffected: 3 }], join(dir, 'run_results.json'));
  const results = JSON.parse(readFileSync(join(dir, 'run_results.json'), 'utf8'));
  assert.equal(results.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/run-results/v6.json');
  assert.equal(results.results[0].unique_id, 'model.shop.customers');
  assert.equal(results.results[0].execution_time, 1.5);
  assert.equal(results.elapsed_time, 1.5);
});

test('artefacts mask secret setting values: manifest, run_results, compiled and run files', async () => {
  const secret = `pa'ss "word" 42`;
  const redact = secretRedactor([secret]);
  const project = loadDbtProject(`${FIXTURES}shop`);
  const compiled = await compileProject(project);
  const customers = compiled.get('model.shop.customers')!;
  // As an env_var() value would be rendered into the compiled SQL.
  compiled.set(customers.uniqueId, { ...customers, compiledCode: `select '${secret.replace(/'/g, "''")}' as token` });
  const dir = mkdtempSync(join(tmpdir(), 'weir-dbt-'));
  writeManifest(project, join(dir, 'manifest.json'), { compiled, redact });
  writeRunResults([{ uniqueId: customers.uniqueId, status: 'error', startedAtMs: 0, completedAtMs: 1, message: `failed for ${secret}`, compiledCode: secret }], join(dir, 'run_results.json'), { redact });
  writeCompiledFiles(project, compiled, join(dir, 'target'), redact);
  writeRunFiles(project, new Map([[customers.uniqueId, [`create table x as (select '${secret.replace(/'/g, "''")}')`]]]), join(dir, 'target'), redact);
  const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
  assert.equal(JSON.parse(manifest).nodes['model.shop.customers'].compiled_code, "select '***' as token");
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'run_results.json'), 'utf8')).results[0].message, 'failed for ***');
  assert.equal(readFileSync(join(dir, 'target/compiled/shop/models/marts/customers.sql'), 'utf8'), "select '***' as token");
  assert.equal(readFileSync(join(dir, 'target/run/shop/models/marts/customers.sql'), 'utf8'), "create table x as (select '***');\n");
  for (const file of ['manifest.json', 'run_results.json', 'target/compiled/shop/models/marts/customers.sql', 'target/run/shop/models/marts/customers.sql']) {
    assert.ok(!readFileSync(join(dir, file), 'utf8').includes('word'), file);
  }
});

test("manifest nodes carry yml meta and docs as dbt merges them, and disabled models are listed under 'disabled'", () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-dbt-'));
  const files: Record<string, string> = {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'models/orders.sql': 'select 1 as id\n',
    'models/old.sql': "{{ config(enabled=false) }}\nselect 1 as id\n",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    meta: {owner: ana}\n    docs: {show: false, node_color: red}\n    config:\n      meta: {team: finance}\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const manifest = writeManifest(loadDbtProject(dir), join(dir, 'target', 'manifest.json')) as { nodes: Record<string, any>; disabled: Record<string, any[]> };
  const orders = manifest.nodes['model.shop.orders'];
  assert.deepEqual(orders.meta, { owner: 'ana', team: 'finance' });
  assert.deepEqual(orders.config.meta, { owner: 'ana', team: 'finance' });
  assert.deepEqual(orders.docs, { show: false, node_color: 'red' });
  assert.deepEqual(Object.keys(manifest.disabled), ['model.shop.old']);
  assert.equal(manifest.disabled['model.shop.old']![0].config.enabled, false);
  assert.equal(manifest.nodes['model.shop.old'], undefined);
});

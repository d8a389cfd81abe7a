import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadDbtProject } from './load-dbt-project.js';
import type { DbtModelNode, DbtTestNode } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/dbt/', import.meta.url));
const shop = () => loadDbtProject(`${FIXTURES}shop`);

test('models, seeds and tests get dbt unique ids, fqns and relations', () => {
  const project = shop();
  assert.equal(project.name, 'shop');
  assert.equal(project.target.name, 'dev');
  assert.equal(project.target.database, 'shop_dev');
  const orders = project.nodes.get('model.shop.stg_orders')!;
  assert.deepEqual(orders.fqn, ['shop', 'staging', 'stg_orders']);
  assert.equal(orders.relationName, '"shop_dev"."main"."stg_orders"');
  assert.equal(orders.config.materialized, 'view');
  assert.equal(orders.originalFilePath, 'models/staging/stg_orders.sql');
  assert.deepEqual(orders.dependsOn.nodes, ['seed.shop.raw_orders']);
  assert.equal(orders.description, 'One row per order.');
  assert.ok(project.nodes.has('seed.shop.raw_orders'));
  assert.ok(project.nodes.has('test.shop.assert_no_big_orders'));
});

test('config precedence: folder < yml < config() in the file; tags add up', () => {
  const project = shop();
  const customers = project.nodes.get('model.shop.customers')!;
  assert.equal(customers.config.materialized, 'table');
  assert.deepEqual(customers.tags.sort(), ['core', 'marts']);
  assert.deepEqual(customers.config.meta, { owner: 'ada' });
  assert.equal(customers.config.post_hook[0]!.sql, 'select count(*) from {{ this }}');
  assert.equal(project.nodes.get('model.shop.stg_customers')!.config.materialized, 'ephemeral');
  assert.equal(project.nodes.get('model.shop.stg_customers')!.relationName, null);
  const incremental = project.nodes.get('model.shop.orders_incremental')!;
  assert.equal(incremental.config.unique_key, 'order_id');
  assert.equal(incremental.config.incremental_strategy, 'merge');
  assert.equal(incremental.config.on_schema_change, 'append_new_columns');
});

test('versioned models: one node per version, relation <name>_v<N>, ref() picks latest', () => {
  const project = shop();
  const v1 = project.nodes.get('model.shop.dim_status.v1') as DbtModelNode;
  const v2 = project.nodes.get('model.shop.dim_status.v2') as DbtModelNode;
  assert.equal(v1.relationName, '"shop_dev"."main"."dim_status_v1"');
  assert.equal(v2.latestVersion, 2);
  assert.deepEqual(project.nodes.get('model.shop.status_report')!.dependsOn.nodes.sort(), ['model.shop.dim_status.v1', 'model.shop.dim_status.v2']);
});

test('seeds: +schema gives <target schema>_<name>; column_types merge from project and yml', () => {
  const project = shop();
  assert.equal(project.nodes.get('seed.shop.raw_lookup')!.relationName, '"shop_dev"."main_lookups"."raw_lookup"');
  assert.deepEqual(project.nodes.get('seed.shop.raw_payments')!.config.column_types, { amount_cents: 'bigint' });
  assert.deepEqual(project.nodes.get('seed.shop.raw_orders')!.config.column_types, { note: 'varchar' });
});

test('generic tests follow dbt naming, hashing and configs (tests: and data_tests:)', () => {
  const project = shop();
  const tests = [...project.nodes.values()].filter((n): n is DbtTestNode => n.resourceType === 'test');
  const ids = tests.map((t) => t.uniqueId);
  assert.ok(ids.includes('test.shop.not_null_stg_orders_order_id.81cfe2fe64'), ids.join('\n'));
  assert.ok(ids.some((id) => id.startsWith('test.shop.accepted_values_stg_orders_status__completed__shipped__returned.')));
  assert.ok(ids.some((id) => id.startsWith('test.shop.not_null_dim_status_v1_status.')));
  const accepted = tests.find((t) => t.name.startsWith('accepted_values'))!;
  assert.equal(accepted.config.where, "status != 'returned'");
  const positive = tests.find((t) => t.name === 'positive_stg_orders_amount')!;
  assert.equal(positive.config.severity, 'WARN');
  assert.deepEqual(positive.dependsOn.macros, ['macro.shop.test_positive']);
  const relationships = tests.find((t) => t.name.startsWith('relationships'))!;
  assert.deepEqual(relationships.dependsOn.nodes.sort(), ['model.shop.stg_orders', 'seed.shop.raw_customers']);
  assert.equal(relationships.attachedNode, 'model.shop.stg_orders');
  assert.equal(relationships.location.file, 'models/schema.yml');
});

test('unused yml keys are kept, hooks, docs, vars and local packages load', () => {
  const project = shop();
  assert.ok(project.unused.unit_tests?.['unit_tests.shop.test_customers']);
  assert.ok(project.unused.semantic_models && project.unused.exposures && project.unused.metrics && project.unused.saved_queries);
  assert.deepEqual(project.onRunStart, ['create schema if not exists {{ target.schema }}_audit']);
  assert.equal(project.docs.get('doc.shop.orders_doc')!.blockContents, 'One row per order.');
  assert.deepEqual(project.packages.map((p) => p.name), ['shop', 'utils']);
  assert.ok(project.macros.has('macro.utils.double'));
});

test('targets: env_var() in profiles.yml, --target, and a postgres target is refused', () => {
  process.env.SHOP_DB_DIR = '/data';
  try {
    assert.equal(shop().target.path, '/data/shop_dev.duckdb');
  } finally {
    delete process.env.SHOP_DB_DIR;
  }
  const ci = loadDbtProject(`${FIXTURES}shop`, { target: 'ci' });
  assert.equal(ci.target.schema, 'ci');
  assert.equal(ci.nodes.get('model.shop.stg_orders')!.relationName, '"memory"."ci"."stg_orders"');
  assert.throws(() => loadDbtProject(`${FIXTURES}shop`, { target: 'pg' }), /type 'postgres', which Weir does not yet support/);
});

test('only the selected output of profiles.yml is rendered: another output\'s env_var() without a default is no error', () => {
  delete process.env.SNOWFLAKE_ACCOUNT;
  assert.equal(shop().target.name, 'dev');
  assert.equal(loadDbtProject(`${FIXTURES}shop`, { target: 'ci' }).target.schema, 'ci');
  // Selecting that output does need it, as dbt would.
  assert.throws(() => loadDbtProject(`${FIXTURES}shop`, { target: 'snowflake' }), /env_var\('SNOWFLAKE_ACCOUNT'\) is not set/);
});

test('an empty project loads', () => {
  const project = loadDbtProject(`${FIXTURES}empty`);
  assert.equal(project.nodes.size, 0);
  assert.equal(project.target.database, 'memory');
});

test('a generate_schema_name override is used', () => {
  const project = loadDbtProject(`${FIXTURES}custom_schema`);
  assert.equal(project.nodes.get('model.custom_schema.a')!.relationName, '"memory"."analytics"."a"');
});

test('vars from the caller override dbt_project.yml', () => {
  const project = loadDbtProject(`${FIXTURES}shop`, { vars: { min_amount: 5 } });
  assert.equal(project.vars.min_amount, 5);
});

// dbt sources as nodes of the graph: observed relations (they must exist; rows and columns recorded) whose tests
// run inside builds, block what reads them when they fail, and are selected with dbt's `source:` method.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildAssetGraph } from '../../src/graph/index.js';
import { selectAssets } from '../../src/graph/selection.js';
import { loadProject } from '../../src/loaders/index.js';
import { dbtCommand } from '../../src/cli/commands/dbt-command.js';
import { EventType } from '../../src/events/index.js';
import { PROFILE, num, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

const SOURCES_YML = [
  'version: 2',
  'sources:',
  '  - name: raw',
  '    schema: landing',
  '    tables:',
  '      - name: orders',
  '        columns:',
  '          - name: id',
  '            tests: [unique, not_null]',
  '          - name: status',
  '            data_tests:',
  '              - accepted_values:',
  '                  values: [paid, open]',
  '                  config: { severity: warn }',
  '          - name: customer_id',
  '            tests:',
  '              - relationships:',
  "                  to: source('raw', 'customers')",
  '                  field: id',
  '          - name: amount',
  '            tests:',
  '              - not_null:',
  "                  config: { where: \"status = 'paid'\", error_if: '>1', warn_if: '>0', store_failures: true }",
  '      - name: customers',
  '        identifier: raw_customers',
  '',
].join('\n');

/** A dbt project reading two source tables, with source tests of every kind. */
function shop(extra: Record<string, string> = {}): string {
  return writeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n',
    'profiles.yml': PROFILE('shop'),
    'models/sources.yml': SOURCES_YML,
    'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}\n",
    'models/customer_totals.sql': "select customer_id, sum(amount) as total from {{ ref('stg_orders') }} group by 1\n",
    // A test reading a model and a source: it runs with the model, after the source is observed.
    'models/schema.yml': "version: 2\nmodels:\n  - name: customer_totals\n    columns:\n      - name: customer_id\n        tests:\n          - relationships:\n              to: source('raw', 'customers')\n              field: id\n",
    'models/unrelated.sql': 'select 1 as x\n',
    ...extra,
  });
}

/** Runs SQL on the project's warehouse file (the raw tables another tool would load). */
async function load(dir: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(join(dir, 'dev.duckdb'));
  const connection = await instance.connect();
  try { await connection.run(sql); } finally { connection.closeSync(); instance.closeSync(); }
}

const RAW = [
  'create schema if not exists landing',
  'create or replace table landing.orders as select * from (values (1, 1, 10, \'paid\'), (2, 1, 20, \'paid\'), (3, 2, 5, \'open\')) t(id, customer_id, amount, status)',
  'create or replace table landing.raw_customers as select * from (values (1), (2)) t(id)',
].join(';\n');

/** Runs a `weir dbt …` verb in process and returns its exit code and what it printed. */
async function dbt(args: Parameters<typeof dbtCommand>[0]): Promise<{ code: number; stdout: string }> {
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  let stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    const code = await dbtCommand(args);
    return { code, stdout };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

describe('dbt sources', () => {
  it('are external nodes of the graph with their tests as checks, upstream of the models that read them', async () => {
    const dir = shop();
    const { definitions, dbt: loaded } = await loadProject(dir);
    const graph = buildAssetGraph(definitions);
    const orders = graph.get('raw/orders')!;
    assert.equal(orders.kind, 'external');
    assert.deepEqual([...orders.definition.kinds], ['duckdb', 'dbt source']);
    assert.deepEqual(orders.downstream, ['stg_orders']);
    assert.deepEqual(graph.get('stg_orders')!.upstream, ['raw/orders']);
    assert.deepEqual((orders.definition.checks ?? []).map((c) => c.name).sort(), [
      'source_accepted_values_raw_orders_status__paid__open', 'source_not_null_raw_orders_amount', 'source_not_null_raw_orders_id',
      'source_relationships_raw_orders_customer_id__id__source_raw_customers_', 'source_unique_raw_orders_id',
    ]);
    assert.equal(orders.definition.location?.file, 'models/sources.yml');
    assert.equal(orders.definition.location?.line, 6);
    assert.equal(graph.get('raw/customers')!.definition.location?.line, 24);
    // A model → source test runs with the model, after the source it reads.
    assert.ok(graph.get('customer_totals')!.upstream.includes('raw/customers'));
    assert.equal(loaded!.assets.unattached.length, 0);
    assert.equal(loaded!.assets.attachedTo.get([...loaded!.project.nodes.values()].find((n) => n.name.startsWith('relationships_customer_totals'))!.uniqueId), 'customer_totals');
  });

  it('build observes each source (rows, columns), runs its tests first, and records them in run_results.json', async () => {
    const dir = shop();
    await load(dir, RAW);
    const result = await dbt({ project: dir, verb: 'build' });
    assert.equal(result.code, 0, result.stdout);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results as Array<{ unique_id: string; status: string }>;
    const status = (prefix: string) => results.find((r) => r.unique_id.startsWith(prefix))?.status;
    assert.equal(status('test.shop.source_unique_raw_orders_id'), 'pass');
    assert.equal(status('test.shop.source_relationships_raw_orders_customer_id'), 'pass');
    assert.equal(status('test.shop.source_accepted_values_raw_orders_status'), 'pass');
    assert.equal(status('test.shop.relationships_customer_totals_customer_id'), 'pass');
    assert.equal(status('model.shop.customer_totals'), 'success');
    // Sources are not executed: not in run_results, as in dbt; manifest.json lists them with their children.
    assert.ok(!results.some((r) => r.unique_id.startsWith('source.')));
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.child_map['source.shop.raw.orders'].filter((id: string) => id.startsWith('model.')), ['model.shop.stg_orders']);

    await withBuild(dir, { select: ['+customer_totals'] }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(built.plan.steps.map((s) => `${s.key}:${s.kind}`), ['raw/customers:observe', 'raw/orders:observe', 'stg_orders:asset', 'customer_totals:asset']);
      const observation = built.events.find((e) => e.type === EventType.ASSET_OBSERVATION && e.stepKey === 'raw/orders')!;
      assert.equal(observation.message, 'Observed raw/orders: 3 rows, 4 columns');
      const data = observation.data as { rowCount: number; columns: Array<{ name: string }>; path: string };
      assert.equal(data.rowCount, 3);
      assert.deepEqual(data.columns.map((c) => c.name), ['id', 'customer_id', 'amount', 'status']);
      assert.equal(data.path, '"landing"."orders"');
      // The source's checks run in its step, before the model that reads it starts.
      const checkAt = built.events.findIndex((e) => e.type === EventType.ASSET_CHECK_EVALUATION && e.stepKey === 'raw/orders');
      const modelStart = built.events.findIndex((e) => e.type === EventType.STEP_START && e.stepKey === 'stg_orders');
      assert.ok(checkAt >= 0 && checkAt < modelStart);
      assert.equal(built.events.filter((e) => e.type === EventType.ASSET_CHECK_EVALUATION && e.stepKey === 'raw/orders').length, 5);
      // store_failures: the failing rows of the test (none) are kept as a table, as dbt does.
      assert.equal(num(await built.query('select count(*) as n from main_dbt_test__audit.source_not_null_raw_orders_amount')), 0);
      // The source's latest observation is what the next run compares against: unchanged data, same hash.
      const stored = await built.storage.events.latestObservations(built.loaded.definitions.project.name, ['raw/orders']);
      assert.equal(stored.get('raw/orders')!.rowCount, 3);
    });
  });

  it('a failing error-severity source test skips the models downstream and keeps their published tables', async () => {
    const dir = shop();
    await load(dir, RAW);
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    // A duplicate id (unique fails: error), an unknown status (accepted_values: warn only), one paid order without
    // an amount (not_null where status = 'paid', error_if > 1: a warning).
    await load(dir, "insert into landing.orders values (3, 2, 7, 'lost'), (4, 1, null, 'paid')");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.deepEqual(built.failed, ['raw/orders']);
      assert.deepEqual(built.skipped.sort(), ['customer_totals', 'stg_orders']);
      assert.ok(built.succeeded.includes('unrelated') && built.succeeded.includes('raw/customers'));
      const failure = built.events.find((e) => e.type === EventType.STEP_FAILURE && e.stepKey === 'raw/orders')!;
      assert.equal((failure.data as { reason: string }).reason, 'check_failed');
      assert.match(failure.message, /blocking check failed: source_unique_raw_orders_id\b/);
      const skipped = built.events.find((e) => e.type === EventType.STEP_SKIPPED && e.stepKey === 'stg_orders')!;
      assert.match(skipped.message, /upstream raw\/orders failed its checks/);
      const checks = built.events.filter((e) => e.type === EventType.ASSET_CHECK_EVALUATION && e.stepKey === 'raw/orders')
        .map((e) => e.data as { checkName: string; passed: boolean; severity: string; failingRows: number | null; message: string });
      const byName = (prefix: string) => checks.find((c) => c.checkName.startsWith(prefix))!;
      assert.equal(byName('source_unique_raw_orders_id').passed, false);
      assert.equal(byName('source_unique_raw_orders_id').failingRows, 1);
      assert.equal(byName('source_accepted_values').passed, false);
      assert.equal(byName('source_accepted_values').severity, 'warn');
      assert.equal(byName('source_not_null_raw_orders_amount').passed, true);
      assert.match(byName('source_not_null_raw_orders_amount').message, /warning only/);
      assert.equal(num(await built.query('select count(*) as n from main_dbt_test__audit.source_not_null_raw_orders_amount')), 1);
      // The tables published by the last good run are untouched.
      assert.equal(num(await built.query('select count(*) as n from main.stg_orders')), 3);
      assert.equal(num(await built.query('select sum(total) as n from main.customer_totals')), 35);
    });
  });

  it('a source that is not in the warehouse fails with its yml file and line; what reads it is skipped', async () => {
    const dir = shop();
    await load(dir, 'create schema landing; create table landing.raw_customers as select 1 as id');
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.deepEqual(built.failed, ['raw/orders']);
      assert.deepEqual(built.skipped.sort(), ['customer_totals', 'stg_orders']);
      const failure = built.events.find((e) => e.type === EventType.STEP_FAILURE && e.stepKey === 'raw/orders')!;
      const error = (failure.data as { error: { message: string; code?: string; hint?: string } }).error;
      assert.equal(error.code, 'MISSING_INPUT');
      assert.match(error.message, /^source raw\.orders \(models\/sources\.yml:6\) does not exist in the warehouse \("landing"\."orders" not found\): load it first or fix database\/schema\/identifier/);
      assert.doesNotMatch(error.message, /\n\s+at /);
    });
  });

  it('source:raw+, source:raw.orders, resource_type:source and +model select source nodes as dbt does', async () => {
    const dir = shop();
    const { definitions } = await loadProject(dir);
    const graph = buildAssetGraph(definitions);
    const select = (s: string) => [...selectAssets(graph, { select: s })];
    assert.deepEqual(select('source:raw'), ['raw/customers', 'raw/orders']);
    assert.deepEqual(select('source:raw.orders'), ['raw/orders']);
    assert.deepEqual(select('source:raw.orders+'), ['raw/orders', 'stg_orders', 'customer_totals']);
    assert.deepEqual(select('source:raw+'), ['raw/customers', 'raw/orders', 'stg_orders', 'customer_totals']);
    assert.deepEqual(select('+stg_orders'), ['raw/orders', 'stg_orders']);
    assert.deepEqual(select('resource_type:source'), ['raw/customers', 'raw/orders']);
    assert.throws(() => select('source:rae'), /selector 'source:rae' matches no asset\. Did you mean 'raw'/);

    await load(dir, RAW);
    await withBuild(dir, { select: ['source:raw+'] }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(built.plan.steps.map((s) => s.key), ['raw/customers', 'raw/orders', 'stg_orders', 'customer_totals']);
    });
    // `weir dbt build -s source:raw`: the sources and their tests only.
    const only = await dbt({ project: dir, verb: 'build', select: ['source:raw'] });
    assert.equal(only.code, 0, only.stdout);
    assert.match(only.stdout, /2 steps/);
  });

  it('weir dbt test -s source:raw runs the tests of the sources on the relations, recorded on the source', async () => {
    const dir = shop();
    await load(dir, RAW);
    const passing = await dbt({ project: dir, verb: 'test', select: ['source:raw'] });
    assert.equal(passing.code, 0, passing.stdout);
    assert.match(passing.stdout, /source_unique_raw_orders_id +raw\/orders +✔ PASS/);
    assert.match(passing.stdout, /Passed: 5 tests, 0 failed/);
    await load(dir, "insert into landing.orders values (1, 9, 1, 'paid')");
    const failing = await dbt({ project: dir, verb: 'test', select: ['source:raw.orders'] });
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /source_unique_raw_orders_id +raw\/orders +✘ FAIL +1/);
    assert.match(failing.stdout, /source_relationships_raw_orders_customer_id\S* +raw\/orders +✘ FAIL +1/);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results as Array<{ unique_id: string; status: string }>;
    assert.equal(results.find((r) => r.unique_id.startsWith('test.shop.source_unique_raw_orders_id'))?.status, 'fail');
    // dbt ls lists the selected sources too.
    const ls = await dbt({ project: dir, verb: 'ls', select: ['source:raw.customers'], output: 'name' });
    assert.deepEqual(ls.stdout.trim().split('\n'), ['customers']);
  });
});

describe('templated sources', () => {
  it('renders Jinja in database, schema, identifier and loaded_at_field, as dbt does (its adapter tests rely on it)', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: shop\nprofile: shop\nvars:\n  seed_name: base_orders\nmodels:\n  shop:\n    +materialized: table\n',
      'profiles.yml': PROFILE('shop', 'analytics'),
      'models/sources.yml': [
        'version: 2',
        'sources:',
        '  - name: raw',
        '    database: "{{ target.database }}"',
        '    schema: "{{ target.schema }}"',
        '    loaded_at_field: "{{ \'loaded\' ~ \'_at\' }}"',
        '    tables:',
        '      - name: orders',
        "        identifier: \"{{ var('seed_name', 'base') }}\"",
        '',
      ].join('\n'),
      'models/order_count.sql': "select count(*) as n from {{ source('raw', 'orders') }}\n",
    });
    await load(dir, "create schema analytics; create table analytics.base_orders as select * from (values (1, now()), (2, now())) t(id, loaded_at)");
    const { dbt: loaded } = await loadProject(dir);
    const source = [...loaded!.project.sources.values()][0]!;
    assert.deepEqual([source.database, source.schema, source.identifier, source.loadedAtField], ['dev', 'analytics', 'base_orders', 'loaded_at']);
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
      assert.equal(num(await built.query('select n from analytics.order_count')), 2);
    });
  });
});

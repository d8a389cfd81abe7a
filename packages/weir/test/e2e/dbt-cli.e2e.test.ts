// The real `weir` CLI on a dbt project folder: `weir build` / `weir run`, the `weir dbt` verbs, dbt's flags,
// target/ artefacts in dbt's shapes, and errors as one paragraph.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TempDirs, stackLines, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const PROFILES = [
  'jaffle:',
  '  target: dev',
  '  outputs:',
  '    dev:',
  '      type: duckdb',
  '      path: dev.duckdb',
  '      threads: 2',
  '    ci:',
  '      type: duckdb',
  "      path: \"{{ env_var('JAFFLE_CI_DB', 'ci.duckdb') }}\"",
  '      schema: ci',
  '    pg:',
  '      type: postgres',
  '      host: localhost',
  '',
].join('\n');

function jaffle(): string {
  return writeProject(temp.make('weir-dbt-e2e-'), {
    'dbt_project.yml': [
      'name: jaffle', 'profile: jaffle', 'vars:', '  min_amount: 0',
      'on-run-start:', "  - \"create table if not exists {{ target.schema }}.run_log (event varchar)\"", "  - \"insert into {{ target.schema }}.run_log values ('start')\"",
      'on-run-end:', "  - \"insert into {{ target.schema }}.run_log values ('end {{ results | length }} {% for r in results if r.status == 'pass' %}p{% endfor %}')\"",
      'models:', '  jaffle:', '    +materialized: table', '    staging:', '      +materialized: view', '      +tags: [staging]', '',
    ].join('\n'),
    'profiles.yml': PROFILES,
    'seeds/raw_orders.csv': 'id,customer_id,amount,status\n1,1,10,paid\n2,1,20,paid\n3,2,5,open\n',
    'models/staging/stg_orders.sql': "select * from {{ ref('raw_orders') }} where amount >= {{ var('min_amount') }}\n",
    'models/customers.sql': "select customer_id, sum(amount) as total from {{ ref('stg_orders') }} group by 1\n",
    // A source (the table on-run-start creates) with a test: a node of the graph, observed and tested in builds.
    'models/sources.yml': 'version: 2\nsources:\n  - name: meta\n    schema: main\n    tables:\n      - name: run_log\n        columns:\n          - name: event\n            tests: [not_null]\n',
    'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: id\n        tests: [unique, not_null]\n      - name: status\n        tests:\n          - accepted_values:\n              values: [paid, open]\n',
  });
}

async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('weir on a dbt project', () => {
  it('weir build = dbt build: seeds, models, tests; hooks; artefacts in target/; warehouse = the profile target file', async () => {
    const dir = jaffle();
    const result = await weir(['build', '--project', dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /stg_orders/);
    for (const file of ['target/manifest.json', 'target/run_results.json', 'target/compiled/jaffle/models/customers.sql', 'target/run/jaffle/models/customers.sql', '.weir/metadata.sqlite']) {
      assert.ok(existsSync(join(dir, file)), file);
    }
    const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    assert.equal(runResults.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/run-results/v6.json');
    const statuses = Object.fromEntries(runResults.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
    assert.equal(statuses['model.jaffle.customers'], 'success');
    assert.equal(statuses['seed.jaffle.raw_orders'], 'success');
    assert.equal(statuses['test.jaffle.not_null_stg_orders_id.2d4f2a2bd1'] ?? Object.entries(statuses).find(([k]) => k.startsWith('test.jaffle.not_null_stg_orders_id'))?.[1], 'pass');
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    assert.match(manifest.nodes['model.jaffle.customers'].compiled_code, /from "dev"\."main"\."stg_orders"/);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select event from main.run_log order by event desc'), [{ event: 'start' }, { event: 'end 7 pppp' }]);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select customer_id, total from main.customers order by 1'), [{ customer_id: 1, total: 30 }, { customer_id: 2, total: 5 }]);
    // weir run is the same command; weir assets lists the models as assets.
    assert.equal((await weir(['run', '--project-dir', dir])).code, 0);
    const assets = await weir(['assets', '--project', dir, '--json']);
    const keys = JSON.parse(assets.stdout).map((a: { key: string; kinds: string[] }) => `${a.key}:${a.kinds.join('+')}`);
    assert.deepEqual(keys, ['meta/run_log:duckdb+dbt source', 'raw_orders:duckdb+seed', 'stg_orders:duckdb+sql model', 'customers:duckdb+sql model']);
  });

  it('weir dbt verbs: run, seed, test, ls, compile, parse, with --select, --vars, --target, --profiles-dir, --full-refresh', async () => {
    const dir = jaffle();
    assert.equal((await weir(['dbt', 'seed', '--project', dir])).code, 0);
    const run = await weir(['dbt', 'run', '--project', dir, '--vars', '{min_amount: 10}', '--threads', '1', '--full-refresh']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select customer_id, total from main.customers order by 1'), [{ customer_id: 1, total: 30 }]);
    const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    assert.deepEqual(runResults.results.map((r: { unique_id: string }) => r.unique_id).sort(), ['model.jaffle.customers', 'model.jaffle.stg_orders']);
    const test = await weir(['dbt', 'test', '--project', dir]);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /4 tests, 0 failed/);
    assert.match(test.stdout, /source_not_null_meta_run_log_event +meta\/run_log +✔ PASS/);
    const ls = await weir(['dbt', 'ls', '--project', dir, '-s', 'tag:staging', '--output', 'name']);
    // dbt's order: by unique id, so the model first, then its tests by name.
    assert.deepEqual(ls.stdout.trim().split('\n'), ['stg_orders', 'accepted_values_stg_orders_status__paid__open', 'not_null_stg_orders_id', 'unique_stg_orders_id']);
    const compile = await weir(['dbt', 'compile', '--project', dir, '-s', 'customers']);
    assert.equal(compile.code, 0, compile.stderr);
    assert.match(compile.stdout, /^select customer_id, sum\(amount\) as total from "dev"\."main"\."stg_orders" group by 1/);
    assert.equal((await weir(['dbt', 'parse', '--project', dir])).code, 0);
    // Another target, and profiles.yml from another folder.
    const ci = await weir(['dbt', 'build', '--project', dir, '--target', 'ci', '-s', '+customers'], { env: { JAFFLE_CI_DB: join(dir, 'other.duckdb') } });
    assert.equal(ci.code, 0, ci.stdout + ci.stderr);
    assert.deepEqual(await query(join(dir, 'other.duckdb'), 'select count(*) as n from ci.customers'), [{ n: 2 }]);
    const profiles = writeProject(temp.make(), { 'profiles.yml': PROFILES.replace('path: dev.duckdb', 'path: elsewhere.duckdb') });
    assert.equal((await weir(['dbt', 'seed', '--project', dir, '--profiles-dir', profiles])).code, 0);
    assert.ok(existsSync(join(dir, 'elsewhere.duckdb')));
  });

  it('a failing test exits 1, keeps the published table and says where the failing rows are', async () => {
    const dir = jaffle();
    assert.equal((await weir(['build', '--project', dir])).code, 0);
    writeProject(dir, { 'seeds/raw_orders.csv': 'id,customer_id,amount,status\n1,1,10,paid\n1,1,20,lost\n' });
    const result = await weir(['build', '--project', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /unique_stg_orders_id/);
    assert.match(result.stdout, /customers +skipped|skipped/);
    assert.deepEqual(stackLines(result.stderr + result.stdout), []);
    const statuses = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string; status: string }) => `${r.unique_id.split('.').slice(0, 3).join('.')}:${r.status}`);
    assert.ok(statuses.includes('test.jaffle.unique_stg_orders_id:fail'), statuses.join(' '));
    assert.ok(statuses.includes('model.jaffle.customers:skipped'), statuses.join(' '));
    // stg_orders is a view: its last good definition stays, the failing one is kept as a view named __weir_audit.
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select count(*) as n from main.customers'), [{ n: 2 }]);
    // dbt test on the published relations: the old view reads the new seed, so unique fails there too.
    const test = await weir(['dbt', 'test', '--project', dir, '-s', 'stg_orders']);
    assert.equal(test.code, 1);
    assert.match(test.stdout, /unique_stg_orders_id +stg_orders +✘ FAIL +1/);
    // --fail-fast stops at the first failure: nothing after it starts.
    const fast = await weir(['build', '--project', dir, '--fail-fast', '--threads', '1']);
    assert.equal(fast.code, 1);
    assert.match(fast.stdout, /cancel/i);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), "select count(*) as n from duckdb_views() where view_name = 'stg_orders__weir_audit'"), [{ n: 1 }]);
  });

  it('sources: a failing source test skips the models reading the source; weir assets shows the source and its edges', async () => {
    const dir = jaffle();
    writeProject(dir, {
      'models/sources.yml': 'version: 2\nsources:\n  - name: shop\n    schema: landing\n    tables:\n      - name: payments\n        columns:\n          - name: id\n            data_tests: [unique]\n',
      'models/payments.sql': "select * from {{ source('shop', 'payments') }}\n",
    });
    await query(join(dir, 'dev.duckdb'), 'create schema landing; create table landing.payments as select * from (values (1), (2)) t(id)');
    const ok = await weir(['build', '--project', dir]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const assets = JSON.parse((await weir(['assets', '--project', dir, '--json'])).stdout) as Array<{ key: string; type: string; downstream: string[]; checks: string[]; status: string }>;
    const source = assets.find((a) => a.key === 'shop/payments')!;
    assert.deepEqual([source.type, source.downstream, source.checks, source.status], ['external', ['payments'], ['source_unique_shop_payments_id'], 'observed']);
    await query(join(dir, 'dev.duckdb'), 'insert into landing.payments values (2)');
    const failed = await weir(['dbt', 'build', '--project', dir, '-s', 'source:shop+']);
    assert.equal(failed.code, 1);
    assert.deepEqual(stackLines(failed.stderr + failed.stdout), []);
    const statuses = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string; status: string }) => `${r.unique_id.split('.').slice(0, 3).join('.')}:${r.status}`);
    assert.ok(statuses.includes('test.jaffle.source_unique_shop_payments_id:fail'), statuses.join(' '));
    assert.ok(statuses.includes('model.jaffle.payments:skipped'), statuses.join(' '));
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select count(*) as n from main.payments'), [{ n: 2 }]);
  });

  it('errors are one paragraph: an unknown ref with its line and a suggestion, a postgres target "not yet"', async () => {
    const dir = jaffle();
    writeProject(dir, { 'models/revenue.sql': "select *\nfrom {{ ref('customerz') }}\n" });
    const result = await weir(['build', '--project', dir]);
    assert.equal(result.code, 2, 'a project that does not parse exits 2, as dbt does');
    assert.match(result.stderr, /^error models\/revenue\.sql:2:9: ref\('customerz'\) matches no model or seed\. Did you mean 'customers'\?/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    const pg = await weir(['dbt', 'ls', '--project', jaffle(), '--target', 'pg']);
    assert.equal(pg.code, 2);
    assert.match(pg.stderr, /target 'pg' is of type 'postgres', which Weir does not yet support for dbt projects/);
    assert.deepEqual(stackLines(pg.stderr), []);
  });

  it('dbt ls and selection as dbt has them: unique-id order, source:pkg.source.table, several selectors after -s, --resource-type, resource_type:test, test_type:, a term that matches nothing is a warning', async () => {
    const dir = jaffle();
    writeProject(dir, {
      'tests/assert_positive.sql': "select * from {{ ref('customers') }} where total < 0\n",
      'models/staging/stg_customers.sql': "{{ config(materialized='ephemeral') }}\nselect distinct customer_id from {{ ref('stg_orders') }}\n",
      'models/customer_list.sql': "select * from {{ ref('stg_customers') }}\n",
    });
    const lines = async (...args: string[]) => {
      const result = await weir(['dbt', 'ls', '--project', dir, ...args]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim().split('\n').filter(Boolean);
    };
    assert.deepEqual(await lines(), [
      'jaffle.customer_list', 'jaffle.customers', 'jaffle.staging.stg_customers', 'jaffle.staging.stg_orders', 'jaffle.raw_orders',
      'source:jaffle.meta.run_log', 'jaffle.accepted_values_stg_orders_status__paid__open', 'jaffle.assert_positive',
      'jaffle.not_null_stg_orders_id', 'jaffle.source_not_null_meta_run_log_event', 'jaffle.unique_stg_orders_id',
    ]);
    assert.deepEqual(await lines('-s', 'customers', 'raw_orders', '--output', 'name'), ['customers', 'raw_orders', 'assert_positive']);
    assert.deepEqual(await lines('--resource-type', 'model', '--resource-type', 'source', '--output', 'name'), ['customer_list', 'customers', 'stg_customers', 'stg_orders', 'run_log']);
    assert.deepEqual(await lines('-s', 'resource_type:test', '--output', 'name'), ['accepted_values_stg_orders_status__paid__open', 'assert_positive', 'not_null_stg_orders_id', 'source_not_null_meta_run_log_event', 'unique_stg_orders_id']);
    assert.deepEqual(await lines('-s', 'test_type:singular', '--output', 'name'), ['assert_positive']);
    assert.deepEqual(await lines('-s', 'test_type:generic,tag:staging', '--output', 'name'), ['accepted_values_stg_orders_status__paid__open', 'not_null_stg_orders_id', 'unique_stg_orders_id']);
    const none = await weir(['dbt', 'ls', '--project', dir, '-s', 'no_such_model']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /The selection criterion 'no_such_model' does not match any enabled nodes/);
    const build = await weir(['dbt', 'build', '--project', dir, '-s', 'no_such_model']);
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stdout, /Nothing to do/);
    // An ephemeral model is inlined, never run: dbt writes no run result for it.
    const built = await weir(['build', '--project', dir]);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    const ids = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string }) => r.unique_id);
    assert.ok(ids.includes('model.jaffle.customer_list') && !ids.includes('model.jaffle.stg_customers'), ids.join(', '));
  });

  it('weir dbt snapshot builds the snapshots (after what they read) and ls lists them with --resource-type snapshot', async () => {
    const dir = jaffle();
    writeProject(dir, {
      'snapshots/orders_snapshot.sql': "{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('raw_orders') }}\n{% endsnapshot %}\n",
    });
    assert.equal((await weir(['dbt', 'seed', '--project', dir])).code, 0);
    const snapshot = await weir(['dbt', 'snapshot', '--project', dir]);
    assert.equal(snapshot.code, 0, snapshot.stdout + snapshot.stderr);
    assert.match(snapshot.stdout, /orders_snapshot/);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select count(*) as n, count(*) filter (where dbt_valid_to is null) as current from snapshots.orders_snapshot'), [{ n: 3, current: 3 }]);
    const ls = await weir(['dbt', 'ls', '--project', dir, '--resource-type', 'snapshot']);
    assert.deepEqual(ls.stdout.trim().split('\n'), ['jaffle.orders_snapshot']);
    const statuses = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string; status: string }) => `${r.unique_id}:${r.status}`);
    assert.deepEqual(statuses, ['snapshot.jaffle.orders_snapshot:success']);
  });

  it('weir dbt run-operation runs a macro with --args: its queries run on the warehouse, what it returns is printed', async () => {
    const dir = jaffle();
    writeProject(dir, {
      'macros/ops.sql': [
        '{% macro make_log(table, rows=2) %}',
        '  {% do run_query("create or replace table " ~ table ~ " as select * from range(" ~ rows ~ ") t(i)") %}',
        '  {{ return(run_query("select count(*) as n from " ~ table).columns[0].values()[0]) }}',
        '{% endmacro %}',
        '',
      ].join('\n'),
    });
    const result = await weir(['dbt', 'run-operation', 'make_log', '--project', dir, '--args', '{table: ops_log, rows: 5}']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Running macro 'make_log'\n5\n/);
    assert.deepEqual(await query(join(dir, 'dev.duckdb'), 'select count(*) as n from ops_log'), [{ n: 5 }]);
    const unknown = await weir(['dbt', 'run-operation', 'make_lgo', '--project', dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no macro named 'make_lgo' in the project or its packages\. Macros: make_log/);
  });

  it('weir dbt source freshness: pass, warn and error from loaded_at_field against warn_after / error_after, sources.json as dbt writes it, exit 1 on error', async () => {
    const dir = jaffle();
    writeProject(dir, {
      'models/sources.yml': [
        'version: 2', 'sources:', '  - name: erp', '    schema: landing', '    loaded_at_field: loaded_at',
        '    freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1, period: day}}', '    tables:',
        '      - name: fresh', '      - name: late', '      - name: stale',
        '      - name: filtered', "        freshness: {error_after: {count: 1, period: hour}, filter: \"kind = 'a'\"}", '',
      ].join('\n'),
    });
    await query(join(dir, 'dev.duckdb'), [
      'create schema landing',
      "create table landing.fresh as select now()::timestamp - interval 5 minute as loaded_at",
      "create table landing.late as select now()::timestamp - interval 3 hour as loaded_at",
      "create table landing.stale as select now()::timestamp - interval 3 day as loaded_at",
      "create table landing.filtered as select * from (values ('a', now()::timestamp - interval 2 minute), ('b', now()::timestamp - interval 9 day)) t(kind, loaded_at)",
      'select 1',
    ].join(';\n'));
    const result = await weir(['dbt', 'source', 'freshness', '--project', dir]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS +source erp\.fresh/);
    assert.match(result.stdout, /WARN +source erp\.late/);
    assert.match(result.stdout, /ERROR STALE +source erp\.stale/);
    assert.match(result.stdout, /PASS +source erp\.filtered/);
    const sources = JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8'));
    assert.equal(sources.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/sources/v3.json');
    const byId = Object.fromEntries(sources.results.map((r: { unique_id: string }) => [r.unique_id, r]));
    assert.equal(byId['source.jaffle.erp.late'].status, 'warn');
    assert.ok(Math.abs(byId['source.jaffle.erp.late'].max_loaded_at_time_ago_in_s - 3 * 3600) < 120);
    assert.deepEqual(byId['source.jaffle.erp.stale'].criteria.error_after, { count: 1, period: 'day' });
    assert.equal(byId['source.jaffle.erp.filtered'].criteria.filter, "kind = 'a'");
    const only = await weir(['dbt', 'source', 'freshness', '--project', dir, '-s', 'source:erp.fresh']);
    assert.equal(only.code, 0, only.stdout + only.stderr);
    assert.doesNotMatch(only.stdout, /stale/);
  });

  it('weir dbt docs generate writes catalog.json with each built relation\'s columns and types, sources included', async () => {
    const dir = jaffle();
    assert.equal((await weir(['build', '--project', dir])).code, 0);
    const result = await weir(['dbt', 'docs', 'generate', '--project', dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8'));
    assert.equal(catalog.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/catalog/v1.json');
    assert.deepEqual(Object.keys(catalog.nodes).sort(), ['model.jaffle.customers', 'model.jaffle.stg_orders', 'seed.jaffle.raw_orders']);
    const customers = catalog.nodes['model.jaffle.customers'];
    assert.equal(customers.metadata.type, 'BASE TABLE');
    assert.deepEqual(Object.values(customers.columns).map((c: any) => [c.name, c.index]), [['customer_id', 1], ['total', 2]]);
    assert.equal(catalog.nodes['model.jaffle.stg_orders'].metadata.type, 'VIEW');
    assert.match(catalog.nodes['seed.jaffle.raw_orders'].columns.amount.type, /INTEGER/);
    assert.ok(catalog.sources['source.jaffle.meta.run_log'], 'the source the hooks created is in the catalog');
    assert.ok(existsSync(join(dir, 'target/manifest.json')));
  });

  it('state selectors against an earlier run\'s target/: state:modified, state:new, state:modified.configs, result:fail, with graph operators', async () => {
    const dir = jaffle();
    assert.equal((await weir(['build', '--project', dir])).code, 0);
    const state = temp.make('weir-state-');
    for (const file of ['manifest.json', 'run_results.json']) writeProject(state, { [file]: readFileSync(join(dir, 'target', file), 'utf8') });
    const names = async (...args: string[]) => {
      const result = await weir(['dbt', 'ls', '--project', dir, '--state', state, '--output', 'name', ...args]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim().split('\n').filter(Boolean);
    };
    assert.deepEqual(await names('-s', 'state:modified'), []);
    writeProject(dir, {
      'models/staging/stg_orders.sql': "select * from {{ ref('raw_orders') }} where amount >= {{ var('min_amount') }} and id > 0\n",
      'models/big_orders.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('stg_orders') }} where amount > 10\n",
    });
    assert.deepEqual(await names('-s', 'state:new'), ['big_orders']);
    // stg_orders changed (with its tests, selected with it), big_orders is new.
    assert.deepEqual(await names('-s', 'state:modified', '--resource-type', 'model'), ['big_orders', 'stg_orders']);
    assert.deepEqual(await names('-s', 'state:modified.body+', '--resource-type', 'model'), ['big_orders', 'customers', 'stg_orders']);
    assert.deepEqual(await names('-s', 'state:modified.configs'), []);
    const build = await weir(['dbt', 'build', '--project', dir, '--state', state, '-s', 'state:modified', '--exclude', 'state:new']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const built = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.map((r: { unique_id: string }) => r.unique_id);
    assert.ok(built.includes('model.jaffle.stg_orders') && !built.includes('model.jaffle.big_orders') && !built.includes('model.jaffle.customers'), built.join(', '));
    const missing = await weir(['dbt', 'ls', '--project', dir, '-s', 'state:modified']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /needs --state DIR/);
    assert.deepEqual(await names('-s', 'result:fail'), []);
  });
});

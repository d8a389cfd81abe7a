// A dbt project in Weir's graph: relation naming (schema, alias, generate_schema_name overrides, seed +schema),
// model versions, pre-/post-hooks, asset metadata (group, owners, tags, kinds), selection methods dbt users type,
// and a weir.yaml project whose TypeScript assets and SQL models ref each other.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildAssetGraph } from '../../src/graph/index.js';
import { selectAssets } from '../../src/graph/selection.js';
import { loadProject } from '../../src/loaders/index.js';
import { isWeirError } from '../../src/shared/errors.js';
import { PROFILE, num, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

describe('dbt projects in the graph', () => {
  it('names relations as dbt does: +schema, alias, seed +schema and a generate_schema_name override', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: names\nprofile: names\nmodels:\n  names:\n    marts:\n      +schema: analytics\nseeds:\n  names:\n    +schema: raw\n',
      'profiles.yml': PROFILE('names', 'dev_schema'),
      'seeds/people.csv': 'id\n1\n',
      'models/marts/a.sql': "{{ config(materialized='table', alias='alpha') }}\nselect * from {{ ref('people') }}\n",
      'models/b.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('a') }}\n",
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(await built.relationType('dev_schema_raw', 'people'), 'table');
      assert.equal(await built.relationType('dev_schema_analytics', 'alpha'), 'table');
      assert.equal(await built.relationType('dev_schema', 'b'), 'table');
      const a = built.loaded.definitions.assets.find((x) => x.key === 'a')!;
      assert.deepEqual(a.io, { kind: 'table', schema: 'dev_schema_analytics', name: 'alpha' });
      assert.equal(a.group, 'marts');
    });
    // The usual override: a custom schema is used as written, not prefixed.
    writeProject({ 'macros/generate_schema_name.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}\n  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}\n{%- endmacro %}\n' }, dir);
    await withBuild(dir, {}, async (built) => {
      assert.equal(await built.relationType('analytics', 'alpha'), 'table');
      assert.equal(await built.relationType('raw', 'people'), 'table');
    });
  });

  it('model versions are assets name_vN; ref() picks the latest unless v= is given', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: ver\nprofile: ver\nmodels:\n  ver:\n    +materialized: table\n',
      'profiles.yml': PROFILE('ver'),
      'models/dim_v1.sql': 'select 1 as id\n',
      'models/dim_v2.sql': 'select 2 as id\n',
      'models/latest.sql': "select * from {{ ref('dim') }}\n",
      'models/old.sql': "select * from {{ ref('dim', v=1) }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: dim\n    latest_version: 2\n    versions: [{v: 1}, {v: 2}]\n',
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(built.plan.steps.map((s) => s.key).sort(), ['dim_v1', 'dim_v2', 'latest', 'old']);
      assert.equal(num(await built.query('select id as n from main.latest')), 2);
      assert.equal(num(await built.query('select id as n from main.old')), 1);
    });
  });

  it('pre- and post-hooks run around the build with {{ this }}; metadata and dbt selection methods', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: hooks\nprofile: hooks\nmodels:\n  hooks:\n    +post-hook: \"insert into main.audit_log select '{{ this.name }}', 'post', (select count(*) from {{ this }})\"\n",
      'profiles.yml': PROFILE('hooks'),
      'models/orders.sql': "{{ config(materialized='table', tags=['daily'], meta={'owner': 'ada@example.com'}, pre_hook=\"create table if not exists main.audit_log (model varchar, event varchar, n integer)\") }}\nselect 1 as id union all select 2\n",
      'models/staging/stg.sql': "{{ config(materialized='view', pre_hook=\"create table if not exists main.audit_log (model varchar, event varchar, n integer)\") }}\nselect * from {{ ref('orders') }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    description: Every order.\n',
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(await built.query('select model, event, n from main.audit_log order by model'), [{ model: 'orders', event: 'post', n: 2 }, { model: 'stg', event: 'post', n: 2 }]);
      const orders = built.loaded.definitions.assets.find((a) => a.key === 'orders')!;
      assert.deepEqual([orders.description, [...orders.owners], [...orders.tags], [...orders.kinds], orders.origin], ['Every order.', ['ada@example.com'], ['daily'], ['duckdb', 'sql model'], 'sql']);
      const graph = buildAssetGraph(built.loaded.definitions);
      const select = (s: string) => [...selectAssets(graph, { select: s, root: dir })];
      assert.deepEqual(select('config.materialized:view'), ['stg']);
      assert.deepEqual(select('resource_type:model,tag:daily'), ['orders']);
      assert.deepEqual(select('path:models/staging'), ['stg']);
      assert.deepEqual(select('+stg'), ['orders', 'stg']);
    });
  });

  it('a weir.yaml project includes a dbt project: SQL models ref TypeScript assets and TypeScript assets read models', async () => {
    const dir = writeProject({
      'weir.yaml': 'name: mixed\ndbt:\n  project_dir: transform\n',
      'package.json': '{ "type": "module" }\n',
      'definitions/raw.ts': [
        "import { asset } from 'weir';",
        "export const rawOrders = asset({ key: 'raw_orders' }, () => 'select 1 as id, 10 as amount union all select 2, 20');",
        "export const report = asset({ key: 'report', inputs: { totals: 'totals' } }, ({ totals }) => `select total * 2 as doubled from ${totals}`);",
        '',
      ].join('\n'),
      'transform/dbt_project.yml': 'name: transform\nprofile: transform\n',
      'transform/profiles.yml': PROFILE('transform'),
      'transform/models/totals.sql': "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('raw_orders') }}\n",
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', JSON.stringify(built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message)));
      // Without warehouse: in weir.yaml, the dbt target's file is the project's warehouse.
      assert.equal(built.loaded.definitions.project.warehousePath, join(dir, 'transform', 'dev.duckdb'));
      assert.deepEqual(built.plan.steps.map((s) => s.key), ['raw_orders', 'totals', 'report']);
      assert.equal(num(await built.query('select doubled as n from main.report')), 60);
      const origins = Object.fromEntries(built.loaded.definitions.assets.map((a) => [a.key, a.origin]));
      assert.deepEqual(origins, { raw_orders: 'typescript', report: 'typescript', totals: 'sql' });
    });
    // With another warehouse set in weir.yaml, the cross ref is a load error naming both.
    writeProject({ 'weir.yaml': 'name: mixed\nwarehouse: .weir/other.duckdb\ndbt:\n  project_dir: transform\n' }, dir);
    const error = await loadProject(dir).then(() => undefined, (e: unknown) => e);
    assert.ok(isWeirError(error));
    assert.equal(error.code, 'DBT_OTHER_WAREHOUSE');
    assert.match(error.message, /^transform\/models\/totals\.sql: model 'totals' refs TypeScript asset 'raw_orders' \(definitions\/raw\.ts:\d+:\d+\), which lives in another warehouse: the dbt target 'dev' writes to transform\/dev\.duckdb, Weir's assets live in \.weir\/other\.duckdb/);
  });

  it('sources: relations named from yml, source: selects the source and everything downstream', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: src\nprofile: src\nmodels:\n  src:\n    +materialized: table\n',
      'profiles.yml': PROFILE('src'),
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: events\n        identifier: raw_events\n',
      'models/stg_events.sql': "select * from {{ source('raw', 'events') }}\n",
      'models/daily.sql': "select count(*) as n from {{ ref('stg_events') }}\n",
      'models/other.sql': 'select 1 as x\n',
    });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(join(dir, 'dev.duckdb'));
    const connection = await instance.connect();
    await connection.run('create schema landing; create table landing.raw_events as select range as id from range(3)');
    connection.closeSync();
    instance.closeSync();
    await withBuild(dir, { select: ['source:raw+'] }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(built.plan.steps.map((s) => s.key), ['raw/events', 'stg_events', 'daily']);
      assert.equal(num(await built.query('select n from main.daily')), 3);
      const ms = await built.storage.events.materializationsForRun(built.runId);
      assert.match(ms.find((m) => m.assetKey === 'stg_events')!.sql!, /from "dev"\."landing"\."raw_events"/);
    });
  });

  it("weir.yaml's dbt: is validated with the project schema", async () => {
    const dir = writeProject({ 'weir.yaml': 'name: bad\ndbt:\n  projectdir: transform\n' });
    const error = await loadProject(dir).then(() => undefined, (e: unknown) => e);
    assert.ok(isWeirError(error));
    assert.match(error.message, /weir\.yaml:3: unknown key 'projectdir' in dbt\. Did you mean 'project_dir'\?/);
  });

  it('renders Jinja in dbt_project.yml configs (+enabled from a var) and finds packages dbt deps installed, transitive ones too', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: shop\nprofile: shop\nseeds:\n  shop:\n    big:\n      +enabled: "{{ var(\'load_source_data\', false) }}"\nmodels:\n  shop:\n    +materialized: "{{ \'table\' if target.name == \'dev\' else \'view\' }}"\n',
      'profiles.yml': PROFILE('shop'),
      'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.3\n  - git: "https://github.com/dbt-labs/dbt-audit-helper.git"\n    revision: main\n',
      'seeds/big/raw.csv': 'id\n1\n2\n',
      'seeds/small.csv': 'id\n7\n',
      'models/m.sql': "select {{ dbt_utils.answer() }} as a, {{ audit_helper.one() }} as b from {{ ref('small') }}\n",
      // As `dbt deps` lays them out: each package under its project name, its own packages beside it.
      'dbt_packages/dbt_utils/dbt_project.yml': 'name: dbt_utils\n',
      'dbt_packages/dbt_utils/macros/answer.sql': '{% macro answer() %}42{% endmacro %}\n',
      'dbt_packages/audit_helper/dbt_project.yml': 'name: audit_helper\n',
      'dbt_packages/audit_helper/packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0"]\n',
      'dbt_packages/audit_helper/macros/one.sql': '{% macro one() %}{{ dbt_utils.answer() }} - 41{% endmacro %}\n',
    });
    const off = await loadProject(dir);
    assert.deepEqual(off.definitions.assets.map((a) => a.key).sort(), ['m', 'small'], 'seeds/big is disabled unless load_source_data');
    await withBuild(dir, { dbt: { vars: { load_source_data: true } } }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.deepEqual(built.loaded.definitions.assets.map((a) => a.key).sort(), ['m', 'raw', 'small']);
      assert.equal(await built.relationType('main', 'm'), 'table', '+materialized rendered from target.name');
      assert.deepEqual(await built.query('select a, b from main.m'), [{ a: 42, b: 1 }]);
    });
  });
});

// dbt's adapter conformance cases for materializations (BaseSimpleMaterializations, BaseEphemeral, BaseEmpty,
// BaseIncremental), reproduced on Weir's engine: real dbt project files, real DuckDB, no mocks.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE, build, num, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

const BASE_SEED = 'id,name,some_date\n1,Easton,1981-05-20T06:46:51\n2,Lillian,1978-09-03T18:10:33\n3,Jeremiah,1982-03-11T03:59:51\n4,Nolan,1976-05-06T20:21:35\n5,Hannah,1982-06-23T05:41:26\n6,Eleanor,1991-08-10T23:12:21\n7,Lily,1971-03-29T14:58:02\n8,Jonathan,1988-02-26T02:55:24\n9,Adrian,1994-02-09T13:14:23\n10,Nora,1976-03-01T16:51:39\n';
const ADDED_SEED = `${BASE_SEED}11,Mateo,2014-09-07T17:04:27\n12,Julian,2000-02-04T11:48:30\n13,Gabriel,2001-07-10T07:32:52\n14,Isaac,2002-11-24T03:22:28\n15,Levi,2009-11-15T11:57:15\n16,Elizabeth,2005-04-09T03:50:11\n17,Grayson,2019-08-06T19:28:17\n18,Dylan,2014-03-01T11:50:41\n19,Jayden,2009-06-06T07:12:49\n20,Luke,2003-12-05T21:42:18\n`;

function baseProject(extra: Record<string, string> = {}): string {
  return writeProject({
    'dbt_project.yml': "name: base\nprofile: base\nconfig-version: 2\nmodels:\n  base:\n    +materialized: view\n",
    'profiles.yml': PROFILE('base'),
    'seeds/base.csv': BASE_SEED,
    'models/view_model.sql': "select * from {{ ref('base') }}\n",
    'models/table_model.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('base') }}\n",
    'models/swappable.sql': "{{ config(materialized=var('materialized_var', 'table')) }}\nselect * from {{ ref('base') }}\n",
    ...extra,
  });
}

describe('dbt materializations', () => {
  it('base: seed, view, table and a model that swaps table <-> view; relations named as dbt names them', async () => {
    const dir = baseProject();
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      // The warehouse is the profile target's file, relative to the project, as dbt-duckdb resolves it.
      assert.equal(built.loaded.definitions.project.warehousePath, join(dir, 'dev.duckdb'));
      assert.ok(existsSync(join(dir, '.weir', 'metadata.sqlite')));
      assert.equal(await built.relationType('main', 'view_model'), 'view');
      assert.equal(await built.relationType('main', 'table_model'), 'table');
      assert.equal(await built.relationType('main', 'swappable'), 'table');
      for (const name of ['base', 'view_model', 'table_model', 'swappable']) assert.equal(num(await built.query(`select count(*) as n from "dev"."main"."${name}"`)), 10, name);
      // No staging relation is left behind.
      assert.equal(num(await built.query("select count(*) as n from duckdb_tables() where table_name like '%__weir_stage_%'")), 0);
      const seed = built.loaded.definitions.assets.find((a) => a.key === 'base')!;
      assert.deepEqual([seed.origin, [...seed.kinds]], ['sql', ['duckdb', 'seed']]);
      const ms = await built.storage.events.materializationsForRun(built.runId);
      assert.match(ms.find((m) => m.assetKey === 'table_model')!.sql!, /select \* from "dev"\."main"\."base"/);
    });
    // The same model as a view, then back to a table: the relation of the other kind is replaced.
    await withBuild(dir, { dbt: { vars: { materialized_var: 'view' } } }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(await built.relationType('main', 'swappable'), 'view');
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(await built.relationType('main', 'swappable'), 'table');
      assert.equal(num(await built.query('select count(*) as n from main.swappable')), 10);
    });
  });

  it('ephemeral: inlined as a CTE, never a relation, still a node of the graph with its own step', async () => {
    const dir = baseProject({
      'models/ephemeral_model.sql': "{{ config(materialized='ephemeral') }}\nselect id, name from {{ ref('base') }} where id <= 5\n",
      'models/reads_ephemeral.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('ephemeral_model') }}\n",
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(await built.relationType('main', 'ephemeral_model'), undefined);
      assert.equal(num(await built.query('select n from main.reads_ephemeral')), 5);
      const node = built.loaded.definitions.assets.find((a) => a.key === 'ephemeral_model')!;
      assert.equal(node.materialize?.kind, 'ephemeral');
      assert.deepEqual(built.plan.steps.find((s) => s.key === 'reads_ephemeral')!.upstream, ['ephemeral_model']);
      const ms = await built.storage.events.materializationsForRun(built.runId);
      assert.match(ms.find((m) => m.assetKey === 'reads_ephemeral')!.sql!, /with __dbt__cte__ephemeral_model as \(/);
    });
  });

  it('empty project: nothing to build is a successful run', async () => {
    const dir = writeProject({ 'dbt_project.yml': 'name: empty\nprofile: empty\n', 'profiles.yml': PROFILE('empty') });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(built.plan.steps.length, 0);
    });
  });

  it('incremental: first build as a table, then rows from a second seed; --full-refresh rebuilds', async () => {
    const dir = baseProject({
      'seeds/added.csv': ADDED_SEED,
      'models/incremental.sql': [
        "{{ config(materialized='incremental') }}",
        "select * from {{ ref(var('seed_name', 'base')) }}",
        '{% if is_incremental() %}',
        'where id > (select max(id) from {{ this }})',
        '{% endif %}',
        '',
      ].join('\n'),
    });
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(num(await built.query('select count(*) as n from main.incremental')), 10);
    });
    await withBuild(dir, { dbt: { vars: { seed_name: 'added' } } }, async (built) => {
      assert.equal(built.status, 'SUCCESS');
      assert.equal(num(await built.query('select count(*) as n from main.incremental')), 20);
      const m = (await built.storage.events.materializationsForRun(built.runId)).find((x) => x.assetKey === 'incremental')!;
      assert.equal(m.metadata.rows_merged, 10);
      assert.match(m.sql!, /where id > \(select max\(id\) from "dev"\."main"\."incremental"\)/);
    });
    await withBuild(dir, { dbt: { fullRefresh: true } }, async (built) => {
      assert.equal(num(await built.query('select count(*) as n from main.incremental')), 10);
      const m = (await built.storage.events.materializationsForRun(built.runId)).find((x) => x.assetKey === 'incremental')!;
      assert.equal(m.metadata.incremental, 'full');
    });
  });

  it('incremental strategies: merge and delete+insert on unique_key, on_schema_change append_new_columns and fail', async () => {
    const files = (version: number) => ({
      'dbt_project.yml': `name: inc\nprofile: inc\nvars:\n  version: ${version}\n`,
      'profiles.yml': PROFILE('inc'),
      'models/src.sql': "{{ config(materialized='table') }}\n{% if var('version') == 1 %}select 1 as id, 'a' as v union all select 2, 'b'\n{% else %}select 2 as id, 'B' as v, 10 as extra union all select 3, 'c', 30\n{% endif %}\n",
      'models/merged.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', on_schema_change='append_new_columns') }}\nselect * from {{ ref('src') }}\n",
      'models/deleted.sql': "{{ config(materialized='incremental', unique_key=['id'], incremental_strategy='delete+insert') }}\nselect id, v from {{ ref('src') }}\n",
      'models/strict.sql': "{{ config(materialized='incremental', on_schema_change='fail') }}\nselect * from {{ ref('src') }}\n{% if is_incremental() %}where id > 2{% endif %}\n",
    });
    const dir = writeProject(files(1));
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS'));
    writeProject(files(2), dir);
    await withBuild(dir, {}, async (built) => {
      assert.deepEqual(await built.query('select id, v, extra from main.merged order by id'), [{ id: 1, v: 'a', extra: null }, { id: 2, v: 'B', extra: 10 }, { id: 3, v: 'c', extra: 30 }]);
      assert.deepEqual(await built.query('select id, v from main.deleted order by id'), [{ id: 1, v: 'a' }, { id: 2, v: 'B' }, { id: 3, v: 'c' }]);
      // on_schema_change='fail': the step fails with dbt's message and the table keeps its rows.
      const failure = built.events.find((e) => e.type === 'STEP_FAILURE' && e.stepKey === 'strict');
      assert.match(failure!.message, /on_schema_change is 'fail'/);
      assert.match(failure!.message, /models\/strict\.sql/);
      assert.equal(num(await built.query('select count(*) as n from main.strict')), 2);
    });
  });
});

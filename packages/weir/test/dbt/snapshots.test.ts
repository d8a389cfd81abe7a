// dbt snapshots on real DuckDB: type-2 history (dbt_valid_from / dbt_valid_to, dbt_scd_id, dbt_updated_at) built
// over several runs as the source changes, with the timestamp and check strategies, hard deletes, composite keys,
// yml snapshots (dbt 1.9), and write-audit-publish: a failed check leaves the published history as it was.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadProject } from '../../src/loaders/index.js';
import { isWeirError } from '../../src/shared/errors.js';
import { PROFILE, removeProjects, withBuild, writeProject, type Built } from './dbt-helper.js';

after(removeProjects);

const SOURCES = 'version: 2\nsources:\n  - name: erp\n    schema: landing\n    tables:\n      - name: orders\n';

/** Replaces the source table (what another tool would load between two runs). */
async function load(dir: string, rows: string): Promise<void> {
  const instance = await DuckDBInstance.create(join(dir, 'dev.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(`create schema if not exists landing; create or replace table landing.orders as select * from (values ${rows}) t(id, region, status, updated_at)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function project(files: Record<string, string>): string {
  return writeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'profiles.yml': PROFILE('shop'),
    'models/sources.yml': SOURCES,
    ...files,
  });
}

const failures = (built: Built) => built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n');

async function history(built: Built, table: string): Promise<Array<Record<string, unknown>>> {
  return built.query(`select id, status, strftime(dbt_valid_from, '%Y-%m-%d') as valid_from, strftime(dbt_valid_to, '%Y-%m-%d') as valid_to, dbt_scd_id from ${table} order by id, dbt_valid_from`);
}

describe('dbt snapshots', () => {
  it('timestamp strategy: a changed row closes its version where the new one starts; a new row is added; unchanged data adds nothing', async () => {
    const dir = project({
      'snapshots/orders_snapshot.sql': [
        '{% snapshot orders_snapshot %}',
        "{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}",
        "select * from {{ source('erp', 'orders') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
    });
    await load(dir, "(1, 'be', 'open', timestamp '2024-01-01'), (2, 'nl', 'open', timestamp '2024-01-01')");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', failures(built));
      const rows = await history(built, 'snapshots.orders_snapshot');
      assert.deepEqual(rows.map(({ dbt_scd_id, ...r }) => r), [
        { id: 1, status: 'open', valid_from: '2024-01-01', valid_to: null },
        { id: 2, status: 'open', valid_from: '2024-01-01', valid_to: null },
      ]);
      assert.match(String(rows[0]!.dbt_scd_id), /^[0-9a-f]{32}$/);
    });
    await load(dir, "(1, 'be', 'paid', timestamp '2024-02-01'), (2, 'nl', 'open', timestamp '2024-01-01'), (3, 'lu', 'open', timestamp '2024-02-01')");
    for (let run = 0; run < 2; run++) {
      await withBuild(dir, {}, async (built) => {
        assert.equal(built.status, 'SUCCESS', failures(built));
        assert.deepEqual((await history(built, 'snapshots.orders_snapshot')).map(({ dbt_scd_id, ...r }) => r), [
          { id: 1, status: 'open', valid_from: '2024-01-01', valid_to: '2024-02-01' },
          { id: 1, status: 'paid', valid_from: '2024-02-01', valid_to: null },
          { id: 2, status: 'open', valid_from: '2024-01-01', valid_to: null },
          { id: 3, status: 'open', valid_from: '2024-02-01', valid_to: null },
        ], `run ${run + 2}`);
        const [meta] = await built.query("select count(distinct dbt_scd_id)::int as ids, count(*) filter (where dbt_updated_at = dbt_valid_from)::int as same from snapshots.orders_snapshot");
        assert.deepEqual(meta, { ids: 4, same: 4 });
      });
    }
  });

  it('check strategy with hard_deletes: invalidate closes changed and deleted rows at the snapshot time', async () => {
    const dir = project({
      'snapshots/orders_snapshot.sql': [
        '{% snapshot orders_snapshot %}',
        "{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols=['status'], hard_deletes='invalidate') }}",
        "select id, region, status from {{ source('erp', 'orders') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
    });
    await load(dir, "(1, 'be', 'open', null), (2, 'nl', 'open', null), (3, 'lu', 'open', null)");
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS', failures(built)));
    // id 1 changes status, id 2 only its region (not a checked column), id 3 is gone.
    await load(dir, "(1, 'be', 'paid', null), (2, 'de', 'open', null)");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', failures(built));
      const rows = await built.query('select id, status, region, dbt_valid_to is not null as closed from snapshots.orders_snapshot order by id, dbt_valid_from');
      assert.deepEqual(rows, [
        { id: 1, status: 'open', region: 'be', closed: true },
        { id: 1, status: 'paid', region: 'be', closed: false },
        { id: 2, status: 'open', region: 'nl', closed: false },
        { id: 3, status: 'open', region: 'lu', closed: true },
      ]);
      const [times] = await built.query('select count(distinct dbt_valid_to)::int as n from snapshots.orders_snapshot where dbt_valid_to is not null');
      assert.equal(times!.n, 1, 'one snapshot time for every change of the run');
    });
  });

  it('a yml snapshot (dbt 1.9) with a composite key and hard_deletes: new_record, in the target schema by generate_schema_name', async () => {
    const dir = project({
      'models/stg_orders.sql': "select id, region, status from {{ source('erp', 'orders') }}\n",
      'snapshots/snapshots.yml': [
        'snapshots:',
        '  - name: orders_history',
        "    relation: ref('stg_orders')",
        '    config:',
        '      schema: history',
        '      unique_key: [id, region]',
        '      strategy: check',
        '      check_cols: all',
        '      hard_deletes: new_record',
        '',
      ].join('\n'),
    });
    await load(dir, "(1, 'be', 'open', null), (1, 'nl', 'open', null)");
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS', failures(built)));
    await load(dir, "(1, 'be', 'open', null)");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'SUCCESS', failures(built));
      const rows = await built.query('select id, region, dbt_is_deleted, dbt_valid_to is not null as closed from main_history.orders_history order by region, dbt_valid_from');
      assert.deepEqual(rows, [
        { id: 1, region: 'be', dbt_is_deleted: 'False', closed: false },
        { id: 1, region: 'nl', dbt_is_deleted: 'False', closed: true },
        { id: 1, region: 'nl', dbt_is_deleted: 'True', closed: false },
      ]);
    });
  });

  it('a failing test on the snapshot leaves its published history as it was', async () => {
    const dir = project({
      'snapshots/orders_snapshot.sql': [
        '{% snapshot orders_snapshot %}',
        "{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}",
        "select * from {{ source('erp', 'orders') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
      'snapshots/schema.yml': 'snapshots:\n  - name: orders_snapshot\n    columns:\n      - name: status\n        tests:\n          - accepted_values:\n              values: [open, paid]\n',
    });
    await load(dir, "(1, 'be', 'open', timestamp '2024-01-01')");
    await withBuild(dir, {}, async (built) => assert.equal(built.status, 'SUCCESS', failures(built)));
    await load(dir, "(1, 'be', 'bogus', timestamp '2024-03-01')");
    await withBuild(dir, {}, async (built) => {
      assert.equal(built.status, 'FAILURE');
      assert.deepEqual((await history(built, 'snapshots.orders_snapshot')).map(({ dbt_scd_id, ...r }) => r), [
        { id: 1, status: 'open', valid_from: '2024-01-01', valid_to: null },
      ]);
    });
  });

  it('a snapshot without unique_key, or with an unknown strategy, is a load error naming the file and line', async () => {
    for (const [config, expected] of [
      ["strategy='timestamp', updated_at='updated_at'", /snapshots\/s\.sql:2: snapshot 'orders_snapshot' has no unique_key/],
      ["unique_key='id', strategy='custom'", /snapshot 'orders_snapshot' uses strategy 'custom', which Weir does not support/],
      ["unique_key='id', strategy='check'", /strategy='check' without check_cols/],
    ] as const) {
      const dir = project({ 'snapshots/s.sql': `\n{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', ${config}) }}\nselect 1 as id\n{% endsnapshot %}\n` });
      await assert.rejects(loadProject(dir), (error: unknown) => isWeirError(error) && expected.test(error.message));
    }
  });
});

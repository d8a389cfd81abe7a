// `weir validate` parses the SQL of assets and dbt models with DuckDB's parser on an in-memory database: a syntax
// error is reported with the very message a run gives, nothing runs, and the project's warehouse is never opened.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TempDirs, runIdOf, stackLines, weir, weirJson, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const WEIR_YAML = 'name: shop\nwarehouse: .weir/warehouse.duckdb\nmetadata: .weir/metadata.sqlite\n';

function tsProject(revenueSql: string, extra: Record<string, string> = {}): string {
  return writeProject(temp.make('weir-validate-'), {
    'weir.yaml': WEIR_YAML,
    'definitions/shop.ts': [
      "import { asset } from 'weir';",
      "export const orders = asset({ key: 'orders' }, () => `select 1 as id, 'paid' as status, 10.5 as amount`);",
      'export const revenue = asset(',
      "  { key: 'revenue', inputs: { orders } },",
      `  ({ orders }) => \`${revenueSql}\`,`,
      ');',
      '',
    ].join('\n'),
    ...extra,
  });
}

/** The error message of a run's failed step, as the run recorded it. */
async function stepError(dir: string, runId: string, key: string): Promise<string> {
  const r = await weir(['logs', runId, '--json'], { cwd: dir });
  const failure = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepKey: string | null; data: { error?: { message: string } } })
    .find((e) => e.type === 'STEP_FAILURE' && e.stepKey === key);
  assert.ok(failure?.data.error, `a STEP_FAILURE for ${key} in:\n${r.stdout}`);
  return failure.data.error.message;
}

/** The one error validate printed (its message may span lines: the SQL is part of the hint). */
function errorOf(stderr: string): string {
  const m = /^error ([\s\S]*?)\n✘ invalid/m.exec(stderr);
  assert.ok(m, `one error in:\n${stderr}`);
  return m[1]!;
}

describe('weir validate: SQL syntax errors without running anything', () => {
  it('a TypeScript asset: the error a run gives, exit 1, and no warehouse or metadata file created', async () => {
    const dir = tsProject('select status, sum(amount) as total\n    from ${orders}\n    gruop by status');
    const validate = await weir(['validate'], { cwd: dir });
    assert.equal(validate.code, 1, validate.stdout + validate.stderr);
    assert.deepEqual(stackLines(validate.stderr), []);
    assert.match(validate.stderr, /error asset 'revenue': its SQL failed: Parser Error: syntax error at or near "by" \(.*definitions\/shop\.ts:\d+:\d+\)/);
    assert.match(validate.stderr, /1 SQL syntax error \(nothing was run\)/);
    assert.ok(!existsSync(join(dir, '.weir/warehouse.duckdb')), 'validate never creates the warehouse');
    assert.ok(!existsSync(join(dir, '.weir/metadata.sqlite')), 'nor the metadata file');

    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 1);
    const fromRun = await stepError(dir, runIdOf(run.stdout), 'revenue');
    assert.equal(errorOf(validate.stderr), fromRun, 'validate reports exactly what the run reported');
  });

  it('parses without binding: unknown tables and columns are a run-time matter, not a syntax error', async () => {
    const dir = tsProject('select no_such_column from ${orders} join not_a_table using (id)');
    const r = await weir(['validate'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid\s+shop: 2 assets, 0 input files, 0 checks/);
    assert.match(r.stdout, /SQL parsed for 2 assets/);
  });

  it('works while another process holds the warehouse, which it never opens', async () => {
    const dir = tsProject('select * form ${orders}');
    const first = await weir(['run', '-s', 'orders'], { cwd: dir });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    // DuckDB's lock is per process: this test process now holds the file, as a `weir dev` would.
    const holder = await DuckDBInstance.create(join(dir, '.weir/warehouse.duckdb'));
    try {
      const r = await weir(['validate'], { cwd: dir });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /asset 'revenue': its SQL failed: Parser Error: syntax error/);
      assert.doesNotMatch(r.stderr, /lock/i);
    } finally {
      holder.closeSync();
    }
  });

  it('names the assets whose SQL is known only when they run, and does not call async functions', async () => {
    const marker = join(temp.make('weir-validate-marker-'), 'called');
    const dir = tsProject('select * from ${orders}', {
      'definitions/more.ts': [
        "import { writeFileSync } from 'node:fs';",
        "import { asset } from 'weir';",
        `export const later = asset({ key: 'later' }, async () => { writeFileSync(${JSON.stringify(marker)}, 'x'); return 'select 1'; });`,
        "export const asks = asset({ key: 'asks' }, (_inputs, ctx) => { void ctx.query('select 1'); return 'select 1'; });",
        "export const loaded = asset({ key: 'loaded' }, () => ({ sql: 'select 2 as two', metadata: { a: 1 } }));",
        '',
      ].join('\n'),
    });
    const r = await weir(['validate'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SQL parsed for 3 assets; known only when run \(not checked\): /);
    assert.match(r.stdout, /later \(its function is async\)/);
    assert.match(r.stdout, /asks \(its function queries the warehouse\)/);
    assert.ok(!existsSync(marker), 'the async function was never called');
    const json = await weirJson<{ valid: boolean; sql: { parsed: number; notChecked: Array<{ key: string }> }; errors: unknown[] }>(['validate'], { cwd: dir });
    assert.equal(json.valid, true);
    assert.equal(json.sql.parsed, 3);
    assert.deepEqual(json.sql.notChecked.map((n) => n.key).sort(), ['asks', 'later']);
  });

  it('masks secret settings in what it prints, and prints nothing the functions print', async () => {
    const secret = 'tok-validate-5eCr3t-x';
    const dir = writeProject(temp.make('weir-validate-secret-'), {
      'weir.yaml': 'name: secrets\nsettings:\n  token:\n    env: VALIDATE_TOKEN\n    secret: true\n',
      'definitions/api.ts': [
        "import { asset } from 'weir';",
        "export const api = asset({ key: 'api' }, (_inputs, ctx) => {",
        "  console.log('printing', ctx.settings.token);",
        '  return `select * form "${ctx.settings.token}"`;',
        '});',
        '',
      ].join('\n'),
    });
    const r = await weir(['validate'], { cwd: dir, env: { VALIDATE_TOKEN: secret } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(secret), `secret shown:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /printing/);
    assert.match(r.stderr, /The SQL was: select \* form "\*\*\*"/);
  });

  it('a dbt model: compiled as a run compiles it, the same SQL error and compiled file', async () => {
    const dir = writeProject(temp.make('weir-validate-dbt-'), {
      'dbt_project.yml': 'name: jaffle\nprofile: jaffle\n',
      'profiles.yml': 'jaffle:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n',
      'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n',
      'models/orders.sql': "{{ config(materialized='table') }}\nselect id, amount\nfrom {{ ref('raw_orders') }}\n",
      'models/revenue.sql': "select\n  sum(amount) as total\nform {{ ref('orders') }}\n",
    });
    const validate = await weir(['validate'], { cwd: dir });
    assert.equal(validate.code, 1, validate.stdout + validate.stderr);
    assert.ok(!existsSync(join(dir, 'dev.duckdb')), 'the dbt target database is never opened');
    const fromValidate = errorOf(validate.stderr);
    assert.match(fromValidate, /^models\/revenue\.sql: SQL error in model 'revenue' at compiled line 3 \(target\/compiled\/jaffle\/models\/revenue\.sql:3\): Parser Error: syntax error at or near/);
    assert.match(readFileSync(join(dir, 'target/compiled/jaffle/models/revenue.sql'), 'utf8'), /^form "dev"\."main"\."orders"$/m);

    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(fromValidate, await stepError(dir, runIdOf(run.stdout), 'revenue'));
  });
});

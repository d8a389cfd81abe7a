// `weir init` scaffolds a project that validates and runs as it is; compiled definitions are cached between
// commands and recompiled when a definition file changes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDirs, runIdOf, stackLines, weir, weirJson, type RunInfoJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

describe('weir init, then validate and run; the definitions cache', () => {
  let root = '';
  let dir = '';

  before(async () => {
    root = temp.make('weir-init-');
    dir = join(root, 'my-shop');
  });

  it('init creates a project, and refuses to overwrite one', async () => {
    const init = await weir(['init', dir], { cwd: root });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /Created project my-shop in /);
    for (const f of ['weir.yaml', 'definitions/orders.ts', 'data/orders.csv', '.gitignore']) assert.ok(existsSync(join(dir, f)), f);
    const again = await weir(['init', dir], { cwd: root });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /weir\.yaml already exists/);
    assert.deepEqual(stackLines(again.stderr), []);
  });

  it('validate (compiles), run (exit 0), validate again (from cache)', async () => {
    const first = await weir(['validate'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /valid\s+my-shop: 2 assets, 1 input file, 4 checks/);
    assert.doesNotMatch(first.stdout, /from cache/, 'the first load compiles');

    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const info = await weirJson<RunInfoJson>(['run-info', runIdOf(run.stdout)], { cwd: dir });
    assert.equal(info.run.status, 'SUCCESS');
    assert.equal(info.checks.length, 4);
    assert.ok(info.checks.every((c) => c.passed), info.checks.map((c) => c.message).join('\n'));
    assert.ok(info.checks.some((c) => c.checkName === 'total_paid' && c.observed === 410.5), 'total_paid observed 120.5 + 80 + 210');
    assert.equal(readFileSync(join(dir, 'output/revenue_by_customer.csv'), 'utf8'), 'customer,revenue\nalice,120.5\nbob,80.0\ncarol,210.0\n');

    const second = await weir(['validate'], { cwd: dir });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /\(loaded in \d+ ms, from cache\)/);
  });

  it('after a definition file changes, it recompiles and sees the change', async () => {
    const file = join(dir, 'definitions/orders.ts');
    const source = readFileSync(file, 'utf8');
    const edited = source.replace('sum(amount) as revenue', 'sum(amount) as revenue, count(*) as orders');
    assert.notEqual(edited, source, 'the scaffold has the expected query');
    writeFileSync(file, edited);

    const validate = await weir(['validate'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.doesNotMatch(validate.stdout, /from cache/, 'recompiled');

    const run = await weir(['run', '--skip-unchanged'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 unchanged assets reused/, 'orders is reused, revenue_by_customer is not');
    assert.equal(readFileSync(join(dir, 'output/revenue_by_customer.csv'), 'utf8'), 'customer,revenue,orders\nalice,120.5,1\nbob,80.0,1\ncarol,210.0,1\n');

    const cached = await weir(['validate'], { cwd: dir });
    assert.match(cached.stdout, /from cache/, 'the new compilation is cached in turn');
  });
});

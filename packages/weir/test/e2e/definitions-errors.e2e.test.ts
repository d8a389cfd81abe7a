// Mistakes in a project's definitions and weir.yaml, through the real CLI: each is one clear paragraph on stderr
// naming the file and line, a non-zero exit, and never a raw JavaScript stack.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TempDirs, latestRun, stackLines, weir, writeProject, type CliResult } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const YAML = 'name: broken\n';

/** A temporary project from `files` (weir.yaml added unless given). */
function project(files: Record<string, string>): string {
  return writeProject(temp.make('weir-defs-'), { 'weir.yaml': YAML, ...files });
}

/** The CLI failed with one clear message: exit 1, no stack frames, nothing on stdout. */
function assertCleanError(r: CliResult): string {
  assert.equal(r.code, 1, `exit code\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(stackLines(r.stderr), [], `no stack lines:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /looks like a bug in Weir/);
  assert.match(r.stderr, /^error /);
  return r.stderr;
}

describe('definition and configuration errors', { concurrency: true }, () => {
  it('a cycle shows the path and where each asset of it is declared', async () => {
    const dir = project({
      'definitions/cycle.ts': `import { asset } from 'weir';
export const a = asset({ key: 'a', deps: ['c'] }, () => 'select 1 as x');
export const b = asset({ key: 'b', deps: ['a'] }, () => 'select 1 as x');
export const c = asset({ key: 'c', deps: ['b'] }, () => 'select 1 as x');
`,
    });
    const file = join(dir, 'definitions/cycle.ts');
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.match(message, /cycle: a → b → c → a/);
    for (const [key, line] of [['a', 2], ['b', 3], ['c', 4]] as const) assert.ok(message.includes(`${key} (${file}:${line}:`), `${key} at line ${line}: ${message}`);
    // `weir run` refuses the same project with the same message, before any run is recorded.
    const run = await weir(['run', '--project', dir]);
    assert.equal(assertCleanError(run), message);
  });

  it('a duplicate asset key names both declarations', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';\nexport const a = asset({ key: 'orders' }, () => 'select 1 as x');\n`,
      'definitions/b.ts': `import { asset } from 'weir';\n\n\nexport const b = asset({ key: 'orders' }, () => 'select 2 as x');\n`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.match(message, /asset key 'orders' is declared twice/);
    assert.ok(message.includes(`${join(dir, 'definitions/a.ts')}:2:`), message);
    assert.ok(message.includes(`${join(dir, 'definitions/b.ts')}:4:`), message);
  });

  it('an unknown dependency suggests the closest key', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select 1 as x');
export const revenue = asset({ key: 'revenue', deps: ['ordres'] }, () => 'select 1 as x');
`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.ok(message.includes(`${join(dir, 'definitions/a.ts')}:3:`), message);
    assert.match(message, /depends on 'ordres', which matches no asset\. Did you mean 'orders'\?/);
  });

  it('a bad option value names the option and file:line', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select 1 as x');
// @ts-expect-error: a wrong type on purpose
export const revenue = asset({ key: 'revenue', retry: 'x' }, () => 'select 1 as x');
`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.ok(message.includes(`${join(dir, 'definitions/a.ts')}:4:`), message);
    assert.match(message, /asset 'revenue': option 'retry' is invalid/);
  });

  it('an unknown option key names the key and file:line', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';
// @ts-expect-error: a misspelt option on purpose
export const revenue = asset({ key: 'revenue', retries: 3 }, () => 'select 1 as x');
`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.ok(message.includes(`${join(dir, 'definitions/a.ts')}:3:`), message);
    assert.match(message, /unknown option 'retries'/);
    assert.match(message, /Allowed options: key, inputs, deps/);
  });

  it('an unknown option key is called by its name, not "options"', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';\n// @ts-expect-error: on purpose\nexport const revenue = asset({ key: 'revenue', retries: 3 }, () => 'select 1 as x');\n`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.doesNotMatch(message, /option 'options'/);
  });

  it('a TypeScript syntax error gives file:line:col and the line', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';
export const revenue = asset({ key: 'revenue' }, () => 'select 1 as x';
`,
    });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.match(message, new RegExp(`${join(dir, 'definitions/a.ts').replaceAll('.', '\\.')}:2:\\d+: `));
    assert.match(message, /The line reads: export const revenue = asset/);
    assert.match(message, /Expected "\)" but found ";"/);
  });

  it('malformed weir.yaml gives the line', async () => {
    const dir = project({ 'weir.yaml': 'name: broken\nconcurrency: [1\nsettings:\n  a: 1\n' });
    const message = assertCleanError(await weir(['validate', '--project', dir]));
    assert.match(message, new RegExp(`${join(dir, 'weir.yaml').replaceAll('.', '\\.')}:[23]:\\d+: weir.yaml is not valid YAML`));
  });

  it('a folder without weir.yaml hints at weir init', async () => {
    const dir = temp.make('weir-defs-empty-');
    for (const command of [['validate'], ['run'], ['runs']]) {
      const message = assertCleanError(await weir([...command, '--project', dir]));
      assert.ok(message.includes(`no weir.yaml in ${dir}`), message);
      assert.match(message, /Run `weir init .*` to create a project there/);
    }
  });

  it('a user function that throws: run exits 1, logs show a stack in the user\'s .ts file', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset } from 'weir';

function compute(): string {
  throw new Error('boom in user code');
}
export const revenue = asset({ key: 'revenue' }, () => compute());
export const report = asset({ key: 'report', inputs: { revenue } }, ({ revenue }) => \`select * from \${revenue}\`);
`,
    });
    const file = join(dir, 'definitions/a.ts');
    const valid = await weir(['validate', '--project', dir]);
    assert.equal(valid.code, 0, 'the definitions load: the error is at run time');
    const run = await weir(['run', '--project', dir]);
    assert.equal(run.code, 1);
    assert.deepEqual(stackLines(run.stderr), []);
    assert.match(run.stdout, /✘ revenue: boom in user code/);
    const id = (await latestRun(dir)).runId;
    const logs = await weir(['logs', id.slice(0, 8), '--project', dir]);
    assert.equal(logs.code, 0);
    assert.match(logs.stdout, /ERROR revenue\s+STEP_FAILURE\s+revenue failed: boom in user code/);
    const frames = logs.stdout.split('\n').filter((l) => /^\s+at /.test(l));
    assert.ok(frames[0]?.includes(`(${file}:4:`), `first frame in the user's file at line 4:\n${frames.join('\n')}`);
    assert.ok(frames.some((f) => f.includes(`${file}:6:`)), 'the asset function line');
    assert.ok(!frames.some((f) => /\.weir\/|cache|\.mjs|dist\//.test(f) && !f.includes('node_modules')), `no compiled-cache frames:\n${frames.join('\n')}`);
    assert.match(logs.stdout, /report\s+STEP_SKIPPED/);
  });

  it('a good project validates with exit 0', async () => {
    const dir = project({
      'definitions/a.ts': `import { asset, rowCount } from 'weir';\nexport const orders = asset({ key: 'orders', checks: [rowCount({ equals: 1 })] }, () => 'select 1 as x');\n`,
    });
    const r = await weir(['validate', '--project', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /valid\s+broken: 1 asset, 0 input files, 1 check\b/);
  });
});

// The README's commands and code, run as written: `npx weir …` in the checkout and in a project made by `weir init`
// resolves the local Weir with no registry at all (an unreachable registry and an empty npm cache), the tutorial's
// definitions run, and the testing example works against the API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TempDirs } from './cli-helper.js';

const execFileAsync = promisify(execFile);
const temp = new TempDirs();
after(() => temp.cleanup());

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/weir/package.json'), 'utf8')) as { version: string }).version;

/** The `index`-th fenced block of `lang` after `heading` in the README. */
function readmeBlock(heading: string, lang: string, index = 0): string {
  const from = README.indexOf(heading);
  assert.ok(from >= 0, `README has ${heading}`);
  const blocks = [...README.slice(from).matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))];
  assert.ok(blocks[index], `a ${lang} block after ${heading}`);
  return blocks[index]![1]!;
}

let npmEnv: NodeJS.ProcessEnv;

/** Runs a shell command line from the README; never throws, returns the code and output. */
async function sh(command: string, cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('/bin/sh', ['-c', command], { cwd, env: npmEnv, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('the README, as written', () => {
  let projects = '';
  before(() => {
    projects = temp.make('weir-readme-');
    npmEnv = {
      ...process.env, NO_COLOR: '1', NODE_NO_WARNINGS: '1',
      // No registry can answer and the cache is empty: only a local `weir` can run.
      npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: temp.make('weir-npm-cache-'), npm_config_update_notifier: 'false',
    };
    delete npmEnv.NODE_OPTIONS;
    delete npmEnv.WEIR_DEBUG;
  });

  it('`npx weir --version` in the checkout runs this Weir', async () => {
    const r = await sh('npx weir --version', REPO_ROOT);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^${VERSION.replaceAll('.', '\\.')}$`, 'm'));
    assert.match((await sh('npx weir -V', REPO_ROOT)).out, new RegExp(`^${VERSION.replaceAll('.', '\\.')}$`, 'm'));
  });

  it('the tutorial: `npx weir init`, then its definitions and commands in the new project, offline', async () => {
    // From the checkout, as the README's reader is; the project is made elsewhere to show it needs nothing around it.
    const init = readmeBlock('## Tutorial', 'bash').trim();
    assert.equal(init, 'npx weir init my-project && cd my-project');
    const dir = join(projects, 'my-project');
    const made = await sh(`npx weir init ${dir}`, REPO_ROOT);
    assert.equal(made.code, 0, made.out);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies.weir, `file:${join(REPO_ROOT, 'packages/weir')}`);
    assert.ok(existsSync(join(dir, 'node_modules/.bin/weir')));

    // The README's definitions replace the scaffold's: they must load and run against the real API.
    writeFileSync(join(dir, 'definitions/orders.ts'), readmeBlock('## Tutorial', 'ts'));
    const commands = readmeBlock('## Tutorial', 'bash', 1).split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    assert.deepEqual(commands, ['npx weir run', 'npx weir run -s revenue_by_customer', 'npx weir run -s +revenue_by_customer --skip-unchanged']);
    assert.equal((await sh('npx weir validate', dir)).code, 0);
    for (const command of commands) {
      const r = await sh(command, dir);
      assert.equal(r.code, 0, `${command}\n${r.out}`);
      assert.match(r.out, /✔ success/, command);
    }
    // The README's query has no order by: compare the rows as a set.
    const [header, ...rows] = readFileSync(join(dir, 'output/revenue_by_customer.csv'), 'utf8').trim().split('\n');
    assert.equal(header, 'customer,revenue');
    assert.deepEqual(rows.sort(), ['alice,120.5', 'bob,80.0', 'carol,210.0']);
  });

  it('the testing example runs as written', async () => {
    const dir = join(projects, 'my-project');
    assert.ok(existsSync(dir), 'made by the tutorial test');
    const example = readmeBlock('### Testing your assets', 'ts');
    writeFileSync(join(dir, 'materialize-example.ts'), `${example}\nconsole.log('status', result.status);\n`);
    const tsx = join(REPO_ROOT, 'node_modules/tsx/dist/esm/index.mjs');
    const r = await sh(`node --import ${tsx} materialize-example.ts`, dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^status SUCCESS$/m);
  });
});

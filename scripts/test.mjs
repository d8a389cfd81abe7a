// `npm test`: build, type check, layering check, then every test file with Node's test runner.
// Node 20 does not expand globs for --test, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);

function run(label, command, args, options = {}) {
  const started = Date.now();
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stdout.write(`\n${label} failed (exit ${result.status ?? result.signal}) after ${Date.now() - started} ms\n`);
    process.exit(result.status || 1);
  }
}

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

const files = [...testFiles(join(root, 'packages')), ...testFiles(join(root, 'examples'))]
  .map((f) => relative(root, f))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort();
// The browser tests need the built UI and a Chromium.
const needsBrowser = files.some((f) => f.startsWith('packages/ui/test/'));
if (!only.length) {
  run('build', process.execPath, ['packages/weir/scripts/build.mjs']);
  run('type check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/weir/tsconfig.json']);
  run('type check (ui)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/ui/tsconfig.json']);
  run('layers', process.execPath, ['scripts/check-layers.mjs']);
}
if (needsBrowser) {
  run('build (ui)', process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: join(root, 'packages/ui') });
  if (!existsSync('/usr/bin/chromium')) {
    const install = ['apt-get', 'install', '-y', 'chromium'];
    if (process.getuid?.() !== 0) {
      process.stdout.write(`\nThe browser tests need Chromium at /usr/bin/chromium. Install it with:\n  sudo DEBIAN_FRONTEND=noninteractive ${install.join(' ')}\n`);
      process.exit(1);
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // A fresh machine may have no package lists yet: refresh them once if the first attempt fails.
    if (spawnSync(install[0], install.slice(1), { stdio: 'inherit', env }).status !== 0) run('apt-get update', 'apt-get', ['update'], { env });
    if (!existsSync('/usr/bin/chromium')) run('install chromium', install[0], install.slice(1), { env });
  }
}
run(`tests (${files.length} files)`, process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  env: { ...process.env, NODE_NO_WARNINGS: '1', FORCE_COLOR: '0' },
});

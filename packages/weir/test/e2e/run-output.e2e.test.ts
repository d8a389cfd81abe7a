// What `weir run` prints must be true, and printing must never cost the run its record: a closed pipe, a closed
// terminal (SIGHUP), a run that fails before any step, a terminal's last repaint, a CI log, a run handed to `weir dev`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { freePort, runIdOf, spawnWeir, TempDirs, WEIR_BIN, weir, weirJson, writeProject, type RunInfoJson, type RunJson } from './cli-helper.js';

const execFileAsync = promisify(execFile);
const temp = new TempDirs();
after(() => temp.cleanup());

const LONG_WARNING = `prices look odd: ${'x'.repeat(140)} (end of warning)`;
const LONG_ERROR = `the supplier feed is late: ${'y'.repeat(140)} (end of error)`;

/** A project whose assets cover what the output must show: checks on two steps at once, a long message, a slow step. */
function project(): string {
  const dir = temp.make('weir-output-');
  mkdirSync(join(dir, 'definitions'), { recursive: true });
  writeFileSync(join(dir, 'weir.yaml'), 'name: truthful\nsettings:\n  rows:\n    default: 3\n    env: TRUTH_ROWS\n  api_key:\n    env: TRUTH_KEY\n    secret: true\n');
  writeFileSync(join(dir, 'definitions/assets.ts'), `import { asset, check } from 'weir';
export const one = asset({ key: 'one', checks: [check('one_ok', () => ({ passed: true }))] },
  (_inputs, { settings }) => \`select * from range(\${settings.rows}) t(i)\`);
export const other = asset({ key: 'other', checks: [
  check('other_ok', () => ({ passed: true })),
  check('other_odd', () => ({ passed: false, message: ${JSON.stringify(LONG_WARNING)} }), { severity: 'warn' }),
] }, () => 'select 1 as x');
export const slow = asset({ key: 'slow', deps: [one] }, () => 'select count(*) as n from range(30000000) t(i) where hash(i) % 7 = 0');
export const wordy = asset({ key: 'wordy' }, () => { throw new Error(${JSON.stringify(LONG_ERROR)} + '\\nsecond line of the error'); });
export const keyed = asset({ key: 'keyed' }, (_inputs, ctx) => { ctx.log.info(\`calling with \${ctx.settings.api_key}\`); return 'select 1 as x'; });
export const forever = asset({ key: 'forever' }, () => 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0');
`);
  return dir;
}

async function runsOf(dir: string): Promise<RunJson[]> {
  return weirJson<RunJson[]>(['runs', '--project', dir]);
}

function waitForExit(child: ReturnType<typeof spawnWeir>, timeoutMs = 30_000): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`weir did not exit within ${timeoutMs} ms`)); }, timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
}

describe('weir run output', () => {
  it('into a pipe closed after one line (`weir run | head -1`) still finishes the run and records it', async () => {
    const dir = project();
    const child = spawnWeir(['run', '-s', 'one+', '--project', dir]);
    const exited = waitForExit(child);
    // Read the first line, then close our end, as `head -1` does: the next write meets EPIPE.
    await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    const [run] = await runsOf(dir);
    assert.equal(run!.status, 'SUCCESS', 'recorded to its end, not left STARTED');
    const info = await weirJson<RunInfoJson>(['run-info', run!.runId, '--project', dir]);
    assert.deepEqual(info.steps.map((s) => [s.key, s.status]), [['one', 'succeeded'], ['slow', 'succeeded']]);
  });

  it('the same for `weir build | head -1` on a dbt project', async () => {
    const dir = writeProject(temp.make('weir-output-dbt-'), {
      'dbt_project.yml': 'name: piped\nprofile: piped\n',
      'profiles.yml': 'piped:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n',
      'seeds/raw.csv': 'id\n1\n2\n',
      'models/counted.sql': "select count(*) as n from {{ ref('raw') }}, range(20000000) t(i) where hash(i) % 7 = 0\n",
    });
    const child = spawnWeir(['build', '--project', dir]);
    const exited = waitForExit(child);
    await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
    assert.deepEqual(await exited, { code: 0, signal: null });
    const [run] = await runsOf(dir);
    assert.equal(run!.status, 'SUCCESS');
  });

  it('cancels on SIGHUP (a closed terminal) as on Ctrl-C: exits by itself, run CANCELED, step cancelled', async () => {
    const dir = project();
    const child = spawnWeir(['run', '--json', '-s', 'forever', '--project', dir]);
    const exited = waitForExit(child);
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/"type":"STEP_START"/.test(stdout)) resolve();
      });
      void exited.then(() => reject(new Error(`exited before the step started:\n${stdout}`)));
    });
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGHUP');
    const { code, signal } = await exited;
    assert.equal(signal, null, 'not killed by the signal: it handled it');
    assert.notEqual(code, 0);
    const [run] = await runsOf(dir);
    assert.equal(run!.status, 'CANCELED');
    const info = await weirJson<RunInfoJson>(['run-info', run!.runId, '--project', dir]);
    assert.deepEqual(info.steps.map((s) => [s.key, s.status]), [['forever', 'canceled']], 'cancelled, not failed');
  });

  it('prints why a run failed before any step: warehouse locked by another process, or corrupt', async () => {
    const locked = project();
    mkdirSync(join(locked, '.weir'), { recursive: true });
    const holder = await DuckDBInstance.create(join(locked, '.weir/warehouse.duckdb'));
    try {
      const r = await weir(['run', '-s', 'one', '--project', locked]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /✘ .*warehouse\.duckdb: another .*process \(pid \d+\) has the warehouse open[^\n]*\n✘ failure in/);
    } finally {
      holder.closeSync();
    }

    const corrupt = project();
    mkdirSync(join(corrupt, '.weir'), { recursive: true });
    writeFileSync(join(corrupt, '.weir/warehouse.duckdb'), Buffer.alloc(64 * 1024, 7));
    const r = await weir(['run', '-s', 'one', '--project', corrupt]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✘ .*warehouse\.duckdb: the DuckDB warehouse could not be opened: .*not a valid DuckDB database file[^\n]*\n✘ failure in/);
  });

  it('in a pipe or CI log prints each step with its own check lines under it, and cuts nothing', async () => {
    const dir = project();
    const r = await weir(['run', '-s', 'one other wordy', '--concurrency', '2', '--project', dir]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    const ownerOf = (checkName: string) => {
      const at = lines.findIndex((l) => l.includes(`check ${checkName}:`));
      assert.ok(at > 0, `a line for ${checkName} in:\n${r.stdout}`);
      let i = at - 1;
      while (i > 0 && lines[i]!.startsWith('    ')) i--;
      return lines[i]!.trim().split(/\s+/)[1];
    };
    assert.deepEqual(['one_ok', 'other_ok', 'other_odd'].map(ownerOf), ['one', 'other', 'other']);
    assert.ok(r.stdout.includes(LONG_WARNING), 'the long warning is printed whole');
    const wordyLine = lines.findIndex((l) => l.startsWith('✘ wordy'));
    assert.ok(lines[wordyLine]!.includes(LONG_ERROR), `the step's error whole on its line:\n${r.stdout}`);
    assert.match(lines[wordyLine + 1]!, /^\s+second line of the error$/, 'its other lines under it');
    assert.doesNotMatch(r.stdout, /…/);
  });

  it('in a terminal is never repainted after the summary', async () => {
    const dir = project();
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(WEIR_BIN)} run -s one --project ${JSON.stringify(dir)}`;
    // `script` gives the command a pseudo-terminal, as a person's terminal would.
    const { stdout } = await execFileAsync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    const summaryAt = stdout.lastIndexOf('success in');
    assert.ok(summaryAt > 0, stdout);
    assert.ok(/\x1b\[\d+F/.test(stdout.slice(0, summaryAt)), 'the live view was drawn in place before');
    assert.doesNotMatch(stdout.slice(summaryAt), /\x1b\[\d+F|\x1b\[2K/, 'nothing moves the cursor back over the summary');
  });

  it('handed to `weir dev`, runs with the settings of the command, and a missing token says what to set', async () => {
    const dir = project();
    const token = 'a-long-enough-token-for-this-test-0123456789';
    const port = await freePort();
    // TRUTH_ROWS unset for the server: only the command's environment sets it.
    const dev = spawnWeir(['dev', '--project', dir, '--port', String(port)], { env: { WEIR_TOKEN: token, TRUTH_ROWS: undefined } });
    let devOutput = '';
    dev.stdout.on('data', (d: Buffer) => { devOutput += d.toString(); });
    dev.stderr.on('data', (d: Buffer) => { devOutput += d.toString(); });
    const exited = waitForExit(dev);
    try {
      for (let i = 0; i < 150 && !/serving/i.test(devOutput); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(devOutput, /serving/i);

      const refused = await weir(['run', '-s', 'one', '--project', dir], { env: { WEIR_TOKEN: undefined } });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /`weir dev` \(pid \d+\) serves this project at http:\/\/127\.0\.0\.1:\d+ and needs a token.*Set WEIR_TOKEN/s);
      assert.equal((await runsOf(dir)).length, 0, 'nothing was started');

      const handed = await weir(['run', '-s', 'one', '--project', dir], { env: { WEIR_TOKEN: token, TRUTH_ROWS: '7' } });
      assert.equal(handed.code, 0, handed.stderr);
      assert.match(handed.stdout, /through weir dev at/);
      const [run] = await runsOf(dir);
      const info = await weirJson<RunInfoJson>(['run-info', run!.runId, '--project', dir]);
      assert.equal(info.steps.find((s) => s.key === 'one')!.rowCount, 7, "the command's TRUTH_ROWS, not the server's default");

      // The setting applied to that run only: a run from the UI or API gets the server's own settings.
      const response = await fetch(`http://127.0.0.1:${port}/api/runs`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ select: 'one' }),
      });
      const { runId } = (await response.json()) as { runId: string };
      for (let i = 0; i < 100; i++) {
        const runs = await runsOf(dir);
        if (runs.find((x) => x.runId === runId)?.status === 'SUCCESS') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const next = await weirJson<RunInfoJson>(['run-info', runId, '--project', dir]);
      assert.equal(next.steps.find((s) => s.key === 'one')!.rowCount, 3);
      assert.ok(!devOutput.includes(token), 'the token is never printed');

      // A secret setting from the command's environment is masked in that run's events like any secret setting.
      const secret = 'sk-live-from-the-command-4821';
      const keyed = await weir(['run', '-s', 'keyed', '--project', dir], { env: { WEIR_TOKEN: token, TRUTH_KEY: secret } });
      assert.equal(keyed.code, 0, keyed.stderr);
      const logs = await weir(['logs', runIdOf(keyed.stdout), '--json', '--project', dir]);
      assert.match(logs.stdout, /calling with \*\*\*/);
      assert.ok(!logs.stdout.includes(secret) && !keyed.stdout.includes(secret) && !devOutput.includes(secret), 'the secret never shows');
    } finally {
      dev.kill('SIGINT');
      await exited;
    }
  });
});

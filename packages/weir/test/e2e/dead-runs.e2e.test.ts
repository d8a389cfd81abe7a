// Runs whose process dies, and cancels from another process, with the real CLI: `kill -9` of a real `weir run`, then
// the next `weir` command ends the run (FAILURE, the reason on its steps) and the next one that writes to the
// warehouse sweeps its staging table and staged file; `weir cancel` stops a run executing in another process.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { TempDirs, duckQuery, spawnWeir, stackLines, weir, weirJson, writeProject, type RunInfoJson, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

// With WEIR_TEST_SLOW=1 both assets write their staging (table, hidden file), log 'staged', then compute for minutes.
const PROJECT = {
  'weir.yaml': 'name: dead_runs\nconcurrency: 4\n',
  'definitions/assets.ts': `import { writeFileSync } from 'node:fs';
import { asset, rowCount } from 'weir';
const slow = () => process.env.WEIR_TEST_SLOW === '1';
const generation = () => (slow() ? 2 : 1);
const spin = 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0';
export const base = asset({ key: 'base' }, () => 'select * from range(1000) t(i)');
export const staged_table = asset({ key: 'staged_table', inputs: { base }, checks: [rowCount({ min: 1 })] }, async ({ base }, ctx) => {
  await ctx.run(\`create table \${ctx.target} as select i, \${generation()} as generation from \${base}\`);
  if (slow()) { ctx.log.info('staged'); await ctx.query(spin); }
});
export const report = asset({ key: 'report', io: { path: 'output/report.txt', format: 'raw' } }, async (_inputs, ctx) => {
  writeFileSync(ctx.outputPath!, \`generation \${generation()}\`);
  if (slow()) { ctx.log.info('staged'); await ctx.query(spin); }
});
`,
};

interface Started { child: ChildProcessWithoutNullStreams; runId: string; exited: Promise<{ code: number | null; signal: string | null }> }

/** Starts a slow `weir run --json` and resolves once `stagedSteps` steps have logged 'staged'. */
async function startSlowRun(dir: string, args: string[], stagedSteps: number): Promise<Started> {
  const child = spawnWeir(['run', '--json', '--project', dir, ...args], { env: { WEIR_TEST_SLOW: '1' } });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const runId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never staged:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; runId: string; message: string });
      if (events.filter((e) => e.type === 'LOG' && e.message === 'staged').length >= stagedSteps) {
        clearTimeout(timer);
        resolve(events[0]!.runId);
      }
    });
    void exited.then(({ code }) => reject(new Error(`weir exited (${code}) early:\n${stdout}\n${stderr}`)));
  });
  return { child, runId, exited };
}

const stagingTables = async (dir: string) => (await duckQuery(
  `select table_name from duckdb_tables() where database_name = 'w' and contains(table_name, '__weir_stage_') order by 1`, join(dir, '.weir', 'warehouse.duckdb'),
)).map((r) => r.table_name as string);
const stagedFiles = (dir: string) => readdirSync(join(dir, 'output')).filter((name) => name.includes('.weir-stage-'));

describe('dead runs and cancel from anywhere', () => {
  it('kill -9 of weir run: the next weir command ends the run, the next writer sweeps its staging, published data is intact', async () => {
    const dir = writeProject(temp.make('weir-dead-'), PROJECT);
    assert.equal((await weir(['run', '--project', dir])).code, 0);
    const { child, runId, exited } = await startSlowRun(dir, [], 2);
    child.kill('SIGKILL');
    assert.equal((await exited).signal, 'SIGKILL');
    const run8 = runId.replace(/-/g, '').slice(0, 8);
    // What the dead run left behind, so the sweep below is seen to remove something.
    assert.deepEqual(await stagingTables(dir), [`staged_table__weir_stage_${run8}`]);
    assert.deepEqual(stagedFiles(dir), [`.report.txt.weir-stage-${run8}`]);

    // A command that only reads metadata ends it.
    const runs = await weirJson<RunJson[]>(['runs', '--project', dir]);
    assert.deepEqual(runs.map((r) => [r.runId, r.status]).slice(0, 1), [[runId, 'FAILURE']]);
    const info = await weirJson<RunInfoJson>(['run-info', runId.slice(0, 8), '--project', dir]);
    for (const key of ['staged_table', 'report']) {
      const step = info.steps.find((s) => s.key === key)!;
      assert.equal(step.status, 'failed', key);
      assert.match(step.reason ?? '', new RegExp(`^the process running it stopped: pid ${child.pid} on .+, last seen \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$`));
    }
    const text = await weir(['run-info', runId.slice(0, 8), '--project', dir]);
    assert.match(text.stdout, /failure/i);
    assert.deepEqual(stackLines(text.stderr), []);

    // The next process that writes to the warehouse sweeps; the published data is the last good run's.
    const next = await weir(['run', '-s', 'base', '--project', dir]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(await stagingTables(dir), []);
    assert.deepEqual(stagedFiles(dir), []);
    assert.equal(readFileSync(join(dir, 'output', 'report.txt'), 'utf8'), 'generation 1');
    assert.deepEqual(await duckQuery('select count(*)::int as n, max(generation)::int as g from w.staged_table', join(dir, '.weir', 'warehouse.duckdb')), [{ n: 1000, g: 1 }]);
  });

  it('weir cancel from another process stops the running query and the run ends CANCELED; a finished run is refused', async () => {
    const dir = writeProject(temp.make('weir-cancel-elsewhere-'), PROJECT);
    assert.equal((await weir(['run', '--project', dir])).code, 0);
    const { runId, exited } = await startSlowRun(dir, ['-s', 'staged_table'], 1);
    const cancel = await weir(['cancel', runId.slice(0, 8), '--project', dir]);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`Run ${runId.slice(0, 8)} \\S* ?cancelled after \\d+ ?m?s`));
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 1);
    assert.equal((await weirJson<RunJson[]>(['runs', '--project', dir]))[0]!.status, 'CANCELED');
    assert.deepEqual(await stagingTables(dir), [], 'the cancelled run dropped its own staging');
    assert.deepEqual(await duckQuery('select max(generation)::int as g from w.staged_table', join(dir, '.weir', 'warehouse.duckdb')), [{ g: 1 }]);

    const again = await weir(['cancel', runId, '--project', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /has already finished \(CANCELED\); there is nothing to cancel/);
    const unknown = await weir(['cancel', 'ffffffff', '--project', dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no run matches 'ffffffff'/);
    assert.deepEqual(stackLines(again.stderr + unknown.stderr), []);
  });

  it('weir cancel of a run whose process was killed ends it at once as CANCELED', async () => {
    const dir = writeProject(temp.make('weir-cancel-dead-'), PROJECT);
    const { child, runId, exited } = await startSlowRun(dir, ['-s', 'report'], 1);
    child.kill('SIGKILL');
    await exited;
    const cancel = await weirJson<{ runId: string; outcome: string; status: string; reason: string }>(['cancel', runId.slice(0, 8), '--project', dir]);
    assert.equal(cancel.outcome, 'ended');
    assert.equal(cancel.status, 'CANCELED');
    assert.match(cancel.reason, new RegExp(`^the process running it stopped: pid ${child.pid} on `));
    assert.equal((await weirJson<RunJson[]>(['runs', '--project', dir]))[0]!.status, 'CANCELED');
    assert.equal(existsSync(join(dir, 'output', 'report.txt')), false);
  });
});

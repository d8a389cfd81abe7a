// Ctrl-C during `weir run`: the running DuckDB query is interrupted, the process exits non-zero within seconds,
// the run is recorded as CANCELED, and the slow asset's table is never published.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TempDirs, duckQuery, spawnWeir, stackLines, weirJson, writeProject, type RunInfoJson, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

describe('cancelling a run with SIGINT', () => {
  it('stops the slow query, exits non-zero, records CANCELED and publishes nothing of it', async () => {
    const dir = writeProject(temp.make('weir-cancel-'), {
      'weir.yaml': 'name: cancel_me\n',
      'definitions/slow.ts': `import { asset } from 'weir';
export const quick = asset({ key: 'quick' }, () => 'select 42 as answer');
export const slow = asset({ key: 'slow', deps: [quick] }, () => 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0');
export const after = asset({ key: 'after_slow', inputs: { slow } }, ({ slow }) => \`select * from \${slow}\`);
`,
    });
    const child = spawnWeir(['run', '--json', '--project', dir]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

    // Wait for the slow step to start (a JSON event line), then interrupt.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`slow never started:\n${stdout}\n${stderr}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const started = stdout.split('\n').filter(Boolean).some((line) => {
          const event = JSON.parse(line) as { type: string; stepKey?: string };
          return event.type === 'STEP_START' && event.stepKey === 'slow';
        });
        if (started) { clearTimeout(timer); resolve(); }
      });
      void exited.then(({ code }) => reject(new Error(`weir exited (${code}) before slow started:\n${stdout}\n${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 300)); // let the query get going inside DuckDB
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => { child.kill('SIGKILL'); reject(new Error('weir did not exit within 10 s of SIGINT')); }, 10_000)),
    ]);
    const took = Date.now() - interruptedAt;
    assert.equal(signal, null, 'exits by itself, not killed by the signal');
    assert.notEqual(code, 0);
    assert.ok(took < 5_000, `exited ${took} ms after SIGINT`);
    assert.match(stderr, /Cancelling the run/);
    assert.deepEqual(stackLines(stderr), []);

    const runs = await weirJson<RunJson[]>(['runs', '--project', dir]);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'CANCELED');
    const info = await weirJson<RunInfoJson>(['run-info', runs[0]!.runId, '--project', dir]);
    const status = new Map(info.steps.map((s) => [s.key, s.status]));
    assert.equal(status.get('quick'), 'succeeded');
    assert.notEqual(status.get('slow'), 'succeeded');
    assert.notEqual(status.get('after_slow'), 'succeeded');
    assert.deepEqual(info.materializations.map((m) => m.assetKey), ['quick']);

    const tables = await duckQuery(`select table_name from information_schema.tables where table_catalog = 'w' order by table_name`, join(dir, '.weir/warehouse.duckdb'));
    assert.deepEqual(tables.map((t) => t.table_name), ['quick'], 'no slow table, no staging table left behind');
  });
});

// `weir dev` owns the warehouse; while it serves a project, `weir run` on that project goes through it instead of
// failing on DuckDB's file lock, and stopping it cleans up its record.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnWeir, TempDirs, weir, weirJson, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());


describe('weir dev hand-off', () => {
  it('runs `weir run` through the serving process, then removes its record on Ctrl-C', async () => {
    const project = join(temp.make(), 'p');
    assert.equal((await weir(['init', project])).code, 0);
    const port = await freePort();
    const dev = spawnWeir(['dev', '--project', project, '--port', String(port)]);
    let output = '';
    dev.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 100 && !output.includes('serving'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(output, new RegExp(`serving .* at http://127\\.0\\.0\\.1:${port}`));
      assert.ok(existsSync(join(project, '.weir/server.json')));

      const run = await weir(['run', '--project', project]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`through weir dev at http://127\\.0\\.0\\.1:${port}`));
      assert.match(run.stdout, /total_paid/);
      const runs = await weirJson<RunJson[]>(['runs', '--json', '--project', project]);
      assert.equal(runs[0]?.status, 'SUCCESS');
      assert.equal((runs[0] as RunJson & { trigger?: string })?.trigger, 'cli');
    } finally {
      dev.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(project, '.weir/server.json')), false);
    // With the server gone, the same command runs locally again.
    const local = await weir(['run', '--project', project]);
    assert.equal(local.code, 0, local.stderr);
    assert.doesNotMatch(local.stdout, /through weir dev/);
  });
});

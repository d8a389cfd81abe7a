// `weir backfill` through the real CLI: in the foreground (progress per partition, bad input, Ctrl-C cancels the whole
// backfill, `weir backfill cancel` from another terminal), `weir backfills`, and handed to `weir dev`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnWeir, stackLines, TempDirs, weir, weirJson, writeProject, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

interface BackfillsJson {
  backfills: Array<{ backfillId: string; status: string; partitionCount: number; counts: Record<string, number>; request: Record<string, unknown>; parentBackfillId: string | null }>;
}

/** A project with a monthly partitioned asset (2025-01 … 2025-06): `sales` fails 2025-04 while the file `broken` exists; `slow` waits until cancelled. */
function project(): string {
  const dir = temp.make('weir-backfill-');
  return writeProject(dir, {
    'weir.yaml': 'name: backfills\n',
    'definitions/sales.ts': `import { asset, timePartitions } from 'weir';
import { existsSync } from 'node:fs';
const months = timePartitions({ unit: 'month', start: '2025-01', end: '2025-07' });
export const sales = asset({ key: 'sales', partitions: months }, (_inputs, ctx) => {
  if (ctx.partition?.key === '2025-04' && existsSync(${JSON.stringify(dir)} + '/broken')) throw new Error('no export for 2025-04');
  return 'select 1 as x';
});
export const slow = asset({ key: 'slow', partitions: months }, (_inputs, ctx) => new Promise((_, reject) => {
  ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
}));
export const report = asset({ key: 'report' }, () => 'select 2 as y');
`,
  });
}

/** Collects a child's output and resolves once `pattern` appears in stdout. */
function follow(child: ChildProcessWithoutNullStreams) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => { out.stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out.stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const started = Date.now();
    while (!pattern.test(out.stdout)) {
      if (Date.now() - started > timeoutMs) throw new Error(`no ${pattern} in:\n${out.stdout}\n${out.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return pattern.exec(out.stdout)!;
  };
  return { out, exited, waitFor };
}

describe('weir backfill', () => {
  it('runs a range in the foreground with progress per partition, and lists it', async () => {
    const dir = project();
    const result = await weir(['backfill', '-s', 'sales report', '--from', '2025-02', '--to', '2025-05', '--concurrency', '2', '--project', dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Backfill [0-9a-f-]{36} · sales · 4 partitions · 2 at once/);
    assert.match(result.stdout, /not in the backfill \(no partitions\): report/);
    for (const key of ['2025-02', '2025-03', '2025-04', '2025-05']) assert.match(result.stdout, new RegExp(`✔ ${key}`));
    assert.doesNotMatch(result.stdout, /2025-01|2025-06/);
    assert.match(result.stdout, /completed: 4 succeeded, 0 failed, 0 cancelled, 0 not started/);

    const listed = await weirJson<BackfillsJson>(['backfills', '--project', dir]);
    assert.equal(listed.backfills.length, 1);
    assert.equal(listed.backfills[0]!.status, 'COMPLETED');
    assert.deepEqual(listed.backfills[0]!.request, { from: '2025-02', to: '2025-05' });
    const runs = await weirJson<Array<RunJson & { tags: Record<string, string>; trigger: string }>>(['runs', '--project', dir]);
    assert.deepEqual(runs.map((r) => r.tags['weir/partition']).sort(), ['2025-02', '2025-03', '2025-04', '2025-05']);
    assert.ok(runs.every((r) => r.trigger === 'backfill' && r.tags['weir/backfill'] === listed.backfills[0]!.backfillId));
    const table = await weir(['backfills', '--project', dir]);
    assert.match(table.stdout, /COMPLETED\s+sales\s+2025-02 … 2025-05\s+4\s+4\s+0\s+0\s+0/);

    // --missing: only the partitions never materialized (01 and 06), then nothing is left.
    const missing = await weir(['backfill', '-s', 'sales', '--missing', '--project', dir]);
    assert.equal(missing.code, 0, missing.stdout + missing.stderr);
    assert.match(missing.stdout, /sales · 2 partitions/);
    assert.match(missing.stdout, /✔ 2025-01/);
    assert.match(missing.stdout, /✔ 2025-06/);
    const none = await weir(['backfill', '-s', 'sales', '--missing', '--project', dir]);
    assert.match(none.stdout, /sales · 0 partitions/);
    assert.match(none.stdout, /completed: 0 succeeded/);
  });

  it('a failed partition fails the backfill; `weir backfill retry-failed` re-runs just that one, linked', async () => {
    const dir = project();
    writeFileSync(join(dir, 'broken'), '');
    const first = await weir(['backfill', '-s', 'sales', '--from', '2025-03', '--to', '2025-05', '--project', dir]);
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /✘ 2025-04  failed · .*weir logs [0-9a-f]{8}/);
    assert.match(first.stdout, /failed: 2 succeeded, 1 failed, 0 cancelled, 0 not started/);
    const id = /Backfill ([0-9a-f-]{36})/.exec(first.stdout)![1]!;
    assert.match(first.stdout, new RegExp(`Re-run the failed partitions: weir backfill retry-failed ${id.slice(0, 8)}`));
    rmSync(join(dir, 'broken'));
    const retry = await weir(['backfill', 'retry-failed', id.slice(0, 8), '--project', dir]);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.match(retry.stdout, /sales · 1 partition · /);
    assert.match(retry.stdout, /✔ 2025-04/);
    const listed = await weirJson<BackfillsJson>(['backfills', '--project', dir]);
    assert.deepEqual(listed.backfills.map((b) => [b.status, b.parentBackfillId]), [['COMPLETED', id], ['FAILED', null]]);
    const retryId = /Backfill ([0-9a-f-]{36})/.exec(retry.stdout)![1]!;
    const again = await weir(['backfill', 'retry-failed', retryId, '--project', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /has no failed or cancelled partition to re-run/);
  });

  it('refuses bad input with a clear message and no stack', async () => {
    const dir = project();
    const outside = await weir(['backfill', '-s', 'sales', '--from', '2030-01', '--to', '2030-02', '--project', dir]);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /partition '2030-01' is not one of sales's partitions \(valid: .*2025-01 … 2025-06, 6 partitions\)/);
    const none = await weir(['backfill', '-s', 'sales', '--project', dir]);
    assert.match(none.stderr, /needs to know which partitions: --from KEY --to KEY, --missing, --failed or --all/);
    const unpartitioned = await weir(['backfill', '-s', 'report', '--all', '--project', dir]);
    assert.match(unpartitioned.stderr, /the selection has no partitioned asset \(selected: report\)/);
    for (const r of [outside, none, unpartitioned]) assert.deepEqual(stackLines(r.stderr), []);
    assert.deepEqual((await weirJson<BackfillsJson>(['backfills', '--project', dir])).backfills, []);
  });

  it('Ctrl-C cancels the whole backfill: running partitions are cancelled, nothing new starts, the state is recorded', async () => {
    const dir = project();
    const child = spawnWeir(['backfill', '-s', 'slow', '--all', '--concurrency', '2', '--project', dir]);
    const b = follow(child);
    await b.waitFor(/0 done · 2 running · 0 failed · 4 queued/);
    child.kill('SIGINT');
    const code = await b.exited;
    assert.equal(code, 1, b.out.stdout + b.out.stderr);
    assert.match(b.out.stderr, /Cancelling the backfill: nothing new starts/);
    assert.match(b.out.stdout, /cancelled: 0 succeeded, 0 failed, 2 cancelled, 4 not started/);
    assert.deepEqual(stackLines(b.out.stderr), []);
    const listed = await weirJson<BackfillsJson>(['backfills', '--project', dir]);
    assert.equal(listed.backfills[0]!.status, 'CANCELED');
    assert.deepEqual(listed.backfills[0]!.counts, { RUNNING: 0, SUCCESS: 0, FAILURE: 0, CANCELED: 2, QUEUED: 4 });
    const runs = await weirJson<RunJson[]>(['runs', '--project', dir]);
    assert.deepEqual(runs.map((r) => r.status), ['CANCELED', 'CANCELED'], 'two runs, both cancelled; none started after');
  });

  it('`weir backfill cancel` from another terminal stops a foreground backfill', async () => {
    const dir = project();
    const child = spawnWeir(['backfill', '-s', 'slow', '--all', '--concurrency', '1', '--project', dir]);
    const b = follow(child);
    try {
      const id = (await b.waitFor(/Backfill ([0-9a-f-]{36})/))[1]!;
      await b.waitFor(/1 running/);
      const cancel = await weir(['backfill', 'cancel', id.slice(0, 8), '--project', dir]);
      assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
      assert.match(cancel.stdout, new RegExp(`Backfill ${id.slice(0, 8)} cancelled: 0 succeeded, 0 failed, 1 cancelled, 5 not started`));
      assert.equal(await b.exited, 1);
      assert.equal((await weirJson<RunJson[]>(['runs', '--project', dir])).length, 1, 'nothing started after the cancel');
      const again = await weir(['backfill', 'cancel', id, '--project', dir]);
      assert.match(again.stderr, /has already ended \(CANCELED\)/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is handed to `weir dev` when it serves the project, and followed to the end', async () => {
    const dir = project();
    const port = await freePort();
    const dev = spawnWeir(['dev', '--project', dir, '--port', String(port)]);
    const d = follow(dev);
    try {
      await d.waitFor(/serving .* at http/);
      const result = await weir(['backfill', '-s', 'sales', '--all', '--project', dir]);
      assert.equal(result.code, 0, result.stdout + result.stderr + d.out.stdout + d.out.stderr);
      assert.match(result.stdout, new RegExp(`through the serving process at http://127\\.0\\.0\\.1:${port}`));
      assert.match(result.stdout, /completed: 6 succeeded, 0 failed, 0 cancelled, 0 not started/);
    } finally {
      dev.kill('SIGINT');
      await d.exited;
    }
    const listed = await weirJson<BackfillsJson>(['backfills', '--project', dir]);
    assert.equal(listed.backfills[0]!.status, 'COMPLETED');
  });
});

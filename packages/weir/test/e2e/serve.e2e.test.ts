// `weir serve`: the unattended mode. It serves, takes `weir run`'s work, logs one JSON object per line, and on SIGTERM
// lets a run in flight finish within the grace period, or cancels it (recorded CANCELED) when the grace is over; exit 0.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { duckQuery, spawnWeir, stackLines, TempDirs, weir, weirJson, writeProject, type RunJson } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

interface LogLine { time: string; level: string; message: string; fields?: Record<string, unknown> }

/** A started `weir serve`, its parsed JSON log lines and its URL (it picked a free port: --port 0). */
interface Served {
  child: ChildProcessWithoutNullStreams;
  lines: LogLine[];
  stderr: () => string;
  url: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

async function startServe(dir: string, extra: string[] = []): Promise<Served> {
  const child = spawnWeir(['serve', '--project', dir, '--port', '0', '--log-format', 'json', ...extra]);
  const lines: LogLine[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.split('\n');
    stdout = complete.pop()!;
    // Every line must be one JSON object: JSON.parse throws (and fails the test) on anything else.
    for (const line of complete) if (line) lines.push(JSON.parse(line) as LogLine);
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 30_000;
  while (!lines.some((l) => l.message.startsWith('serving '))) {
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`weir serve did not start:\n${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = lines.find((l) => l.message.startsWith('serving '))!.fields!.url as string;
  return { child, lines, stderr: () => stderr, url, exited };
}

/** POST /api/runs to the serving process (as the UI does); resolves with the new run's id. */
async function launch(url: string): Promise<string> {
  const response = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trigger: 'ui' }) });
  assert.equal(response.status, 202, await response.clone().text());
  return ((await response.json()) as { runId: string }).runId;
}

/** Waits until the run's step has started (its status is STARTED), by the serving process's API. */
async function untilStarted(url: string, runId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const body = (await (await fetch(`${url}/api/runs/${runId}`)).json()) as { run: { status: string } };
    if (body.run.status === 'STARTED') return;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not start (status ${body.run.status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopAndWait(served: Served, withinMs: number): Promise<{ code: number | null; signal: string | null; tookMs: number }> {
  const sentAt = Date.now();
  served.child.kill('SIGTERM');
  const result = await Promise.race([
    served.exited,
    new Promise<never>((_, reject) => setTimeout(() => { served.child.kill('SIGKILL'); reject(new Error(`weir serve did not exit within ${withinMs} ms of SIGTERM:\n${served.stderr()}`)); }, withinMs)),
  ]);
  return { ...result, tookMs: Date.now() - sentAt };
}

describe('weir serve', () => {
  it('serves, takes runs, and on SIGTERM lets the run in flight finish within the grace period, then exits 0', async () => {
    const dir = writeProject(temp.make('weir-serve-'), {
      'weir.yaml': 'name: serve_finish\n',
      // Two seconds of work outside DuckDB: still running when SIGTERM comes, done well within the grace.
      'definitions/nap.ts': `import { asset } from 'weir';
export const nap = asset({ key: 'nap' }, async () => { await new Promise((r) => setTimeout(r, 2000)); return 'select 1 as x'; });
`,
    });
    const served = await startServe(dir, ['--grace', '20s']);
    assert.ok(existsSync(join(dir, '.weir/server.json')), 'recorded as the serving process');
    // `weir run` hands its work to the serving process, as it does to `weir dev`.
    const handed = await weir(['run', '--project', dir]);
    assert.equal(handed.code, 0, handed.stderr);
    assert.match(handed.stdout, new RegExp(`through weir serve at ${served.url.replaceAll('.', '\\.')}`));
    const runId = await launch(served.url);
    await untilStarted(served.url, runId);
    const { code, signal } = await stopAndWait(served, 25_000);
    assert.equal(signal, null);
    assert.equal(code, 0, served.stderr());
    assert.deepEqual(stackLines(served.stderr()), []);

    const runs = await weirJson<RunJson[]>(['runs', '--project', dir]);
    assert.deepEqual(runs.map((r) => [r.runId, r.status]), [[runId, 'SUCCESS'], [runs[1]!.runId, 'SUCCESS']]);
    assert.equal(existsSync(join(dir, '.weir/server.json')), false, 'its record is removed');
    const messages = served.lines.map((l) => l.message);
    assert.ok(messages.some((m) => /^SIGTERM: stopping; 1 run in flight may finish within 20 s$/.test(m)), messages.join('\n'));
    assert.ok(messages.includes(`run ${runId.slice(0, 8)} ended SUCCESS`), messages.join('\n'));
    assert.equal(messages.at(-1), 'stopped');
    assert.deepEqual(served.lines.at(-1)!.fields, { finished: [runId], canceled: [] });
    for (const line of served.lines) {
      assert.ok(!Number.isNaN(Date.parse(line.time)), `time is ISO: ${line.time}`);
      assert.ok(['debug', 'info', 'warn', 'error'].includes(line.level), line.level);
    }
  });

  it('cancels a run still going when the grace period ends: recorded CANCELED, its table unpublished, exit 0', async () => {
    const dir = writeProject(temp.make('weir-serve-'), {
      'weir.yaml': 'name: serve_cancel\n',
      'definitions/slow.ts': `import { asset } from 'weir';
export const slow = asset({ key: 'slow' }, () => 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0');
`,
    });
    const served = await startServe(dir, ['--grace', '500ms']);
    const runId = await launch(served.url);
    await untilStarted(served.url, runId);
    const { code, tookMs } = await stopAndWait(served, 15_000);
    assert.equal(code, 0, served.stderr());
    assert.ok(tookMs >= 500, `waited the grace period (${tookMs} ms)`);

    const runs = await weirJson<RunJson[]>(['runs', '--project', dir]);
    assert.deepEqual(runs.map((r) => [r.runId, r.status]), [[runId, 'CANCELED']]);
    const warn = served.lines.find((l) => l.level === 'warn' && l.message.startsWith('grace period over'));
    assert.deepEqual(warn?.fields, { runIds: [runId] });
    assert.deepEqual(served.lines.at(-1)!.fields, { finished: [], canceled: [runId] });
    const published = await duckQuery("select count(*)::int as n from information_schema.tables where table_name = 'slow'", join(dir, '.weir/warehouse.duckdb'));
    assert.deepEqual(published, [{ n: 0 }]);
  });

  it('refuses a project whose definitions do not load, with the error and a non-zero exit (no half-served process)', async () => {
    const dir = writeProject(temp.make('weir-serve-'), {
      'weir.yaml': 'name: serve_broken\n',
      'definitions/bad.ts': "import { asset } from 'weir';\nexport const a = asset({ key: 'a' }, () => 'select 1' x);\n",
    });
    const child = spawnWeir(['serve', '--project', dir, '--port', '0']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(stderr, /definitions\/bad\.ts:2/);
    assert.deepEqual(stackLines(stderr), []);
  });
});

// Declarative automation in `weir serve`: the process that serves also runs the automation loops, so an eager asset
// is materialized by itself (trigger automation, tag weir/automation) once its upstream has new data, and only once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnWeir, TempDirs, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

interface ApiRun { runId: string; status: string; trigger: string; stepKeys: string[]; tags: Record<string, string> }

async function runs(url: string, query: string): Promise<ApiRun[]> {
  return ((await (await fetch(`${url}/api/runs?${query}`)).json()) as { runs: ApiRun[] }).runs;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('declarative automation in weir serve', () => {
  it('an eager asset is materialized by itself after its upstream, once for that data', async () => {
    const dir = writeProject(temp.make('weir-eager-serve-'), {
      'weir.yaml': 'name: eager_serve\n',
      'definitions/shop.ts': `import { asset } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select * from range(3) t(id)');
export const revenue = asset({ key: 'revenue', inputs: { orders }, automation: 'eager', freshness: { maxLag: '1h' } }, ({ orders }) => \`select count(*) as n from \${orders}\`);
`,
    });
    const child: ChildProcessWithoutNullStreams = spawnWeir(['serve', '--project', dir, '--port', '0', '--log-format', 'json']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const lines = () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message: string; fields?: Record<string, unknown> });
      const url = await until('weir serve to listen', async () => lines().find((l) => l.message.startsWith('serving '))?.fields?.url as string | undefined);

      const response = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select: 'orders', trigger: 'ui' }) });
      assert.equal(response.status, 202, await response.clone().text());

      const automated = await until('an automation run of revenue', async () => {
        const found = (await runs(url, 'trigger=automation')).find((r) => r.status === 'SUCCESS');
        return found;
      });
      assert.deepEqual([automated.stepKeys, automated.tags['weir/automation']], [['revenue'], 'eager']);
      assert.ok(lines().some((l) => /^launched revenue: new data in orders/.test(l.message)), 'the loop logs what it launched and why');

      // Several more passes (2 s apart) and no second run for the same orders data.
      await new Promise((r) => setTimeout(r, 5_000));
      assert.equal((await runs(url, 'trigger=automation')).length, 1);
      const asset = (await (await fetch(`${url}/api/assets/revenue`)).json()) as { asset: { freshness: { status: string }; automation: { kind: string } } };
      assert.deepEqual([asset.asset.freshness.status, asset.asset.automation.kind], ['fresh', 'eager']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

// Every reader of a run's events says the same thing about one real run: the server's summary (GET /api/runs/:id
// from a real `weir dev`), the UI's live reducer applying that run's events one at a time, the CLI (`weir run-info`,
// JSON and text) and dbt's run_results.json. The run, recorded by the real CLI on a dbt project, has a reuse, a
// success with a warning, a failure, a skip and a cancel.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEventRecord, EventPage, RunDetail } from '../../api/types.ts';
import { freePort, spawnWeir, TempDirs, weir, weirJson, writeProject, type RunInfoJson } from '../../../../weir/test/e2e/cli-helper.ts';
import { applyRunEvents } from './apply-run-events.ts';

const temp = new TempDirs();
after(() => temp.cleanup());

/** With AGREE_BROKEN=yes, `bad` fails, `after_bad` is skipped and `slow` runs until cancelled; `good` warns either way. */
function project(): string {
  return writeProject(temp.make('weir-agree-'), {
    'dbt_project.yml': 'name: agree\nprofile: agree\nmodels:\n  agree:\n    +materialized: table\n',
    'profiles.yml': 'agree:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      threads: 2\n',
    'seeds/raw_orders.csv': 'id,status\n1,paid\n2,open\n',
    'models/stg_orders.sql': "select * from {{ ref('raw_orders') }}\n",
    'models/good.sql': "select *, {{ env_var('AGREE_BROKEN', 'no') == 'yes' }} as flag from {{ ref('stg_orders') }}\n",
    'models/bad.sql': "{% if env_var('AGREE_BROKEN', 'no') == 'yes' %}select nope from {{ ref('stg_orders') }}{% else %}select 1 as x{% endif %}\n",
    'models/after_bad.sql': "select * from {{ ref('bad') }}\n",
    'models/slow.sql': "select count(*) as n from {{ ref('stg_orders') }}, range({{ 30000000000 if env_var('AGREE_BROKEN', 'no') == 'yes' else 10 }}) t(i) where hash(i) % 7 = 0\n",
    'models/schema.yml': [
      'version: 2', 'models:', '  - name: good', '    columns:', '      - name: id', '        tests: [unique]', '      - name: status', '        tests:',
      '          - accepted_values:', "              values: ['paid']", '              config:', '                severity: warn', '',
    ].join('\n'),
  });
}

/** Runs the broken build, waits until every step but `slow` has ended, then cancels it with Ctrl-C. */
async function recordRun(dir: string): Promise<string> {
  const child = spawnWeir(['build', '--project', dir, '--skip-unchanged', '--json'], { env: { AGREE_BROKEN: 'yes' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let runId = '';
  await new Promise<void>((resolve, reject) => {
    const ended = new Set<string>();
    let isSlowRunning = false;
    const timer = setTimeout(() => reject(new Error(`the run never got to its cancel point:\n${stdout}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n').slice(0, -1)) {
        const event = JSON.parse(line) as ApiEventRecord;
        runId = event.runId;
        if (event.stepKey && ['STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED'].includes(event.type)) ended.add(event.stepKey);
        if (event.type === 'STEP_START' && event.stepKey === 'slow') isSlowRunning = true;
      }
      if (isSlowRunning && ['raw_orders', 'stg_orders', 'good', 'bad', 'after_bad'].every((k) => ended.has(k))) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`weir exited (${code}) early:\n${stdout}`)));
  });
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  assert.equal(await exited, 1);
  return runId;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return (await response.json()) as T;
}

describe('readers of one run', () => {
  it('the server, the UI reducer, the CLI and run_results.json agree on every step', async () => {
    const dir = project();
    // A first build of the seed and the staging model only: those two are reused by the next, the rest run.
    assert.equal((await weir(['build', '--project', dir, '-s', 'raw_orders stg_orders'])).code, 0);
    const runId = await recordRun(dir);

    const expected = { raw_orders: 'reused', stg_orders: 'reused', good: 'succeeded', bad: 'failed', after_bad: 'skipped', slow: 'canceled' };

    // The CLI: run-info as JSON and as text.
    const info = await weirJson<RunInfoJson>(['run-info', runId, '--project', dir]);
    assert.equal(info.run.status, 'CANCELED');
    assert.deepEqual(Object.fromEntries(info.steps.map((s) => [s.key, s.status])), expected);
    const text = (await weir(['run-info', runId, '--project', dir])).stdout;
    assert.match(text, /■ cancelled/);
    assert.match(text, /^\s*slow\s+■ cancelled/m);

    // dbt's run_results.json.
    const results = (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> }).results;
    const byNode = Object.fromEntries(results.map((r) => [r.unique_id.split('.')[2]!, r.status]));
    assert.deepEqual(
      { raw_orders: byNode.raw_orders, stg_orders: byNode.stg_orders, good: byNode.good, bad: byNode.bad, after_bad: byNode.after_bad, slow: byNode.slow },
      { raw_orders: 'skipped', stg_orders: 'skipped', good: 'success', bad: 'error', after_bad: 'skipped', slow: 'error' },
    );
    assert.equal(byNode.accepted_values_good_status__paid, 'warn');
    assert.equal(byNode.unique_good_id, 'pass');

    // The server (a real `weir dev`), and the UI's reducer on the same run's events, one event at a time.
    const port = await freePort();
    const dev = spawnWeir(['dev', '--project', dir, '--port', String(port)]);
    let output = '';
    dev.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    const devExited = new Promise((resolve) => dev.on('exit', resolve));
    try {
      for (let i = 0; i < 150 && !/serving/i.test(output); i++) await new Promise((r) => setTimeout(r, 100));
      const base = `http://127.0.0.1:${port}`;
      const server = await get<RunDetail>(`${base}/api/runs/${runId}`);
      assert.deepEqual(Object.fromEntries(server.steps.map((s) => [s.key, s.status])), expected);
      assert.deepEqual(server.steps, info.steps, 'the CLI and the API give the same steps, field for field');
      const good = server.steps.find((s) => s.key === 'good')!;
      assert.deepEqual(good.checks, { passed: 1, warned: 1, failed: 0, couldNotRun: 0 });
      assert.equal(server.checks.find((c) => c.checkName === 'accepted_values_good_status__paid')!.outcome, 'warned');

      const events: ApiEventRecord[] = [];
      for (let afterId = 0; ;) {
        const page = await get<EventPage>(`${base}/api/runs/${runId}/events?afterId=${afterId}&limit=500`);
        events.push(...page.events);
        afterId = page.nextAfterId;
        if (!page.hasMore) break;
      }
      const empty: RunDetail = {
        ...server, run: { ...server.run, status: 'QUEUED', startedAt: null, endedAt: null }, lastEventId: 0,
        steps: server.run.stepKeys.map((key) => ({ key, kind: 'asset', status: 'pending', attempts: [], checks: { passed: 0, failed: 0, warned: 0, couldNotRun: 0 } })),
        materializations: [], checks: [], observations: [],
      };
      let live = empty;
      for (const event of events) {
        const applied = applyRunEvents(live, [event]);
        assert.equal(applied.hasGap, false, `no gap at event ${event.id} (${event.type})`);
        live = applied.detail;
      }
      assert.deepEqual(live.steps, server.steps, 'the live page ends where the server summary is');
      assert.equal(live.run.status, 'CANCELED');
      assert.equal(live.lastEventId, server.lastEventId);
    } finally {
      dev.kill('SIGINT');
      await devExited;
    }
  });
});

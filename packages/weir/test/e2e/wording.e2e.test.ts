// How the CLI and the engine write counts and skips: "1 step", "1 row", "1 check" (never "1 steps"), and a skipped
// step's message does not repeat the step's own name.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TempDirs, runIdOf, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

interface EventLine { type: string; stepKey: string | null; message: string }

async function events(dir: string, runId: string): Promise<EventLine[]> {
  const r = await weir(['logs', runId, '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EventLine);
}

describe('wording of counts and skips', () => {
  it('one step, one row, one check: singular everywhere', async () => {
    const dir = writeProject(temp.make('weir-wording-'), {
      'weir.yaml': 'name: one\n',
      'definitions/one.ts': "import { asset, rowCount } from 'weir';\nexport const one = asset({ key: 'one', checks: [rowCount({ equals: 1 })] }, () => 'select 1 as x');\n",
    });
    const validate = await weir(['validate'], { cwd: dir });
    assert.match(validate.stdout, /valid\s+one: 1 asset, 0 input files, 1 check \(/);
    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^Run [0-9a-f-]{36} · one · 1 step$/m);
    const messages = (await events(dir, runIdOf(run.stdout))).map((e) => e.message);
    assert.ok(messages.some((m) => /^Run started: 1 step, up to \d+ at once$/.test(m)), messages.join('\n'));
    assert.ok(messages.includes('Materialized main.one: 1 row'), messages.join('\n'));
    assert.ok(messages.includes('row_count: 1 row, expected 1'), messages.join('\n'));
    assert.ok(messages.some((m) => /^Run succeeded in \S+: 1 step$/.test(m)), messages.join('\n'));
    assert.doesNotMatch(messages.join('\n'), /\b1 (steps|rows|checks|assets)\b/);
  });

  it('a skipped step says why without repeating its own name', async () => {
    const dir = writeProject(temp.make('weir-wording-'), {
      'weir.yaml': 'name: skips\n',
      'definitions/chain.ts': [
        "import { asset, rowCount } from 'weir';",
        "export const revenue_raw = asset({ key: 'revenue_raw', checks: [rowCount({ equals: 2 })] }, () => 'select 1 as x');",
        "export const revenue = asset({ key: 'revenue', inputs: { raw: revenue_raw } }, ({ raw }) => `select * from ${raw}`);",
        '',
      ].join('\n'),
    });
    const run = await weir(['run'], { cwd: dir });
    assert.equal(run.code, 1);
    const skipped = (await events(dir, runIdOf(run.stdout))).find((e) => e.type === 'STEP_SKIPPED');
    assert.equal(skipped?.stepKey, 'revenue');
    assert.equal(skipped?.message, 'skipped: upstream revenue_raw failed its checks');
    const info = await weir(['run-info', runIdOf(run.stdout)], { cwd: dir });
    assert.match(info.stdout, /revenue: upstream revenue_raw failed its checks/);
    assert.doesNotMatch(info.stdout, /revenue: revenue skipped/);
    assert.match(run.stdout, /↷ revenue\s+skipped: upstream revenue_raw failed its checks/);
  });
});

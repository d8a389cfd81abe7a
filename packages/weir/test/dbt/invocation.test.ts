// dbt's `invocation_id` and `run_started_at` belong to each run, not to the process: a long `weir dev` session runs
// many builds, and each must see its own (models stamp rows with them; snapshots and incrementals compare them).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE, removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

describe('invocation context', () => {
  it('gives every run its own invocation_id (the run id) and run_started_at (when the run started)', async () => {
    const dir = writeProject({
      'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n',
      'profiles.yml': PROFILE('shop'),
      'models/stamp.sql': "select '{{ invocation_id }}' as invocation_id, cast('{{ run_started_at }}' as timestamp) as run_started_at\n",
    });
    const seen: Array<{ runId: string; invocation: string; startedAt: number; createdAt: number }> = [];
    for (let i = 0; i < 2; i++) {
      const before = Date.now();
      await withBuild(dir, {}, async (built) => {
        assert.equal(built.status, 'SUCCESS', built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
        const [row] = await built.query('select invocation_id, epoch_ms(run_started_at) as ms from stamp');
        seen.push({ runId: built.run.runId, invocation: String(row!.invocation_id), startedAt: Number(row!.ms), createdAt: before });
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const run of seen) {
      assert.equal(run.invocation, run.runId);
      // run_started_at prints in whole microseconds, in UTC, like dbt's.
      assert.ok(run.startedAt >= run.createdAt - 1 && run.startedAt <= Date.now(), `${run.startedAt} vs ${run.createdAt}`);
    }
    assert.notEqual(seen[0]!.invocation, seen[1]!.invocation);
    assert.ok(seen[1]!.startedAt > seen[0]!.startedAt);
  });
});

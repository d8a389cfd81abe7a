// What a dbt project declares and Weir does not run yet (Python models) is never skipped
// silently: each is a warning naming its file and line, and the verbs dbt would run it with exit 1 after doing the rest.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../src/loaders/index.js';
import { dbtCommand } from '../../src/cli/commands/dbt-command.js';
import { PROFILE, removeProjects, writeProject } from './dbt-helper.js';

after(removeProjects);

function project(): string {
  return writeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n',
    'profiles.yml': PROFILE('shop'),
    'seeds/raw_orders.csv': 'id,email\n1,a@example.org\n',
    'models/orders.sql': "select * from {{ ref('raw_orders') }}\n",
    'models/forecast.py': 'def model(dbt, session):\n    return dbt.ref("orders").df()\n',
  });
}

async function dbt(dir: string, verb: 'build' | 'run' | 'seed' | 'test'): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { code: await dbtCommand({ project: dir, verb }), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('unsupported dbt features', () => {
  // First: it captures process.stdout, where the test runner also reports the tests before it.
  it('make the verbs that would run them exit 1 after doing everything else; other verbs pass', async () => {
    const dir = project();
    const build = await dbt(dir, 'build');
    assert.equal(build.code, 1, build.stdout + build.stderr);
    assert.match(build.stderr, /not run: 1 Python model/);
    assert.match(build.stderr, /warning models\/forecast\.py: Python model 'forecast' is not built/);
    assert.match(build.stdout, /succe/i); // the seed and both models were built
    assert.equal((await dbt(dir, 'seed')).code, 0);
    assert.equal((await dbt(dir, 'run')).code, 1);
    assert.equal((await dbt(dir, 'test')).code, 0, 'dbt test builds no model');
  });
  it('are load warnings naming each file, line and what is not done', async () => {
    const { definitions } = await loadProject(project());
    const warnings = definitions.project.warnings ?? [];
    assert.ok(warnings.includes("models/forecast.py: Python model 'forecast' is not built: Weir runs SQL models only, so this model and what reads it are missing from the graph"), warnings.join('\n'));
  });

});

// Seeds and models in custom schemas (`+schema: raw`), built with the default threads as real projects are: no
// node may fail because another created the same new schema at the same moment (DuckDB's "write-write conflict").
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { removeProjects, withBuild, writeProject } from './dbt-helper.js';

after(removeProjects);

const SEEDS = 8;

/** Like dbt-labs' jaffle-shop: every seed in `raw`, staging models in `staging`, marts in the target schema. */
function project(): string {
  const files: Record<string, string> = {
    'dbt_project.yml': [
      'name: shop', 'profile: shop',
      'seeds:', '  shop:', '    +schema: raw',
      'models:', '  shop:', '    staging:', '      +schema: staging', '      +materialized: table', '    marts:', '      +materialized: table', '',
    ].join('\n'),
    // No `threads:`: Weir's default concurrency runs the seeds in parallel.
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n',
  };
  for (let i = 0; i < SEEDS; i++) {
    files[`seeds/raw_${i}.csv`] = 'id,amount\n1,10\n2,20\n';
    files[`models/staging/stg_${i}.sql`] = `select id, amount * ${i} as amount from {{ ref('raw_${i}') }}`;
  }
  files['models/marts/total.sql'] = Array.from({ length: SEEDS }, (_, i) => `select sum(amount) as amount from {{ ref('stg_${i}') }}`).join('\nunion all\n');
  return writeProject(files);
}

describe('custom schemas with parallel nodes', () => {
  it('creates each new schema once: every seed and model succeeds, in every one of several fresh builds', async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      await withBuild(project(), {}, async (built) => {
        const failures = built.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => `${e.stepKey}: ${e.message}`);
        assert.deepEqual(failures, [], `build ${attempt + 1}`);
        assert.equal(built.status, 'SUCCESS');
        const schemas = (await built.query("select schema_name from information_schema.schemata where catalog_name = 'dev' order by 1")).map((r) => r.schema_name);
        assert.deepEqual(schemas.filter((s) => String(s).startsWith('main')), ['main', 'main_raw', 'main_staging']);
        const [total] = await built.query('select sum(amount)::int as n from main.total');
        assert.equal(Number(total!.n), 30 * (SEEDS * (SEEDS - 1)) / 2);
      });
    }
  });
});

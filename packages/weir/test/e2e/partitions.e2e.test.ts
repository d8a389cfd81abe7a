// Partitions through the real CLI: `weir run --partition`, a file per partition read from a month folder, the
// latest complete month by default, and the load errors `weir validate` reports with file and line.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDirs, stackLines, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const DEFINITIONS = `import { asset, load, timePartitions, value } from 'weir';
export const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
export const orders = asset({ key: 'orders', partitions: months, checks: [value({ sql: 'select min(amount) from {{ this }}', min: 0 })] },
  () => load.csv('data/\${partition.key}/orders.csv'));
export const revenue = asset({ key: 'revenue', partitions: months, inputs: { orders }, io: { path: 'output/\${partition.key}/revenue.csv' } },
  ({ orders }, ctx) => \`select '\${ctx.partition!.key}' as month, sum(amount) as total from \${orders}\`);
`;

describe('partitions in the CLI', { concurrency: true }, () => {
  it('weir run --partition materializes that month from its folder into its own file; a bad key starts nothing', async () => {
    const dir = writeProject(temp.make('weir-partitions-'), {
      'weir.yaml': 'name: months\n',
      'definitions/months.ts': DEFINITIONS,
      'data/2025-02/orders.csv': 'id,amount\n1,10\n2,32.5\n',
      'data/2025-03/orders.csv': 'id,amount\n1,-1\n',
    });
    const ok = await weir(['run', '--project', dir, '--partition', '2025-02']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /partition 2025-02/);
    assert.equal(readFileSync(join(dir, 'output/2025-02/revenue.csv'), 'utf8').trim(), 'month,total\n2025-02,42.5');
    // A bad month fails its check: no file for it, February's untouched.
    const bad = await weir(['run', '--project', dir, '--partition', '2025-03']);
    assert.equal(bad.code, 1);
    assert.ok(!existsSync(join(dir, 'output/2025-03/revenue.csv')));
    assert.ok(existsSync(join(dir, 'output/2025-02/revenue.csv')));
    const outside = await weir(['run', '--project', dir, '--partition', '2024-12']);
    assert.equal(outside.code, 1);
    assert.deepEqual(stackLines(outside.stderr), []);
    assert.match(outside.stderr, /asset 'orders': partition key '2024-12' is outside monthly partitions from 2025-01 \(Europe\/Brussels\)\. Keys look like 2025-01; the valid keys are 2025-01 … \d{4}-\d{2} \(\d+ partitions\)/);
    const runs = await weir(['runs', '--project', dir, '--json']);
    assert.equal((JSON.parse(runs.stdout) as unknown[]).length, 2, 'the refused run was never recorded');
  });

  it('weir validate reports a mapping that cannot work, and a bad definition, at its file and line', async () => {
    const dir = writeProject(temp.make('weir-partitions-bad-'), {
      'weir.yaml': 'name: bad\n',
      'definitions/a.ts': `import { asset, timePartitions } from 'weir';
const months = timePartitions({ unit: 'month', start: '2025-01' });
export const plain = asset({ key: 'plain' }, () => 'select 1 as x');
export const growth = asset({ key: 'growth', partitions: months, inputs: { prev: { asset: 'plain', partitions: { offset: -1 } } } }, () => 'select 1 as x');
`,
    });
    const r = await weir(['validate', '--project', dir]);
    assert.equal(r.code, 1);
    assert.deepEqual(stackLines(r.stderr), []);
    assert.match(r.stderr, /input 'prev' \('plain'\): an offset dependency needs a partitioned upstream asset/);
    assert.ok(r.stderr.includes(`${join(dir, 'definitions/a.ts')}:4:`), r.stderr);

    const zone = writeProject(temp.make('weir-partitions-zone-'), {
      'weir.yaml': 'name: zone\n',
      'definitions/a.ts': `import { asset, timePartitions } from 'weir';\n\nconst days = timePartitions({ unit: 'day', start: '2025-01-01', timezone: 'Europe/Brusels' });\nexport const a = asset({ key: 'a', partitions: days }, () => 'select 1 as x');\n`,
    });
    const z = await weir(['validate', '--project', zone]);
    assert.equal(z.code, 1);
    assert.deepEqual(stackLines(z.stderr), []);
    assert.match(z.stderr, /unknown time zone 'Europe\/Brusels'\. Did you mean 'Europe\/Brussels'/);
    assert.ok(z.stderr.includes(`${join(zone, 'definitions/a.ts')}:3:`), z.stderr);
  });
});

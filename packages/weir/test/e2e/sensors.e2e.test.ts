// Sensors and webhooks through the real CLI: `weir validate` reports every mistake with its line and no stack,
// `weir sensors [--json]` lists them, `weir sensor pause|resume` stores the state.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TempDirs, stackLines, weir, writeProject } from './cli-helper.js';

const temp = new TempDirs();
after(() => temp.cleanup());

const DEFINITIONS = `import { asset, sensor } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select 1 as id');
export const report = asset({ key: 'report', deps: ['orders'] }, () => 'select 2 as n');
export const custom = sensor({ name: 'custom', interval: '1m', select: 'report', evaluate: () => ({ skipReason: 'nothing' }) });
`;
const GOOD = `name: shop
settings:
  hook_secret: { env: SHOP_HOOK_SECRET, secret: true }
sensors:
  - { name: new_exports, type: files, path: "inbox/*.xlsx", select: "orders+", interval: 30s }
webhooks:
  - { name: erp_export_ready, select: "orders+", secret: hook_secret }
`;

describe('sensors in the CLI', { concurrency: true }, () => {
  it('weir validate: every sensor mistake with its line, what is wrong and what to do, exit 1, no stack', async () => {
    const dir = writeProject(temp.make('weir-sensors-bad-'), {
      'weir.yaml': `name: shop
settings:
  plain: x
sensors:
  - { name: a, type: files, path: "in/*", select: "ordrs+" }
  - { name: b, type: asset, asset: nope }
  - { name: c, type: sql, query: "select 1", interval: soon }
webhooks:
  - { name: w, secret: plain }
`,
      'definitions/assets.ts': DEFINITIONS,
    });
    const r = await weir(['validate', '--project', dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(stackLines(r.stderr), []);
    assert.match(r.stderr, /weir\.yaml:7: sensor 'c': interval 'soon' is not a duration/);
    const fixed = writeProject(dir, { 'weir.yaml': `name: shop
settings:
  plain: x
sensors:
  - { name: a, type: files, path: "in/*", select: "ordrs+" }
  - { name: b, type: asset, asset: nope }
webhooks:
  - { name: w, secret: plain }
` });
    const all = await weir(['validate', '--project', fixed]);
    assert.equal(all.code, 1);
    assert.deepEqual(stackLines(all.stderr), []);
    assert.match(all.stderr, /weir\.yaml:5: sensor 'a': select 'ordrs\+' is not valid: selector 'ordrs\+' matches no asset\. Did you mean 'orders'\?/);
    assert.match(all.stderr, /weir\.yaml:6: sensor 'b' watches asset 'nope', which does not exist/);
    assert.match(all.stderr, /weir\.yaml:8: webhook 'w': secret 'plain' is a setting that is not secret/);

    // A SQL sensor's query is parsed by `weir validate` like the assets' SQL (nothing runs).
    const typo = writeProject(temp.make('weir-sensors-sql-'), {
      'weir.yaml': 'name: shop\nsensors:\n  - { name: erp, type: sql, query: "selec max(id) form erp.orders", select: "orders+" }\n',
      'definitions/assets.ts': DEFINITIONS,
    });
    const sql = await weir(['validate', '--project', typo]);
    assert.equal(sql.code, 1, sql.stdout);
    assert.deepEqual(stackLines(sql.stderr), []);
    assert.match(sql.stderr, /weir\.yaml:3: sensor 'erp': its query does not parse: .*syntax error at or near "selec"/);
  });

  it('weir validate counts them; weir sensors lists them; weir sensor pause|resume stores the state', async () => {
    const dir = writeProject(temp.make('weir-sensors-good-'), { 'weir.yaml': GOOD, 'definitions/assets.ts': DEFINITIONS });
    const env = { SHOP_HOOK_SECRET: 'a-long-enough-hook-secret' };
    const valid = await weir(['validate', '--project', dir], { env });
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /2 sensors, 1 webhook/);

    const listed = await weir(['sensors', '--json', '--project', dir], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const overview = JSON.parse(listed.stdout);
    assert.deepEqual(overview.sensors.map((s: { name: string; type: string; state: string; interval: string }) => [s.name, s.type, s.state, s.interval]),
      [['new_exports', 'files', 'RUNNING', '30s'], ['custom', 'custom', 'RUNNING', '1m']]);
    assert.equal(overview.webhooks[0].path, '/api/webhooks/erp_export_ready');
    assert.ok(!listed.stdout.includes(env.SHOP_HOOK_SECRET));

    const paused = await weir(['sensor', 'pause', 'new_exports', '--project', dir], { env });
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /paused\s+sensor new_exports/);
    const table = await weir(['sensors', '--project', dir], { env });
    assert.match(table.stdout, /new_exports\s+files\s+PAUSED\s+30s\s+orders\+\s+inbox\/\*\.xlsx\s+never/);
    assert.match(table.stdout, /erp_export_ready\s+orders\+\s+hook_secret\s+never/);
    await weir(['sensor', 'resume', 'new_exports', '--project', dir], { env });
    assert.equal(JSON.parse((await weir(['sensors', '--json', '--project', dir], { env })).stdout).sensors[0].state, 'RUNNING');

    const unknown = await weir(['sensor', 'pause', 'new_export', '--project', dir], { env });
    assert.equal(unknown.code, 1);
    assert.deepEqual(stackLines(unknown.stderr), []);
    assert.match(unknown.stderr, /no sensor 'new_export' in shop.*Did you mean 'new_exports'\?/s);
  });
});

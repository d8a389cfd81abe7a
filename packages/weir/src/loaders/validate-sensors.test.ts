// Sensors and webhooks as a project declares them (TypeScript and weir.yaml), and every mistake found at load with
// the file and line, what is wrong and what to do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WeirErrors, isWeirError } from '../shared/errors.js';
import { loadProject } from './load-project.js';

const roots: string[] = [];
after(() => { for (const root of roots) rmSync(root, { recursive: true, force: true }); });

const ASSETS = `import { asset } from 'weir';
export const orders = asset({ key: 'orders', tags: ['raw'] }, () => 'select 1 as id');
export const report = asset({ key: 'report', inputs: { orders } }, ({ orders }) => \`select * from \${orders}\`);
`;
const SETTINGS = `settings:
  hook_secret: { env: HOOK_SECRET, secret: true }
  plain: hello
`;

function project(yaml: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'weir-sensor-defs-'));
  roots.push(root);
  for (const [path, text] of Object.entries({ 'weir.yaml': `name: shop\n${yaml}`, 'definitions/assets.ts': ASSETS, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The load's problems, one message each. */
async function problems(root: string): Promise<string[]> {
  try {
    await loadProject(root, { HOOK_SECRET: 'a-long-webhook-secret' });
  } catch (error) {
    if (error instanceof WeirErrors) return error.errors.map((e) => e.message);
    if (isWeirError(error)) return [error.message];
    throw error;
  }
  return [];
}

describe('sensor and webhook definitions', () => {
  it('TypeScript sensors and webhooks and weir.yaml ones all reach Definitions, each located', async () => {
    const root = project(`${SETTINGS}sensors:
  - { name: new_exports, type: files, path: "inbox/*.xlsx", select: "orders+", interval: 30s }
  - { name: erp_changed, type: sql, query: "select 1", select: "orders+", interval: 5m }
webhooks:
  - { name: erp_export_ready, select: "orders+", secret: hook_secret }
`, {
      'definitions/sensors.ts': `import { sensor, assetSensor, runStatusSensor, webhook } from 'weir';
export const custom = sensor({ name: 'custom', interval: '1m', select: 'report', evaluate: async (ctx) => ({ runRequests: [], cursor: ctx.cursor }) });
export const after = assetSensor({ name: 'after_orders', asset: 'orders', select: 'report' });
export const failed = runStatusSensor({ name: 'after_failure', status: 'FAILURE', select: 'report' });
export const hook = webhook({ name: 'ts_hook', secret: 'hook_secret' });
`,
    });
    const { definitions } = await loadProject(root, { HOOK_SECRET: 'a-long-webhook-secret' });
    assert.deepEqual(definitions.sensors!.map((s) => [s.name, s.type, s.intervalMs, s.select]), [
      ['new_exports', 'files', 30_000, 'orders+'],
      ['erp_changed', 'sql', 300_000, 'orders+'],
      // A module's exports come in the order of their names (after, custom, failed).
      ['after_orders', 'asset', 30_000, 'report'],
      ['custom', 'custom', 60_000, 'report'],
      ['after_failure', 'run_status', 30_000, 'report'],
    ]);
    assert.deepEqual(definitions.webhooks!.map((w) => [w.name, w.secret, w.select]), [['erp_export_ready', 'hook_secret', 'orders+'], ['ts_hook', 'hook_secret', undefined]]);
    assert.equal(definitions.sensors![1]!.location?.line, 7, 'a weir.yaml sensor points at its line');
    assert.match(definitions.sensors![3]!.location!.file, /definitions\/sensors\.ts$/);
    assert.equal(definitions.sensors![3]!.location!.line, 2);
  });

  it('an unknown asset, a selection matching nothing, a bad secret and a duplicate are all reported, each at its line', async () => {
    const root = project(`${SETTINGS}sensors:
  - { name: typo, type: files, path: "inbox/*.csv", select: "ordrs+" }
  - { name: nothing, type: sql, query: "select 1", select: "tag:none" }
  - { name: watcher, type: asset, asset: ordres }
  - { name: typo, type: files, path: "x/*.csv" }
webhooks:
  - { name: open_hook, secret: plain }
  - { name: unknown_hook, secret: nope }
`);
    const messages = await problems(root);
    assert.equal(messages.length, 6, messages.join('\n'));
    assert.match(messages[0]!, /^weir\.yaml:6: sensor 'typo': select 'ordrs\+' is not valid: selector 'ordrs\+' matches no asset\. Did you mean 'orders'\?/);
    assert.match(messages[1]!, /^weir\.yaml:7: sensor 'nothing': select 'tag:none' is not valid: .*tag/);
    assert.match(messages[2]!, /^weir\.yaml:8: sensor 'watcher' watches asset 'ordres', which does not exist\. Did you mean 'orders'\?/);
    assert.match(messages[3]!, /^weir\.yaml:9: sensor 'typo' is declared twice: weir\.yaml:6 and weir\.yaml:9/);
    assert.match(messages[4]!, /^weir\.yaml:11: webhook 'open_hook': secret 'plain' is a setting that is not secret\. Declare it in weir\.yaml as a secret setting/);
    assert.match(messages[5]!, /^weir\.yaml:12: webhook 'unknown_hook': secret 'nope' is not a declared setting/);
  });

  it('a bad interval names the sensor, the line and a valid example; an unknown type lists the known ones', async () => {
    const yamlInterval = await problems(project(`sensors:\n  - { name: s, type: files, path: "a/*", interval: 5 minutes }\n`));
    assert.equal(yamlInterval.length, 1);
    assert.match(yamlInterval[0]!, /weir\.yaml:3.*sensor 's': interval '5 minutes' is not a duration; write e\.g\. 500ms, 30s, 5m, 1h30m/);
    const tsInterval = await problems(project('', { 'definitions/s.ts': `import { fileSensor } from 'weir';\nexport const s = fileSensor({ name: 'fast', path: 'a/*', interval: '100ms' });\n` }));
    assert.match(tsInterval[0]!, /definitions\/s\.ts:2.*sensor 'fast': interval '100ms' is shorter than 1s/);
    const type = await problems(project(`sensors:\n  - { name: s, type: ftp, path: "a/*" }\n`));
    assert.match(type[0]!, /weir\.yaml:3/);
    assert.match(type[0]!, /files.*sql.*asset.*run_status/);
  });
});

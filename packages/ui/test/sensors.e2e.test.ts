// The sensors section in a real headless Chromium against a real Weir server and a real sensor loop on a temporary
// project: each sensor's state, type and interval, its last evaluations with duration, result, error and run links,
// webhooks and their calls, and the switch that pauses a sensor (stored: the API and the next pass follow it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLocalInstance, type LocalInstance } from '../../weir/src/cli/local-instance.ts';
import { createSensorLoop, type SensorLoop } from '../../weir/src/scheduler/sensor-loop.ts';
import { createApp, inProcessLauncher, startServer } from '../../weir/src/server/index.ts';
import { SIGNATURE_HEADER, webhookSignature } from '../../weir/src/server/routes/webhook-routes.ts';
import { launchBrowser, tempProject, UI_DIST } from './ui-server.ts';

const WAIT_MS = 15_000;
const SECRET = 'ui-webhook-secret-0042';
const project = tempProject('weir-ui-sensors-');
let instance: LocalInstance;
let loop: SensorLoop;
let launcher: ReturnType<typeof inProcessLauncher>;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

function write(path: string, text: string): void {
  mkdirSync(join(project.dir, path, '..'), { recursive: true });
  writeFileSync(join(project.dir, path), text);
}

before(async () => {
  write('weir.yaml', `name: ui_sensors
settings:
  hook_secret: { env: UI_HOOK_SECRET, secret: true }
sensors:
  - { name: new_exports, type: files, path: "inbox/*.csv", select: "orders+", interval: 30s }
webhooks:
  - { name: erp_export_ready, select: "orders", secret: hook_secret }
`);
  write('definitions/assets.ts', `import { asset, sensor } from 'weir';
export const orders = asset({ key: 'orders' }, () => 'select 1 as id');
export const report = asset({ key: 'report', inputs: { orders } }, ({ orders }) => \`select count(*) as n from \${orders}\`);
export const erp = sensor({ name: 'erp_api', interval: '1m', select: 'report', description: 'Polls the ERP for new orders.',
  evaluate: () => { throw new Error('ERP answered 503 Service Unavailable'); } });
`);
  write('inbox/2026-03.csv', 'id\n1\n');
  process.env.UI_HOOK_SECRET = SECRET;
  process.setSourceMapsEnabled(true);
  instance = await openLocalInstance(project.dir);
  const snapshot = () => ({ definitions: instance.loaded.definitions, graph: instance.graph });
  launcher = inProcessLauncher({ project: snapshot, storage: instance.storage, warehouse: () => instance.warehouse() });
  loop = createSensorLoop({ project: snapshot, storage: instance.storage, launcher, warehouse: () => instance.warehouse(), log: () => undefined });
  const app = createApp({ project: snapshot, storage: instance.storage, launcher, subscribe: launcher.subscribe, staticRoot: UI_DIST, pollIntervalMs: 50 });
  [server, browser] = await Promise.all([startServer({ app, port: 0 }), launchBrowser()]);
  await loop.runOnce(Date.now(), new AbortController().signal);
  await loop.settled();
  await launcher.idle();
  const body = '{"file":"exports/2026-03.xlsx"}';
  await fetch(`${server.url}/api/webhooks/erp_export_ready`, { method: 'POST', body, headers: { [SIGNATURE_HEADER]: webhookSignature(SECRET, body) } });
  await fetch(`${server.url}/api/webhooks/erp_export_ready`, { method: 'POST', body, headers: { [SIGNATURE_HEADER]: webhookSignature('wrong', body) } });
  await launcher.idle();
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  await launcher?.idle();
  await server?.close();
  await instance?.close();
  project.remove();
});

describe('sensors section', () => {
  it('shows each sensor with its type, interval, selection, last evaluation, error and run link, and the webhooks with their calls', async () => {
    await page.goto(`${server.url}/#/automation`);
    const files = page.locator('[data-sensor="new_exports"]');
    await files.locator('[data-testid="evaluations"]').waitFor();
    assert.match(await files.innerText(), /new_exports[\s\S]*inbox\/\*\.csv[\s\S]*Files[\s\S]*30s[\s\S]*orders\+/);
    assert.match(await files.locator('.evaluation').innerText(), /Requested/);
    const runLink = files.locator('.evaluation a.mono');
    assert.equal(await runLink.count(), 1, 'a link to the run it started');
    const erp = page.locator('[data-sensor="erp_api"]');
    assert.match(await erp.innerText(), /Custom[\s\S]*1m[\s\S]*report/);
    assert.match(await erp.locator('.evaluation-error').innerText(), /ERP answered 503 Service Unavailable/);
    assert.match(await erp.locator('.evaluation').innerText(), /Error/);
    const hook = page.locator('[data-webhook="erp_export_ready"]');
    assert.match(await hook.innerText(), /POST \/api\/webhooks\/erp_export_ready[\s\S]*hook_secret/);
    assert.match(await hook.locator('.evaluation').innerText(), /Rejected/);
    assert.match(await hook.locator('.evaluation-error').innerText(), /signature does not match/);
    assert.ok(!(await page.content()).includes(SECRET), 'the secret is nowhere on the page');
    await page.screenshot({ path: join(project.dir, 'sensors.png'), fullPage: true });
    if (process.env.WEIR_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOT_DIR, 'sensors.png'), fullPage: true });
    await runLink.click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+/);
    // The run's page says what started it and shows the payload it was handed.
    const trigger = page.locator('[data-testid="trigger-payload"]');
    await trigger.waitFor();
    assert.match(await trigger.innerText(), /Sensor\s+new_exports/);
    await trigger.locator('summary').click();
    assert.match(await trigger.locator('pre').innerText(), /"paths": \[\s*"inbox\/2026-03\.csv"\s*\]/);
    await page.screenshot({ path: join(process.env.WEIR_SCREENSHOT_DIR ?? project.dir, 'sensor-run.png') });
  });

  it('the switch pauses a sensor: stored, shown, and the next pass leaves it alone; switched back, it runs again', async () => {
    await page.goto(`${server.url}/#/automation`);
    const toggle = page.locator('[data-testid="switch-erp_api"]');
    assert.equal(await toggle.isChecked(), true);
    await page.locator('[data-sensor="erp_api"] label.switch').click();
    await page.locator('[data-sensor="erp_api"][data-state="PAUSED"]').waitFor();
    assert.equal(await toggle.isChecked(), false);
    assert.match(await page.locator('[data-sensor="erp_api"]').innerText(), /paused[\s\S]*Paused/);
    const { sensors } = await (await fetch(`${server.url}/api/sensors`)).json() as { sensors: Array<{ name: string; state: string; lastEvaluations: unknown[] }> };
    assert.equal(sensors.find((s) => s.name === 'erp_api')!.state, 'PAUSED');
    const before = sensors.find((s) => s.name === 'erp_api')!.lastEvaluations.length;
    await loop.runOnce(Date.now() + 120_000, new AbortController().signal);
    await loop.settled();
    assert.equal((await instance.storage.sensors.listEvaluations('ui_sensors', 'erp_api')).length, before, 'not evaluated while paused');
    await page.locator('[data-sensor="erp_api"] label.switch').click();
    await page.locator('[data-sensor="erp_api"][data-state="RUNNING"]').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});

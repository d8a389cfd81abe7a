// The alerts page in a real headless Chromium against a real Weir server: the channels (never a URL), the rules, and
// the deliveries the alert loop made for a failed check, delivered to a receiver on 127.0.0.1 or failed and why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openLocalInstance } from '../../weir/src/cli/local-instance.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../weir/src/notifications/recording-http-receiver.ts';
import { createAlertLoop } from '../../weir/src/scheduler/alerts/alert-loop.ts';
import { demoProject, launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const HOOK_TOKEN = 'hk_ui_7c1f0e9d8b2a4c6e5f3d';
const project = tempProject('weir-ui-alerts-');
let server: UiServer;
let receiver: RecordingReceiver;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  receiver = await startRecordingReceiver();
  // A port nobody listens on: a receiver started and closed again.
  const gone = await startRecordingReceiver();
  const goneUrl = gone.url;
  await gone.close();
  process.env.WEIR_UI_TEST_HOOK_URL = `${receiver.url}/hooks/${HOOK_TOKEN}`;
  demoProject(project.dir, { qualityRows: 4 });
  appendFileSync(join(project.dir, 'weir.yaml'), `settings:
  hook_url: { env: WEIR_UI_TEST_HOOK_URL, secret: true }
  teams_url: { env: WEIR_UI_TEST_TEAMS_URL_UNSET, secret: true }
alerts:
  channels:
    ops_hook: { type: webhook, url: { setting: hook_url } }
    ops_down: { type: webhook, url: "${goneUrl}/hook" }
    team_teams: { type: teams, url: { setting: teams_url } }
  rules:
    - name: failures
      on: [check_failed, run_failed, run_recovered]
      channels: [ops_hook, ops_down, team_teams]
      repeat: 4h
    - name: sales_checks
      on: [check_failed]
      channels: [ops_hook]
      group: sales
      severity: error
`);
  [server, browser] = await Promise.all([startUiServer(project.dir), launchBrowser()]);
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  await server?.close();
  await receiver?.close();
  delete process.env.WEIR_UI_TEST_HOOK_URL;
  project.remove();
});

async function runToEnd(select: string): Promise<string> {
  const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select }) });
  const { runId } = (await response.json()) as { runId: string };
  for (;;) {
    const { run } = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { run: { status: string } };
    if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) return runId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('alerts page', () => {
  it('shows channels without URLs, rules, and the deliveries of a failed check with their status and error', async () => {
    // The alert loop as `weir dev` hosts it, on the same metadata.
    const instance = await openLocalInstance(project.dir);
    try {
      const loop = createAlertLoop({
        project: () => ({ definitions: instance.loaded.definitions, graph: instance.graph }), storage: instance.storage, log: () => undefined, publicUrl: server.url,
      }, { maxAttempts: 1, timeoutMs: 2_000 });
      const signal = new AbortController().signal;
      await loop.runOnce(Date.now(), signal);
      const runId = await runToEnd('+quality');
      await loop.runOnce(Date.now(), signal);
      assert.ok(receiver.requests.length >= 2, 'the receiver got the check and the run failure');

      await page.goto(`${server.url}/#/alerts`);
      const channels = page.locator('[data-testid="alert-channels"] tbody tr');
      await channels.first().waitFor();
      assert.deepEqual(await channels.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim())), [
        'ops_hook Webhook Enabled', 'ops_down Webhook Enabled', "team_teams Microsoft Teams Disabled setting 'teams_url' has no value (set WEIR_UI_TEST_TEAMS_URL_UNSET)",
      ]);
      const rules = await page.locator('[data-testid="alert-rules"] tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
      assert.deepEqual(rules, [
        'failures check failed, run failed, run recovered ops_hook, ops_down, team_teams everything every 4h 0m',
        'sales_checks check failed ops_hook group sales · severity error once, then resolved',
      ]);
      const deliveries = page.locator('[data-testid="alert-deliveries"] tbody tr');
      await deliveries.first().waitFor();
      const text = await page.locator('[data-testid="alert-deliveries"]').innerText();
      assert.match(text, /Delivered/);
      assert.match(text, /Failed/);
      assert.match(text, /Check failed: quality\.quality_rows/);
      assert.match(text, /could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
      assert.ok(text.includes(runId.slice(0, 8)), 'links the run');
      const deliveredOk = await deliveries.filter({ has: page.locator('.badge[data-status="succeeded"]') }).count();
      const failed = await deliveries.filter({ has: page.locator('.badge[data-status="failed"]') }).count();
      // check + run failure to ops_hook (failures), check to ops_hook (sales_checks): 3 delivered; 2 to ops_down failed.
      assert.deepEqual([deliveredOk, failed], [3, 2]);
      await page.locator(`[data-testid="alert-deliveries"] a[href="#/runs/${runId}"]`).first().click();
      await page.waitForURL(new RegExp(`#/runs/${runId}`));
      await page.goto(`${server.url}/#/alerts`);
      await deliveries.first().waitFor();
      const whole = await page.content();
      assert.ok(!whole.includes(HOOK_TOKEN), 'no URL token on the page');
      assert.equal(await page.locator('nav a[href="#/alerts"][aria-current="page"]').count(), 1, 'the nav link is current');
      await page.screenshot({ path: join(project.dir, 'alerts.png'), fullPage: true });
      if (process.env.WEIR_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOT_DIR, 'alerts.png'), fullPage: true });
      assert.deepEqual(pageErrors, []);
    } finally {
      await instance.close();
    }
  });
});

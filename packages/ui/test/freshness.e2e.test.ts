// Freshness and automation in a real headless Chromium against a real Weir server: the asset page shows the policy
// and its state (on time, or violated since when), and the overview lists the open violations with a link.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoProject, launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const project = tempProject('weir-ui-freshness-');
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  demoProject(project.dir);
  writeFileSync(join(project.dir, 'release'), '');
  writeFileSync(join(project.dir, 'definitions/freshness.ts'), `import { asset } from 'weir';
import { orders } from './raw.ts';
export const dailySnapshot = asset({ key: 'daily_snapshot', group: 'ops', inputs: { orders }, freshness: { maxLag: '26h' }, automation: 'eager' },
  ({ orders }) => \`select count(*) as n from \${orders}\`);
export const monthlyClose = asset({ key: 'monthly_close', group: 'ops', freshness: { cron: '0 6 1 * *', timezone: 'Europe/Brussels', deadline: '2h' } },
  () => 'select 1 as closed');
`);
  [server, browser] = await Promise.all([startUiServer(project.dir), launchBrowser()]);
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select: '+daily_snapshot' }) });
  const { runId } = (await response.json()) as { runId: string };
  for (;;) {
    const { run } = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { run: { status: string } };
    if (run.status === 'SUCCESS') break;
    assert.ok(!['FAILURE', 'CANCELED'].includes(run.status), `the seed run ended ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
});
after(async () => {
  await browser?.cleanup();
  await server?.close();
  project.remove();
});

describe('freshness in the UI', () => {
  it('the asset page shows a fresh asset on time, with its policy and automation', async () => {
    await page.goto(`${server.url}/#/assets/daily_snapshot`);
    const section = page.locator('[data-testid="asset-freshness"]');
    await section.waitFor();
    const text = await section.innerText();
    assert.match(text, /On time/);
    assert.match(text, /materialized at most 26h ago/);
    assert.match(text, /Fresh until/);
    assert.match(await page.locator('[data-testid="asset-automation"]').innerText(), /eager: materialized when an upstream asset has new data/);
    assert.equal(await page.locator('.page-head [data-status="violated"]').count(), 0);
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'asset-freshness-fresh.png'), fullPage: true });
  });

  it('the asset page shows a violated asset, what was expected and since when', async () => {
    await page.goto(`${server.url}/#/assets/monthly_close`);
    await page.locator('.page-head [data-status="violated"]').waitFor();
    const text = await page.locator('[data-testid="asset-freshness"]').innerText();
    assert.match(text, /Violated/);
    assert.match(text, /monthly_close was never materialized/);
    assert.match(text, /within 2h after each tick of '0 6 1 \* \*' \(Europe\/Brussels\)/);
    assert.match(text, /Violated since\s+never materialized/);
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'asset-freshness-violated.png'), fullPage: true });
  });

  it('the overview counts the open violations and lists them with a link to the asset', async () => {
    await page.goto(`${server.url}/#/`);
    const table = page.locator('[data-testid="freshness-violations"]');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0]!, /monthly_close[\s\S]*never materialized/);
    assert.match(await page.locator('.stat:has-text("Freshness violations") .value').innerText(), /^1$/);
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'overview-freshness.png'), fullPage: true });
    await table.locator('a:has-text("monthly_close")').click();
    await page.locator('[data-testid="asset-freshness"]').waitFor();
    assert.match(page.url(), /#\/assets\/monthly_close$/);
    assert.deepEqual(pageErrors, []);
  });
});

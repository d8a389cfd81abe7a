// The Automation page and the overview's next scheduled runs in a real headless Chromium against a real Weir server:
// schedules with the cron in words, UTC said when defaulted, next ticks, the pause/resume switch (stored), and
// "run now" with a link to the run it started.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoProject, launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const project = tempProject();
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  demoProject(project.dir);
  writeFileSync(join(project.dir, 'definitions/schedules.ts'), `import { schedule } from 'weir';
export const monthly = schedule({ name: 'monthly_report', select: 'orders+', cron: '0 6 1 * *', timezone: 'Europe/Brussels', tags: { team: 'shop' } });
export const nightly = schedule({ name: 'nightly', select: 'orders', cron: '30 2 * * *' });
`);
  [server, browser] = await Promise.all([startUiServer(project.dir), launchBrowser()]);
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  await server?.close();
  project.remove();
});

async function schedules(): Promise<Array<{ name: string; state: string; lastTicks: Array<{ runId?: string; source: string }> }>> {
  return ((await (await fetch(`${server.url}/api/schedules`)).json()) as { schedules: never[] }).schedules;
}
const row = (name: string) => page.locator(`[data-testid="schedules-table"] tr[data-schedule="${name}"]`);

describe('automation page', () => {
  it('lists the schedules: cron in words, zone (UTC said when defaulted), next ticks in the zone, no tick yet', async () => {
    await page.goto(`${server.url}/#/automation`);
    await row('monthly_report').waitFor();
    assert.equal(await page.locator('nav a.active').textContent(), 'Automation');
    const monthly = await row('monthly_report').innerText();
    assert.match(monthly, /At 06:00, on day 1 of the month/);
    assert.match(monthly, /Europe\/Brussels/);
    assert.match(monthly, /no tick yet/);
    assert.match(await row('monthly_report').locator('[data-testid="next-ticks"]').innerText(), /-01 06:00 GMT\+[12]/, '06:00 in Brussels, shown in Brussels time');
    assert.equal(await row('monthly_report').locator('[data-testid="utc-default"]').count(), 0);
    assert.equal(await row('nightly').locator('[data-testid="utc-default"]').innerText(), 'UTC (default)');
    assert.match(await row('nightly').locator('[data-testid="next-ticks"]').innerText(), /02:30 UTC/);
  });

  it('the switch pauses and resumes, stored by the server', async () => {
    const toggle = row('monthly_report').locator('input[role="switch"]');
    assert.equal(await toggle.isChecked(), true);
    await row('monthly_report').locator('label.switch').click();
    await row('monthly_report').locator('label.switch:has-text("Paused")').waitFor();
    assert.equal((await schedules()).find((s) => s.name === 'monthly_report')!.state, 'PAUSED');
    await page.reload();
    await row('monthly_report').locator('label.switch:has-text("Paused")').waitFor();
    assert.equal(await toggle.isChecked(), false, 'still paused after a reload');
    await row('monthly_report').locator('label.switch').click();
    await row('monthly_report').locator('label.switch:has-text("Running")').waitFor();
    assert.equal((await schedules()).find((s) => s.name === 'monthly_report')!.state, 'RUNNING');
  });

  it('run now starts a run, links to it, and the tick appears in the last ticks', async () => {
    await row('nightly').locator('button:has-text("Run now")').click();
    const started = row('nightly').locator('[role="status"] a');
    await started.waitFor();
    const [tick] = (await schedules()).find((s) => s.name === 'nightly')!.lastTicks;
    assert.equal(tick?.source, 'RUN_NOW');
    assert.ok(tick.runId);
    assert.equal(await started.getAttribute('href'), `#/runs/${tick.runId}`);
    await row('nightly').locator(`[data-testid="last-ticks"] a[href="#/runs/${tick.runId}"]`).waitFor();
    await page.screenshot({ path: join(project.dir, 'automation.png'), fullPage: true });
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'automation.png'), fullPage: true });
    await row('nightly').locator(`[data-testid="last-ticks"] a[href="#/runs/${tick.runId}"]`).click();
    await page.waitForURL(new RegExp(`#/runs/${tick.runId}`));
  });

  it('the overview shows the next scheduled runs, soonest first', async () => {
    await page.goto(`${server.url}/#/`);
    const table = page.locator('[data-testid="next-scheduled-runs"]');
    await table.waitFor();
    const shown = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    const all = (await schedules()) as unknown as Array<{ name: string; nextTicks: string[] }>;
    const expected = all.flatMap((s) => s.nextTicks.map((t) => ({ name: s.name, t }))).sort((a, b) => Date.parse(a.t) - Date.parse(b.t)).slice(0, 6).map((x) => x.name);
    assert.deepEqual(shown, expected);
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'overview.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});

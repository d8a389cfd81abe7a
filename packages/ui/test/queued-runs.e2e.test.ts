// Queued runs on the runs page: with max_concurrent_runs: 1, runs launched while one is going wait QUEUED, are listed
// first come first served, can be cancelled from the page (ending CANCELED without starting), and start as slots free.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoProject, launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const project = tempProject('weir-ui-queue-');
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  demoProject(project.dir);
  const config = join(project.dir, 'weir.yaml');
  writeFileSync(config, `${readFileSync(config, 'utf8')}max_concurrent_runs: 1\n`);
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

async function launch(select: string): Promise<string> {
  const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select }) });
  assert.equal(response.status, 202);
  return ((await response.json()) as { runId: string }).runId;
}
async function statusOf(runId: string): Promise<string> {
  return ((await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { run: { status: string } }).run.status;
}
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('queued runs on the runs page', () => {
  it('lists queued runs oldest first, cancels one from the page, and the rest start as the slot frees', async () => {
    const holding = await launch('chatty'); // logs until the file `release` appears
    await until(async () => (await statusOf(holding)) === 'STARTED', 'chatty started');
    const firstQueued = await launch('quality');
    const secondQueued = await launch('orders');
    assert.equal(await statusOf(firstQueued), 'QUEUED');

    await page.goto(`${server.url}/#/runs`);
    const panel = page.locator('[data-testid="queued-runs"]');
    await panel.locator('tbody tr').nth(1).waitFor();
    assert.match((await panel.locator('.card-head').textContent()) ?? '', /2 runs waiting for a free slot/);
    const rows = await panel.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, new RegExp(`^1${firstQueued.slice(0, 8)}quality`));
    assert.match(rows[1]!, new RegExp(`^2${secondQueued.slice(0, 8)}orders`));
    await page.screenshot({ path: join(project.dir, 'queued-runs.png'), fullPage: true });
    if (process.env.WEIR_SCREENSHOTS) await page.screenshot({ path: join(process.env.WEIR_SCREENSHOTS, 'queued-runs.png'), fullPage: true });

    await page.click(`button[aria-label="Cancel queued run ${firstQueued.slice(0, 8)}"]`);
    await until(async () => (await statusOf(firstQueued)) === 'CANCELED', 'the cancelled queued run ended');
    await until(async () => (await panel.locator('tbody tr').count()) === 1, 'the panel lists one run');
    assert.match((await panel.locator('tbody tr').first().textContent()) ?? '', new RegExp(`^1${secondQueued.slice(0, 8)}`));

    writeFileSync(join(project.dir, 'release'), '');
    await until(async () => (await statusOf(secondQueued)) === 'SUCCESS', 'the remaining queued run started and succeeded');
    await panel.waitFor({ state: 'detached' });
    assert.equal(await statusOf(holding), 'SUCCESS');
    const events = ((await (await fetch(`${server.url}/api/runs/${firstQueued}/events`)).json()) as { events: Array<{ type: string }> }).events;
    assert.deepEqual(events.map((e) => e.type), ['RUN_ENQUEUED', 'RUN_CANCELED'], 'the cancelled run never started');
    assert.deepEqual(pageErrors, []);
  });
});

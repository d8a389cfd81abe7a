// The web UI in a real headless Chromium against a real Weir server (the same composition as `weir dev`) on a
// temporary project: every page shows real data; runs launched, followed, cancelled and re-executed from the UI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { demoProject, launchBrowser, qualityFile, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const project = tempProject();
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  demoProject(project.dir, { qualityRows: 4 });
  writeFileSync(join(project.dir, 'release'), '');
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

const runStatus = (p: Page) => p.locator('.run-head .badge').getAttribute('data-status');
async function waitForRunStatus(p: Page, status: string): Promise<void> {
  await p.locator(`.run-head .badge[data-status="${status}"]`).waitFor();
}
/** Launches the selection from the lineage page and lands on the new run's page; returns its id. */
async function materializeFromLineage(selection: string): Promise<string> {
  await page.goto(`${server.url}/#/lineage`);
  await page.locator('[data-asset="orders"]').waitFor();
  await page.fill('#lineage-select', selection);
  await page.click('[data-testid="materialize"]');
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}/);
  return /#\/runs\/([0-9a-f-]{36})/.exec(page.url())![1]!;
}
async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${server.url}${path}`)).json()) as T;
}
/** Counts the page's reads of whole runs (GET /api/runs/:id, not its events), by run id. */
function countRunReads(p: Page): Map<string, number> {
  const reads = new Map<string, number>();
  p.on('request', (request) => {
    const id = /^\/api\/runs\/([0-9a-f-]{36})$/.exec(new URL(request.url()).pathname)?.[1];
    if (id && request.method() === 'GET') reads.set(id, (reads.get(id) ?? 0) + 1);
  });
  return reads;
}
/** Launches `select` through the API and waits for the run to end. */
async function runToEnd(select: string): Promise<string> {
  const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select }) });
  const { runId } = (await response.json()) as { runId: string };
  for (;;) {
    const { run } = await api<{ run: { status: string } }>(`/api/runs/${runId}`);
    if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) return run.status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('web UI', () => {
  it('serves the UI from the server, with the API beside it', async () => {
    const index = await fetch(`${server.url}/runs/anything`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type')!, /text\/html/);
    assert.match(await index.text(), /<div id="root">/);
    const missing = await fetch(`${server.url}/api/nope`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type')!, /json/);
  });

  it('launches a run of a selection from the lineage graph, which materializes the assets', async () => {
    const reads = countRunReads(page);
    const runId = await materializeFromLineage('+revenue');
    await waitForRunStatus(page, 'SUCCESS');
    const materialized = page.locator('[data-testid="materializations"] tbody tr');
    await materialized.filter({ hasText: 'revenue' }).waitFor();
    assert.deepEqual((await materialized.locator('td:first-child').allTextContents()).sort(), ['orders', 'revenue']);
    // The page read the run once; its steps, materializations and status came from the run's events.
    for (const step of ['orders_file', 'orders', 'revenue']) await page.locator('[data-testid="gantt"] [data-step="' + step + '"] [data-status="succeeded"]').waitFor();
    assert.equal(reads.get(runId), 1, 'one read of the run, however many step events');
    const run = await api<{ run: { trigger: string; selection: string } }>(`/api/runs/${runId}`);
    assert.deepEqual([run.run.trigger, run.run.selection], ['ui', '+revenue']);
    const assets = await api<{ assets: Array<{ key: string; status: string; lastMaterialization: { runId: string } | null }> }>('/api/assets');
    assert.equal(assets.assets.find((a) => a.key === 'revenue')?.lastMaterialization?.runId, runId);
  });

  it('shows every page with real data', async () => {
    await page.goto(`${server.url}/#/lineage`);
    const revenue = page.locator('[data-asset="revenue"]');
    await revenue.filter({ hasText: 'Fresh' }).waitFor();
    assert.match(await revenue.innerText(), /3 rows/);
    await page.locator('[data-asset="report"]').filter({ hasText: 'Never materialized' }).waitFor();

    await page.goto(`${server.url}/#/assets/revenue`);
    await page.locator('td.mono', { hasText: 'customer' }).waitFor();
    await page.locator('[data-check="total_paid"] .badge[data-status="passed"]').waitFor();
    assert.match(await page.locator('main').innerText(), /Paid revenue per customer/);

    await page.goto(`${server.url}/#/runs?status=SUCCESS`);
    await page.locator('table.data tbody tr').first().waitFor();
    assert.equal(await page.locator('.chip[aria-pressed="true"]').innerText(), 'Success');
    await page.goto(`${server.url}/#/runs?status=FAILURE`);
    await page.locator('text=No runs yet.').waitFor();

    await page.goto(`${server.url}/#/checks`);
    await page.locator('[data-testid="checks-table"] tr', { hasText: 'total_paid' }).locator('.badge[data-status="passed"]').waitFor();

    await page.goto(`${server.url}/#/`);
    await page.locator('text=Recent runs').waitFor();
    await page.locator('table.data tbody tr', { hasText: '+revenue' }).first().waitFor();
    await page.locator('.stat', { hasText: 'Succeeded' }).locator('.value', { hasText: '1' }).waitFor();
  });

  it('streams logs live while a run goes on, then shows its end', async () => {
    rmSync(join(project.dir, 'release'));
    await materializeFromLineage('chatty');
    // Lines arrive while the step is still running: the page did not reload, the stream brought them.
    await page.locator('[data-testid="log-line"]', { hasText: 'tick 3' }).waitFor();
    assert.equal(await runStatus(page), 'STARTED');
    await page.locator('[data-testid="log-line"]', { hasText: 'tick 8' }).waitFor();
    assert.equal(await runStatus(page), 'STARTED');
    // The running step's bar reaches now and grows with the clock, without the run being read again.
    const bar = page.locator('[data-testid="bar-chatty"]');
    assert.equal(await bar.getAttribute('data-state'), 'running');
    const before = Number(await bar.getAttribute('data-duration-ms'));
    await page.locator('[data-testid="log-line"]', { hasText: 'tick 14' }).waitFor();
    assert.ok(Number(await bar.getAttribute('data-duration-ms')) > before + 100, 'the bar grew');
    writeFileSync(join(project.dir, 'release'), '');
    await waitForRunStatus(page, 'SUCCESS');
    await page.locator('[data-testid="log-line"]', { hasText: 'chatty succeeded' }).waitFor();
    // Filters: text search and level.
    await page.fill('input[aria-label="Search the log"]', 'chatty succeeded'); // one line, however many ticks ran
    await page.locator('.logs-status', { hasText: /^1 of \d+ lines/ }).waitFor();
  });

  it('keeps the Gantt chart\'s time axis and step names in view while it scrolls', async () => {
    await page.goto(`${server.url}/#/runs`);
    await page.locator('table.data tbody tr', { hasText: '+revenue' }).first().locator('a').click();
    const gantt = page.locator('[data-testid="gantt"]');
    await gantt.locator('rect').first().waitFor();
    // Few rows: shrink the box so that it scrolls, then scroll down and (zoomed in) sideways.
    await gantt.evaluate((el) => { el.style.maxHeight = '60px'; el.scrollTop = 40; });
    await page.click('button[aria-label="Zoom into the timeline"]');
    await page.locator('[data-testid="gantt"][data-zoom="2"]').waitFor();
    await gantt.evaluate((el) => { el.scrollLeft = 300; });
    const [box, axis, labels] = await Promise.all([gantt, page.locator('[data-testid="gantt-axis"]'), gantt.locator('.gantt-labels')].map((l) => l.boundingBox()));
    assert.ok((await gantt.evaluate((el) => el.scrollTop)) > 0 && (await gantt.evaluate((el) => el.scrollLeft)) > 0, 'the chart scrolled both ways');
    assert.ok(Math.abs(axis!.y - box!.y) < 1, `axis at the top: ${axis!.y} vs ${box!.y}`);
    assert.ok(Math.abs(labels!.x - box!.x) < 1, `step names at the left: ${labels!.x} vs ${box!.x}`);
  });

  it('is usable from the keyboard on the lineage graph: Tab to an asset, Space selects, Escape clears, Enter opens', async () => {
    await page.goto(`${server.url}/#/lineage`);
    await page.locator('[data-asset="orders"]').waitFor();
    await page.locator('button', { hasText: 'Close all' }).focus();
    let focused: string | null = null;
    for (let i = 0; i < 20 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-asset') ?? null);
    }
    assert.ok(focused, 'Tab reaches the asset nodes');
    await page.focus('[data-asset="orders"]');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'none', 'focus is visible');
    await page.keyboard.press(' ');
    await page.locator('[data-asset="orders"][aria-pressed="true"]').waitFor();
    assert.equal(await page.inputValue('#lineage-select'), 'orders');
    await page.locator('aside.lineage-side h2', { hasText: 'orders' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-asset="orders"][aria-pressed="false"]').waitFor();
    assert.equal(await page.inputValue('#lineage-select'), '');
    assert.equal(await page.locator('aside.lineage-side').count(), 0);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/assets\/orders$/);
  });

  it('loads older materializations and check evaluations, and keeps the runs list\'s page across a reload and Back', async () => {
    const count = async () => (await api<{ items: unknown[] }>('/api/assets/orders/materializations?limit=200')).items.length;
    for (let n = await count(); n <= 50; n++) assert.equal(await runToEnd('orders'), 'SUCCESS');
    const total = await count();
    await page.goto(`${server.url}/#/assets/orders`);
    const rows = page.locator('[data-testid="asset-materializations"] tbody tr');
    await page.locator('.card-head h2', { hasText: 'Materializations (50+)' }).waitFor();
    assert.equal(await rows.count(), 50);
    await page.click('text=Load older materializations');
    await page.locator('.card-head h2', { hasText: `Materializations (${total})` }).waitFor();
    assert.equal(await rows.count(), total);
    assert.equal(await page.locator('text=Load older materializations').count(), 0, 'no more to load');
    const dots = page.locator('[data-check="unique_order_id"] .history-dots a');
    assert.equal(await dots.count(), 30);
    assert.equal(await dots.first().innerText(), '✓', 'a glyph, not colour alone');
    await page.locator('[data-check="unique_order_id"] button', { hasText: 'Load older evaluations' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-check="unique_order_id"] .history-dots a').length > 30);

    await page.goto(`${server.url}/#/runs`);
    const range = page.locator('[data-testid="runs-range"]');
    const firstRun = () => page.locator('table.data tbody tr td:first-child').first().innerText();
    // The range label follows the URL at once; the rows follow when their page has loaded: wait for the rows.
    const rowsChangedFrom = (previous: string) => page.waitForFunction(
      (prev) => { const cell = document.querySelector('table.data tbody tr td'); return !!cell && (cell as HTMLElement).innerText !== prev; }, previous);
    await range.filter({ hasText: /^1–25 of/ }).waitFor();
    const firstPageRun = await firstRun();
    await page.click('text=Older →');
    await range.filter({ hasText: /^26–50 of/ }).waitFor();
    await rowsChangedFrom(firstPageRun);
    const second = page.url();
    const secondPageRun = await firstRun();
    await page.click('text=Older →');
    await range.filter({ hasText: /^51–/ }).waitFor();
    await rowsChangedFrom(secondPageRun);
    const thirdPageRun = await firstRun();
    await page.reload();
    await range.filter({ hasText: /^51–/ }).waitFor();
    await page.click('text=← Newer');
    await range.filter({ hasText: /^26–50 of/ }).waitFor();
    await rowsChangedFrom(thirdPageRun);
    assert.equal(page.url(), second);
    assert.equal(await firstRun(), secondPageRun);
    await page.goBack();
    await range.filter({ hasText: /^51–/ }).waitFor();
  });

  it('cancels a running run', async () => {
    rmSync(join(project.dir, 'release'));
    await materializeFromLineage('chatty');
    await page.locator('[data-testid="log-line"]', { hasText: 'tick 2' }).waitFor();
    await page.click('text=Cancel run');
    await waitForRunStatus(page, 'CANCELED');
    // The step it stopped is cancelled, as the terminal says, not failed; one spelling.
    await page.locator('td .badge[data-status="canceled"]', { hasText: 'Cancelled' }).first().waitFor();
    writeFileSync(join(project.dir, 'release'), '');
  });

  it('re-executes from failure once the failing check is fixed; shows a broken definition instead of the graph', async () => {
    const failedRun = await materializeFromLineage('+report');
    await waitForRunStatus(page, 'FAILURE');
    await page.locator('[data-testid="run-checks"] tr', { hasText: 'quality_rows' }).locator('.badge[data-status="failed"]').waitFor();

    // A broken definition file: the server keeps the last good definitions and the lineage page shows the error.
    await page.goto(`${server.url}/#/lineage`);
    await page.locator('[data-asset="quality"]').waitFor();
    writeFileSync(join(project.dir, 'definitions/sales.ts'), `${qualityFile(3)}\nexport const broken = ;\n`);
    assert.equal((await server.reload()).type, 'project_load_failed');
    const error = page.locator('[data-testid="load-error"]');
    await error.waitFor();
    assert.match(await error.innerText(), /definitions\/sales\.ts/);

    // Fixed: the graph is back (pushed by the stream, no reload of the page) and the failed run can go on.
    writeFileSync(join(project.dir, 'definitions/sales.ts'), qualityFile(3));
    assert.equal((await server.reload()).type, 'project_reloaded');
    await page.locator('[data-asset="quality"]').waitFor();
    await page.goto(`${server.url}/#/runs/${failedRun}`);
    await page.click('text=Re-execute from failure');
    await page.waitForURL((url) => !url.href.includes(failedRun));
    await waitForRunStatus(page, 'SUCCESS');
    const child = await api<{ run: { parentRunId: string; trigger: string; stepKeys: string[] } }>(`/api/runs/${/#\/runs\/([0-9a-f-]{36})/.exec(page.url())![1]}`);
    assert.equal(child.run.parentRunId, failedRun);
    assert.equal(child.run.trigger, 'reexecution');
    assert.deepEqual([...child.run.stepKeys].sort(), ['quality', 'report']);
    await page.locator('.run-meta a', { hasText: failedRun.slice(0, 8) }).waitFor();
  });

  it('shows the project\'s warnings (a secret too short to mask) under the header, on every page', async () => {
    const config = join(project.dir, 'weir.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, `${original}settings:\n  pin: { default: '4711', secret: true }\n`);
    try {
      assert.equal((await server.reload()).type, 'project_reloaded');
      for (const at of ['#/', '#/runs']) {
        await page.goto(`${server.url}/${at}`);
        await page.reload(); // the project is read at start and on the stream's news; a reload makes it certain
        const banner = page.locator('[data-testid="project-warnings"]');
        await banner.waitFor();
        const text = await banner.innerText();
        assert.match(text, /^1 project warning\s+weir\.yaml: secret setting 'pin' has a value of only 4 characters/);
        assert.ok(!text.includes('4711'));
      }
    } finally {
      writeFileSync(config, original);
      await server.reload();
    }
    await page.reload();
    await page.locator('.project-name', { hasText: 'ui_shop' }).waitFor();
    assert.equal(await page.locator('[data-testid="project-warnings"]').count(), 0, 'gone once fixed');
  });

  it('asks for the access token when the server requires one', async () => {
    const port = server.port;
    await server.close();
    server = await startUiServer(project.dir, { port, security: { token: 'let-me-in' } });
    await page.goto(`${server.url}/#/checks`);
    await page.fill('#token', 'wrong');
    await page.click('button[type="submit"]');
    await page.locator('.form-error', { hasText: 'not this server' }).waitFor();
    await page.fill('#token', 'let-me-in');
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="checks-table"]').waitFor();
  });

  it('raised no script error on any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

// The lineage and asset pages in a real headless Chromium against a real Weir server on a temporary project:
// selections in the CLI's grammar, double-click, the side panel beside the selected node, a broken definition file
// and its fix, the declaration as written, the SQL a materialization ran, and an unknown asset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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
  demoProject(project.dir);
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

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${server.url}${path}`)).json()) as T;
}
async function runToEnd(select: string): Promise<string> {
  const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select }) });
  const { runId } = (await response.json()) as { runId: string };
  for (;;) {
    const { run } = await api<{ run: { status: string } }>(`/api/runs/${runId}`);
    if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) return runId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
/** A fresh load of the lineage page (a hash change alone keeps the canvas and where it was panned). */
async function openLineage(p: Page): Promise<void> {
  await p.goto(`${server.url}/?load=${Date.now()}#/lineage`);
  await p.locator('.lineage[data-layout-ready="true"] [data-asset="orders"]').waitFor();
}
const selectedKeys = (p: Page) => p.locator('.asset-node.selected').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-asset')).sort());

describe('lineage page', () => {
  it('resolves every selection the CLI accepts (tag:, group:, graph operators) and launches it', async () => {
    await openLineage(page);
    const button = page.locator('[data-testid="materialize"]');
    await page.fill('#lineage-select', 'tag:daily+');
    await page.locator('[data-testid="materialize"]:has-text("Materialize selected (4)")').waitFor();
    assert.deepEqual(await selectedKeys(page), ['orders', 'quality', 'report', 'revenue']);
    assert.equal(await button.isEnabled(), true, 'tag: selections can be materialized');

    // An intersection: in the group sales and upstream of report (report itself included).
    await page.fill('#lineage-select', 'group:sales,+report');
    await page.locator('[data-testid="materialize"]:has-text("Materialize selected (3)")').waitFor();
    assert.deepEqual(await selectedKeys(page), ['quality', 'report', 'revenue']);
    // @quality: quality, what reads it (report), and everything those need (revenue too, for report).
    await page.fill('#lineage-select', '@quality');
    await page.locator('[data-testid="materialize"]:has-text("Materialize selected (5)")').waitFor();
    assert.deepEqual(await selectedKeys(page), ['orders', 'orders_file', 'quality', 'report', 'revenue']);

    // The parser's own messages: an unknown method, and a key that matches nothing with its suggestion.
    await page.fill('#lineage-select', 'colour:red');
    await page.locator('[data-testid="selection-error"]', { hasText: "unknown method 'colour'" }).waitFor();
    assert.equal(await button.isDisabled(), true);
    await page.fill('#lineage-select', 'ordrs');
    await page.locator('[data-testid="selection-error"]', { hasText: "Did you mean 'orders'" }).waitFor();
    assert.equal(await button.isDisabled(), true);

    await page.fill('#lineage-select', 'group:raw');
    await page.locator('[data-testid="materialize"]:has-text("Materialize selected (2)")').waitFor();
    await button.click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}/);
    const runId = /#\/runs\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const { run } = await api<{ run: { stepKeys: string[] } }>(`/api/runs/${runId}`);
    assert.deepEqual([...run.stepKeys].sort(), ['orders', 'orders_file'], 'the run has the steps the page showed');
  });

  it('opens the asset page on a double click', async () => {
    await openLineage(page);
    await page.locator('[data-asset="quality"]').dblclick();
    await page.waitForURL(/#\/assets\/quality$/);
    await page.locator('h1', { hasText: 'quality' }).waitFor();
  });

  it('pans so the side panel never covers the selected asset', async () => {
    await openLineage(page);
    const node = page.locator('[data-asset="report"]');
    const before = (await node.boundingBox())!;
    await node.click();
    const panel = page.locator('aside.lineage-side');
    await panel.waitFor();
    const side = (await panel.boundingBox())!;
    assert.ok(before.x + before.width > side.x, 'the test needs a node the panel would cover');
    await page.waitForFunction(({ key, left }) => {
      // Off-screen nodes are not rendered at all (onlyRenderVisibleElements).
      const box = document.querySelector(`[data-asset="${key}"]`)?.getBoundingClientRect();
      return !!box && box.right <= left && box.left >= 0;
    }, { key: 'report', left: side.x });
  });

  it('keeps the last good graph under a banner while a file is broken, and shows the fix within a second of the reload', async () => {
    await openLineage(page);
    writeFileSync(join(project.dir, 'definitions/sales.ts'), `${qualityFile(3)}\nexport const broken = ;\n`);
    assert.equal((await server.reload()).type, 'project_load_failed');
    const banner = page.locator('[data-testid="load-error"]');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /definitions\/sales\.ts:\d+ has an error/);
    assert.match(text, /Fix the file and save; the page reloads/);
    assert.equal(await page.locator('[data-asset="quality"]').isVisible(), true, 'the last good graph stays');

    writeFileSync(join(project.dir, 'definitions/sales.ts'),
      `${qualityFile(3)}\nexport const extra = asset({ key: 'extra', group: 'sales', inputs: { revenue } }, ({ revenue }) => \`select * from \${revenue}\`);\n`);
    assert.equal((await server.reload()).type, 'project_reloaded');
    // Pushed by the event stream: the app's fallback poll (15 s) would miss this bound.
    await page.locator('[data-asset="extra"]').waitFor({ timeout: 3000 });
    assert.equal(await banner.count(), 0);
  });
});

describe('asset page', () => {
  it('shows the declaration as written and the SQL each materialization ran', async () => {
    const first = await runToEnd('+revenue');
    writeFileSync(join(project.dir, 'definitions/sales.ts'), qualityFile(3).replace("where status = 'paid'", "where status <> 'refunded'"));
    assert.equal((await server.reload()).type, 'project_reloaded');
    await runToEnd('revenue');

    await page.goto(`${server.url}/#/assets/revenue`);
    const code = page.locator('[data-testid="code-code"]');
    await code.waitFor();
    const written = await code.innerText();
    assert.match(written, /^export const revenue = asset\(/);
    assert.ok(written.includes("({ orders }) => `select customer, sum(amount) as revenue from ${orders} where status <> 'refunded'"), written);

    await page.click('[role="tab"]:has-text("SQL that ran")');
    assert.match(await page.locator('[data-testid="code-sql"]').innerText(), /where status <> 'refunded'/);
    // The older materialization ran the older SQL.
    await page.locator('[data-testid="asset-materializations"] tr', { has: page.locator(`a:has-text("${first.slice(0, 8)}")`) }).locator('button.link-button').click();
    await page.locator('[data-testid="code-sql"]', { hasText: "where status = 'paid'" }).waitFor();
  });

  it('shows not-found for an unknown key, never the asset shown before', async () => {
    await page.goto(`${server.url}/#/assets/revenue`);
    await page.locator('h1', { hasText: 'revenue' }).waitFor();
    await page.goto(`${server.url}/#/assets/no_such_asset`);
    await page.locator('[data-testid="asset-not-found"]', { hasText: "No asset 'no_such_asset'" }).waitFor();
    assert.equal(await page.locator('h1', { hasText: 'revenue' }).count(), 0);
  });

  it('raised no script error on any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

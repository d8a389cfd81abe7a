// The web UI in a real Chromium whose site data is blocked (localStorage and sessionStorage throw a SecurityError,
// as with "block all cookies"): every page still renders, the theme toggle still works (remembered in memory).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { demoProject, launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const project = tempProject('weir-ui-storage-');
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

/** Runs in the page before its scripts: any read of localStorage or sessionStorage throws, as a blocking browser does. */
function blockStorage(): void {
  for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(window, name, {
      configurable: true,
      get() { throw new DOMException(`The user denied access to ${name}.`, 'SecurityError'); },
    });
  }
}

before(async () => {
  demoProject(project.dir, { qualityRows: 3 });
  [server, browser] = await Promise.all([startUiServer(project.dir), launchBrowser()]);
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(blockStorage);
});
after(async () => {
  await browser?.cleanup();
  await server?.close();
  project.remove();
});

describe('web UI with blocked storage', () => {
  it('really blocks storage in the page', async () => {
    await page.goto(`${server.url}/`);
    const blocked = await page.evaluate(() => { try { void window.localStorage; return false; } catch { return true; } });
    assert.equal(blocked, true);
  });

  it('renders the overview, lineage, an asset and the runs pages without a script error', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('.theme-toggle').waitFor();
    await page.goto(`${server.url}/#/lineage`);
    await page.locator('[data-asset="orders"]').waitFor();
    await page.goto(`${server.url}/#/assets/revenue`);
    await page.getByText('Paid revenue per customer').first().waitFor();
    await page.goto(`${server.url}/#/runs`);
    await page.locator('main').waitFor();
    assert.deepEqual(pageErrors, []);
  });

  it('toggles the theme and keeps the choice while the page lives', async () => {
    await page.goto(`${server.url}/`);
    const toggle = page.locator('.theme-toggle');
    await toggle.waitFor();
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await toggle.click();
    await page.waitForFunction((was) => document.documentElement.dataset.theme !== was, before);
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.notEqual(after, before);
    await page.goto(`${server.url}/#/lineage`);
    await page.locator('[data-asset="orders"]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), after);
    assert.deepEqual(pageErrors, []);
  });
});

// The Backfills page in a real headless Chromium against a real Weir server composed as `weir dev` composes it (API,
// backfillControl, the automation host running the backfill loop, the in-process launcher) on a temporary project:
// a bad key, a launch with progress per state and per partition, cancel of the whole backfill, re-run of the failed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAutomation } from '../../weir/src/cli/automation-runtime.ts';
import { openLocalInstance } from '../../weir/src/cli/local-instance.ts';
import { backfillControl } from '../../weir/src/scheduler/backfill-control.ts';
import { createApp, inProcessLauncher, startServer } from '../../weir/src/server/index.ts';
import { launchBrowser, tempProject, UI_DIST } from './ui-server.ts';

const WAIT_MS = 20_000;
const project = tempProject('weir-ui-backfills-');
let url = '';
let close: () => Promise<void> = async () => undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];
const SCREENSHOT = process.env.WEIR_BACKFILL_SCREENSHOT ?? join(project.dir, 'backfills.png');

/** `sales` by month, 2025: 2025-03 fails until the file `fixed` exists; from 2025-07 on, a run waits for `release`. */
function writeDemo(dir: string): void {
  writeFileSync(join(dir, 'weir.yaml'), 'name: ui_backfills\ndefinitions: definitions/**/*.ts\n');
  mkdirSync(join(dir, 'definitions'), { recursive: true });
  writeFileSync(join(dir, 'definitions', 'sales.ts'), `import { asset, timePartitions } from 'weir';
import { existsSync } from 'node:fs';
const root = ${JSON.stringify(dir)};
export const sales = asset({ key: 'sales', partitions: timePartitions({ unit: 'month', start: '2025-01', end: '2026-01' }) }, async (_inputs, ctx) => {
  const key = ctx.partition!.key;
  if (key === '2025-03' && !existsSync(root + '/fixed')) throw new Error('no export for ' + key);
  while (key >= '2025-07' && !existsSync(root + '/release')) {
    if (ctx.signal.aborted) throw new Error('cancelled');
    await new Promise((r) => setTimeout(r, 40));
  }
  return \`select '\${key}' as month\`;
});
`);
}
before(async () => {
  writeDemo(project.dir);
  process.setSourceMapsEnabled(true);
  const instance = await openLocalInstance(project.dir);
  const snapshot = { definitions: instance.loaded.definitions, graph: instance.graph };
  const launcher = inProcessLauncher({ project: () => snapshot, storage: instance.storage, warehouse: () => instance.warehouse() });
  const app = createApp({
    project: () => snapshot, storage: instance.storage, launcher, subscribe: launcher.subscribe, staticRoot: UI_DIST, pollIntervalMs: 50,
    backfills: backfillControl({ project: () => snapshot, storage: instance.storage }),
  });
  await instance.warehouse();
  const server = await startServer({ app, port: 0 });
  const automation = startAutomation({ instance, project: () => snapshot, launcher, log: () => undefined, serverUrl: server.url });
  url = server.url;
  close = async () => {
    await automation.stop();
    for (const runId of launcher.running()) await launcher.cancel(runId);
    await launcher.idle();
    await server.close();
    await instance.close();
  };
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  await close();
  project.remove();
});

const stat = (state: string) => page.locator(`[data-testid="backfill-detail"] .stat[data-state="${state}"] .value`);
async function waitForStats(expected: Record<string, string>): Promise<void> {
  for (const [state, value] of Object.entries(expected)) {
    await page.waitForFunction(([s, v]) => document.querySelector(`[data-testid="backfill-detail"] .stat[data-state="${s}"] .value`)?.textContent === v, [state, value]);
  }
}

describe('Backfills page', () => {
  it('launches a backfill, shows it per state and per partition, cancels it as a whole, and re-runs the failed partitions', async () => {
    await page.goto(`${url}/#/backfills`);
    await page.locator('nav a.active', { hasText: 'Backfills' }).waitFor();
    await page.getByText('No backfills yet').waitFor();

    // A key outside the definition: the server's message, nothing recorded.
    await page.fill('#backfill-select', 'sales');
    await page.fill('#backfill-from', '2025-01');
    await page.fill('#backfill-to', '2030-01');
    await page.click('[data-testid="launch-backfill"]');
    const error = await page.locator('.form-error').textContent();
    assert.match(error ?? '', /partition '2030-01' is not one of sales's partitions \(valid: .*2025-01 … 2025-12, 12 partitions\)/);

    await page.fill('#backfill-to', '2025-12');
    await page.fill('#backfill-concurrency', '2');
    await page.click('[data-testid="launch-backfill"]');
    await page.locator('[data-testid="backfill-detail"]').waitFor();
    // 01–06 run (03 fails), 07 and 08 hang, 09–12 wait.
    await waitForStats({ SUCCESS: '5', FAILURE: '1', RUNNING: '2', QUEUED: '4' });
    const strip = await page.locator('[data-testid="partition-strip"] > a').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
    assert.deepEqual(strip, ['SUCCESS', 'FAILURE', 'SUCCESS', 'RUNNING', 'QUEUED']);
    const rows = await page.locator('[data-testid="partition-ranges"] tbody tr td:first-child').allTextContents();
    assert.deepEqual(rows, ['2025-01 … 2025-02', '2025-03', '2025-04 … 2025-06', '2025-07 … 2025-08', '2025-09 … 2025-12']);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.click('[data-testid="backfill-detail"] [data-testid="cancel-backfill"]');
    await page.locator('[data-testid="backfill-detail"] .card-head .badge[data-status="CANCELED"]').waitFor();
    await waitForStats({ SUCCESS: '5', FAILURE: '1', CANCELED: '2', RUNNING: '0', QUEUED: '4' });
    const runs = (await (await fetch(`${url}/api/runs?trigger=backfill&limit=50`)).json()) as { runs: unknown[] };
    assert.equal(runs.runs.length, 8, 'nothing started after the cancel');

    writeFileSync(join(project.dir, 'fixed'), '');
    writeFileSync(join(project.dir, 'release'), '');
    await page.click('[data-testid="backfill-detail"] [data-testid="retry-backfill"]');
    await page.getByText('re-runs the failed partitions of').waitFor();
    await page.locator('[data-testid="backfill-detail"] .card-head .badge[data-status="COMPLETED"]').waitFor();
    assert.equal(await stat('SUCCESS').textContent(), '3');
    assert.equal(await page.locator('[data-testid="backfills-table"] tbody tr').count(), 2);
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-retried.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});

// The partition strip in a real headless Chromium against a real Weir server: 100,000+ hourly partitions drawn from
// status ranges (a failure among them stays visible), zoom, one partition selected and materialized with its key,
// and a range selected for a backfill.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, startUiServer, tempProject, type UiServer } from './ui-server.ts';

const WAIT_MS = 15_000;
const project = tempProject('weir-ui-partitions-');
let server: UiServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

/** Hourly partitions since 2015 in Brussels (more than 100,000), one failing hour, and an unpartitioned asset. */
export function partitionedProject(dir: string): string {
  mkdirSync(join(dir, 'definitions'), { recursive: true });
  writeFileSync(join(dir, 'weir.yaml'), 'name: ui_partitions\ndefinitions: definitions/**/*.ts\n');
  writeFileSync(join(dir, 'definitions/hours.ts'), `import { asset, timePartitions, value } from 'weir';
export const hours = timePartitions({ unit: 'hour', start: '2015-01-01', timezone: 'Europe/Brussels' });
export const readings = asset({ key: 'readings', partitions: hours, checks: [value({ sql: 'select min(v) from {{ this }}', min: 0 })] },
  (_, ctx) => \`select \${ctx.partition!.key.startsWith('2020-06-01T12') ? -1 : 1} as v\`);
export const plain = asset({ key: 'plain' }, () => 'select 1 as v');
`);
  return dir;
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await fetch(`${server.url}${path}`, init)).json()) as T;
}
async function runToEnd(body: Record<string, unknown>): Promise<string> {
  const { runId } = await api<{ runId: string }>('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (;;) {
    const { run } = await api<{ run: { status: string } }>(`/api/runs/${runId}`);
    if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status)) return runId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

before(async () => {
  partitionedProject(project.dir);
  [server, browser] = await Promise.all([startUiServer(project.dir), launchBrowser()]);
  for (const partition of ['2020-06-01T10:00+02:00', '2020-06-01T11:00+02:00', '2020-06-01T12:00+02:00']) await runToEnd({ select: 'readings', partition });
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
after(async () => {
  await browser?.cleanup();
  await server?.close();
  project.remove();
});

const segments = (p: Page) => p.locator('[data-testid="partition-strip"] .partition-segment').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')));

describe('partition strip', () => {
  it('draws 100,000+ partitions from a few ranges, the failure visible, and zooms', async () => {
    await page.goto(`${server.url}/#/assets/readings`);
    await page.locator('[data-testid="partition-strip"] .partition-segment').first().waitFor();
    const { definition } = await api<{ definition: { count: number } }>('/api/assets/readings/partitions');
    assert.ok(definition.count > 100_000, String(definition.count));
    const statuses = await segments(page);
    assert.ok(statuses.length < 20, `a handful of segments, not one per partition: ${statuses.length}`);
    assert.ok(statuses.includes('FAILED'), statuses.join());
    assert.equal(await page.locator('.partition-legend-item[data-status="FAILED"]').innerText(), '1 failed');
    assert.match(await page.locator('.partition-legend-item[data-status="MATERIALIZED"]').innerText(), /^2 materialized$/);
    assert.equal(await page.getByTestId('partition-first').innerText(), '2015-01-01T00:00+01:00');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const track = page.getByTestId('partition-strip');
    const span = Number(await track.getAttribute('data-view-end')) - Number(await track.getAttribute('data-view-start'));
    assert.ok(Math.abs(span - definition.count / 16) < 2, `${span} after two ×4 zooms of ${definition.count}`);
    await page.getByRole('button', { name: 'Show all' }).click();
    assert.deepEqual(pageErrors, []);
  });

  it('selects one partition and materializes it with its key', async () => {
    await page.goto(`${server.url}/?load=${Date.now()}#/assets/readings`);
    const track = page.getByTestId('partition-strip');
    await track.locator('.partition-segment').first().waitFor();
    const box = (await track.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.getByTestId('partition-selected').getByText(/^Partition /).waitFor();
    const key = await page.getByTestId('partition-selected').locator('b.mono').first().innerText();
    assert.match(key, /^\d{4}-\d{2}-\d{2}T\d{2}:00[+-]\d{2}:\d{2}$/);
    await page.getByRole('button', { name: 'Materialize partition' }).click();
    await page.waitForURL(/#\/runs\/[0-9A-Za-z-]+/);
    const runId = page.url().split('#/runs/')[1]!.split('?')[0]!;
    const { run } = await api<{ run: { tags: Record<string, string> } }>(`/api/runs/${runId}`);
    assert.equal(run.tags['weir/partition'], key);
  });

  it('selects a range by dragging and asks for a backfill of exactly that range', async () => {
    await page.goto(`${server.url}/?load=${Date.now()}#/assets/readings`);
    const track = page.getByTestId('partition-strip');
    await track.locator('.partition-segment').first().waitFor();
    const box = (await track.boundingBox())!;
    const requests: Array<Record<string, unknown>> = [];
    page.on('request', (request) => { if (request.url().endsWith('/api/backfills')) requests.push(request.postDataJSON() as Record<string, unknown>); });
    await page.mouse.move(box.x + box.width * 0.2, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + 10, { steps: 5 });
    await page.mouse.up();
    const button = page.getByRole('button', { name: /^Backfill [\d,]+ partitions$/ });
    await button.waitFor();
    await page.getByTestId('partition-selected').getByText(/ … /).waitFor();
    const [from, to] = await page.getByTestId('partition-selected').locator('b.mono').allInnerTexts();
    await button.click();
    await page.waitForFunction(() => document.querySelector('.partition-strip [role="alert"]') || location.hash.startsWith('#/backfills'));
    assert.deepEqual(requests, [{ select: 'readings', from, to }]);
    // merge: until the backfills helper's POST /api/backfills is merged the server answers 404, shown as an error.
    // WEIR_SCREENSHOT_DIR keeps the picture (the project folder is removed after the test).
    await page.screenshot({ path: join(process.env.WEIR_SCREENSHOT_DIR ?? project.dir, 'partition-strip.png'), fullPage: false });
    assert.deepEqual(pageErrors, []);
  });

  it('shows no strip for an unpartitioned asset', async () => {
    await page.goto(`${server.url}/?load=${Date.now()}#/assets/plain`);
    await page.locator('h1', { hasText: 'plain' }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('partition-strip').count(), 0);
  });
});

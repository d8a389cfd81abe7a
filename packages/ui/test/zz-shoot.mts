import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoProject, launchBrowser, startUiServer, tempProject } from './ui-server.ts';
const project = tempProject();
demoProject(project.dir, { qualityRows: 4 });
writeFileSync(join(project.dir, 'release'), '');
const server = await startUiServer(project.dir);
const browser = await launchBrowser();
const page = await browser.newPage();
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
page.on('console', (m) => { if (m.type() === 'error') console.log('CONSOLE', m.text()); });
for (let i = 0; i < 2; i++) {
  const r = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ select: '*' }) });
  const { runId } = await r.json() as { runId: string };
  for (;;) { const { run } = await (await fetch(`${server.url}/api/runs/${runId}`)).json() as any; if (['SUCCESS','FAILURE','CANCELED'].includes(run.status)) break; await new Promise((r) => setTimeout(r, 50)); }
}
const shots = process.env.SHOTS?.split(',') ?? ['lineage'];
for (const theme of ['light', 'dark']) {
  await page.goto(`${server.url}/#/`);
  await page.evaluate((t) => localStorage.setItem('weir.theme', t), theme);
  await page.reload();
  await page.goto(`${server.url}/#/lineage`);
  await page.locator('[data-asset="orders"]').waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: `/tmp/shots/lineage-${theme}.png` });
  await page.click('[data-asset="revenue"]');
  await page.waitForTimeout(600);
  await page.screenshot({ path: `/tmp/shots/lineage-side-${theme}.png` });
  await page.fill('#lineage-select', 'tag:daily+');
  await page.waitForTimeout(600);
  await page.screenshot({ path: `/tmp/shots/lineage-tag-${theme}.png` });
  await page.goto(`${server.url}/#/assets/revenue`);
  await page.locator('h1', { hasText: 'revenue' }).waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `/tmp/shots/asset-${theme}.png`, fullPage: true });
  await page.goto(`${server.url}/#/`);
  await page.waitForTimeout(600);
  await page.screenshot({ path: `/tmp/shots/home-${theme}.png`, fullPage: true });
}
await browser.cleanup();
await server.close();
project.remove();

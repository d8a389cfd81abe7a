// The lineage page in headless Chromium over generated graphs: time to the first useful render (groups laid out
// and drawn), the same with the layout cache warm (a reload), and opening a group. Targets: < 3 s at 10,000
// assets, < 1 s to open a group of 500.
//
//   node bench/ui-lineage.mjs [--sizes 1000,10000] [--groups 20]
import { loadNote, ms, table } from './lib.mjs';
import { browserContext, generatedAssets, requireUi, serveProject } from './ui-lib.mjs';

requireUi();
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '1000,10000').split(',').map(Number);
const groups = Number(arg('groups', '20'));
console.log(loadNote());

const rows = [];
for (const size of sizes) {
  const built = performance.now();
  const assets = generatedAssets(size, groups);
  const server = await serveProject({ assets });
  const edges = (await (await fetch(`${server.url}/api/lineage`)).json()).edges.length;
  const apiStarted = performance.now();
  const lineageBytes = (await (await fetch(`${server.url}/api/lineage`)).text()).length;
  const apiMs = performance.now() - apiStarted;
  const { context, close } = await browserContext();
  const page = await context.newPage();
  const firstRender = async () => {
    await page.waitForFunction(() => document.querySelector('[data-layout-ready="true"]') && document.querySelectorAll('.react-flow__node').length > 0, null, { timeout: 60_000 });
    return page.evaluate(() => performance.now());
  };
  await page.goto(`${server.url}/#/lineage`);
  const cold = await firstRender();
  await page.reload();
  const warm = await firstRender();
  // Open a group whose inside was never laid out: click → its assets drawn. First right away (ELK's worker may
  // still be starting), then another after the page has been idle for 3 s (as when a user looks before clicking).
  const openGroup = (group) => page.evaluate(async (group) => {
    const started = performance.now();
    document.querySelector(`[data-group="${group}"] button`).click();
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const node = document.querySelector(`[data-group="${group}"]`);
      if (node && !node.classList.contains('closed') && document.querySelector(`[data-asset^="g${group.slice(-2)}_"]`)) {
        return { total: performance.now() - started, layout: Number(document.querySelector('[data-layout-ms]').dataset.layoutMs) };
      }
      if (performance.now() - started > 60_000) return { total: NaN, layout: NaN };
    }
  }, group);
  const openNow = await openGroup('group_01');
  await page.waitForTimeout(3000);
  const openIdle = await openGroup('group_02');
  const groupSize = Math.ceil(size / groups);
  rows.push([`${size.toLocaleString()} assets, ${groups} groups, ${edges.toLocaleString()} edges`, ms(apiMs), `${(lineageBytes / 1024).toFixed(0)} KB`, ms(cold), ms(warm), `${ms(openNow.total)} (layout ${ms(openNow.layout)})`, `${ms(openIdle.total)} (layout ${ms(openIdle.layout)})`, groupSize]);
  console.log(`generated and served ${size} assets in ${ms(performance.now() - built)}`);
  await close();
  await server.close();
}
console.log();
console.log(table(['graph', 'GET /api/lineage', 'answer', 'first render (cold)', 'first render (layout cached)', 'open a group at once', 'open a group after 3 s idle', 'group size'], rows));
console.log('\nfirst render: from navigation start to the laid-out groups drawn; cold = fresh browser profile (no layout cache).');

// How soon the lineage page shows a fixed definition file: from the server's reload (the moment `weir dev` has the
// new definitions) to the new asset drawn, against a fresh load of the same page measured in the same run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLocalInstance } from '../packages/weir/dist/cli/local-instance.js';
import { watchProject } from '../packages/weir/dist/cli/project-watcher.js';
import { createApp, inProcessLauncher, startServer } from '../packages/weir/dist/server/index.js';
import { loadNote, median, ms, ratio, table, tempDir } from './lib.mjs';
import { browserContext, requireUi, UI_DIST } from './ui-lib.mjs';

requireUi();
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 10;
console.log(loadNote());

process.setSourceMapsEnabled(true);
const root = tempDir('weir-reload-bench-');
mkdirSync(join(root, 'definitions'));
writeFileSync(join(root, 'weir.yaml'), 'name: reload_bench\ndefinitions: definitions/*.ts\n');
const base = (extra) => `import { asset } from 'weir';
export const a = asset({ key: 'a', group: 'g' }, () => 'select 1 as x');
export const b = asset({ key: 'b', group: 'g', inputs: { a } }, ({ a }) => \`select * from \${a}\`);
${extra}`;
const file = join(root, 'definitions', 'pipeline.ts');
writeFileSync(file, base(''));

const instance = await openLocalInstance(root);
// No file watching: the benchmark calls reload() itself, so the figure starts when the server has reloaded.
const watcher = watchProject({ initial: instance.loaded, debounceMs: 60_000 });
const launcher = inProcessLauncher({ project: watcher.snapshot, storage: instance.storage, warehouse: () => instance.warehouse() });
const app = createApp({ project: watcher.snapshot, storage: instance.storage, launcher, subscribe: launcher.subscribe, subscribeProject: watcher.subscribe, staticRoot: UI_DIST });
const server = await startServer({ app, port: 0 });
const browser = await browserContext();
const page = await browser.context.newPage();
await page.goto(`${server.url}/#/lineage`);
await page.locator('[data-asset="b"]').waitFor({ timeout: 30_000 });

const fixed = [];
const fresh = [];
for (let i = 0; i < reps; i++) {
  writeFileSync(file, `${base('')}\nexport const broken = ;\n`);
  if ((await watcher.reload()).type !== 'project_load_failed') throw new Error('the broken file loaded');
  await page.locator('[data-testid="load-error"]').waitFor({ timeout: 30_000 });
  writeFileSync(file, base(`export const c${i} = asset({ key: 'c${i}', group: 'g', inputs: { b } }, ({ b }) => \`select * from \${b}\`);`));
  if ((await watcher.reload()).type !== 'project_reloaded') throw new Error('the fixed file did not load');
  const reloaded = performance.now();
  await page.locator(`[data-asset="c${i}"]`).waitFor({ timeout: 30_000 });
  fixed.push(performance.now() - reloaded);

  const started = performance.now();
  await page.goto(`${server.url}/?fresh=${i}#/lineage`);
  await page.locator(`[data-asset="c${i}"]`).waitFor({ timeout: 30_000 });
  fresh.push(performance.now() - started);
}
console.log(`\nLineage page after a broken definition file is fixed (${reps} repetitions)\n`);
console.log(table(['measure', 'median', 'max'], [
  ['server reload → new asset drawn (open page, event stream)', ms(median(fixed)), ms(Math.max(...fixed))],
  ['baseline: fresh load of the page until the asset is drawn', ms(median(fresh)), ms(Math.max(...fresh))],
  ['ratio (median)', ratio(median(fixed), median(fresh)), ''],
]));
await browser.close();
await server.close();
await watcher.close();
await instance.close();

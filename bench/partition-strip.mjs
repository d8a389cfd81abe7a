// The asset page of an asset with 100,000 daily partitions in headless Chromium: first render of the partition strip
// (fresh profile each time), against the same page for an unpartitioned asset in the same run; also the
// `GET /api/assets/:key/partitions` answer and the DOM it becomes. Target: first render < 2 s.
//
// Seeded through the storage API (in-memory SQLite): runs tagged weir/partition with a MATERIALIZATION each, in
// blocks of consecutive days, with failed runs scattered among them, so the strip has thousands of status ranges.
//
//   node bench/partition-strip.mjs [--partitions 100000] [--records 3000] [--reps 5] [--screenshot file.png]
import { randomUUID } from 'node:crypto';
import { asset, timePartitions } from '../packages/weir/dist/index.js';
import { loadNote, median, ms, numberArg, arg, ratio, table } from './lib.mjs';
import { browserContext, requireUi, serveProject } from './ui-lib.mjs';

requireUi();
const PARTITIONS = numberArg('--partitions', 100_000);
const RECORDS = numberArg('--records', 3_000);
const REPS = numberArg('--reps', 5);
const SCREENSHOT = arg('--screenshot', undefined);
console.log(loadNote());

// Daily partitions ending yesterday (UTC): exactly PARTITIONS of them today.
const DAY_MS = 86_400_000;
const start = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - PARTITIONS * DAY_MS).toISOString().slice(0, 10);
const days = timePartitions({ unit: 'day', start });
const readings = asset({ key: 'readings', partitions: days }, () => 'select 1 as v');
const plain = asset({ key: 'plain' }, () => 'select 1 as v');

const seeded = performance.now();
let runs = 0;
const server = await serveProject({
  assets: [readings, plain],
  async seed(storage, project) {
    const now = Date.now();
    const count = days.count(now);
    // Blocks of 1–20 consecutive days materialized, every 9th run a failure, spread over the whole range.
    const record = async (assetKey, partition, failed, at) => {
      const runId = randomUUID();
      runs++;
      await storage.runs.createRun({ runId, project, trigger: 'api', selection: assetKey, stepKeys: [assetKey], createdAt: at, tags: partition ? { 'weir/partition': partition } : {} });
      await storage.events.append({ runId, project, type: 'RUN_START', stepKey: null, timestamp: at, message: '', data: { stepKeys: [assetKey], concurrency: 1 } });
      if (!failed) {
        await storage.events.append({
          runId, project, type: 'ASSET_MATERIALIZATION', stepKey: assetKey, timestamp: at + 5, message: `Materialized main.${assetKey}`,
          data: { assetKey, storage: { kind: 'table', location: `main.${assetKey}` }, rowCount: 1, columns: [{ name: 'v', type: 'INTEGER' }], durationMs: 5, bytes: null, codeVersion: 'c', dataVersion: randomUUID(), upstream: [], metadata: {}, ...(partition ? { partition } : {}) },
        });
      }
      await storage.events.append({ runId, project, type: failed ? 'RUN_FAILURE' : 'RUN_SUCCESS', stepKey: null, timestamp: at + 10, message: '', data: { durationMs: 10, succeeded: failed ? [] : [assetKey], failed: failed ? [assetKey] : [], skipped: [] } });
    };
    let index = 0;
    let written = 0;
    const stride = Math.max(1, Math.floor(count / Math.max(1, RECORDS / 10)));
    while (written < RECORDS && index < count) {
      const block = 1 + (index % 20);
      for (let i = 0; i < block && written < RECORDS && index + i < count; i++, written++) {
        await record('readings', days.keyAt(index + i, now), written % 9 === 8, now - 3_600_000 + written);
      }
      index += stride;
    }
    await record('plain', undefined, false, now - 1000);
  },
});
console.log(`seeded ${runs.toLocaleString()} runs over ${PARTITIONS.toLocaleString()} partitions in ${ms(performance.now() - seeded)}`);

const apiStarted = performance.now();
const body = await (await fetch(`${server.url}/api/assets/readings/partitions`)).text();
const apiMs = performance.now() - apiStarted;
const parsed = JSON.parse(body);
console.log(`GET /api/assets/readings/partitions: ${ms(apiMs)}, ${(body.length / 1024).toFixed(0)} KB, ${parsed.ranges.length.toLocaleString()} ranges for ${parsed.definition.count.toLocaleString()} partitions`);

/** ms from navigation start until `selector` is in the page, with a fresh profile (no cache). */
async function firstRender(path, selector, screenshot) {
  const browser = await browserContext();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/${path}`);
    await page.waitForSelector(selector, { timeout: 30_000 });
    const at = await page.evaluate(() => performance.now());
    const segments = await page.locator('.partition-segment').count();
    if (screenshot) await page.screenshot({ path: screenshot });
    return { at, segments };
  } finally {
    await browser.close();
  }
}

const baseline = [];
const strip = [];
let segments = 0;
// Alternating, so load on the shared machine hits both alike.
for (let rep = 0; rep < REPS; rep++) {
  baseline.push((await firstRender('#/assets/plain', 'dl.props')).at);
  const r = await firstRender('#/assets/readings', '[data-testid="partition-strip"] .partition-segment', rep === REPS - 1 ? SCREENSHOT : undefined);
  strip.push(r.at);
  segments = r.segments;
}
console.log(table(['page', 'first render (median)', 'min', 'vs baseline'], [
  ['asset page, unpartitioned (baseline)', ms(median(baseline)), ms(Math.min(...baseline)), '1.00x'],
  [`asset page, ${PARTITIONS.toLocaleString()} partitions (strip drawn)`, ms(median(strip)), ms(Math.min(...strip)), ratio(median(strip), median(baseline))],
]));
console.log(`${segments.toLocaleString()} segment elements drawn (never one per partition); target: first render < 2,000 ms -> ${median(strip) < 2000 ? 'met' : 'NOT met'}`);
await server.close();

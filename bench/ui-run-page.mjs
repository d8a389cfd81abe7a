// The run page in headless Chromium for a generated run of 1,000 steps and 100,000 log lines (appended through the
// storage API into an in-memory SQLite store): first paint (Gantt and first log lines), all lines loaded, frame
// times while scrolling the log, and a text filter over every line. Target: first paint < 2 s.
//
//   node bench/ui-run-page.mjs [--steps 1000] [--lines-per-step 100] [--screenshot file.png]
import { randomUUID } from 'node:crypto';
import { loadNote, median, ms, table } from './lib.mjs';
import { browserContext, frameTimes, generatedAssets, percentile, requireUi, serveProject } from './ui-lib.mjs';

requireUi();
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STEPS = arg('steps', 1000);
const LINES = arg('lines-per-step', 100);
console.log(loadNote());

const assets = generatedAssets(STEPS, 20);
const runId = randomUUID();
const generated = performance.now();
let eventCount = 0;
const server = await serveProject({
  assets,
  async seed(storage, project) {
    const keys = assets.map((a) => a.key);
    const t0 = Date.now() - 3_600_000;
    await storage.runs.createRun({ runId, project, trigger: 'api', selection: null, stepKeys: keys, createdAt: t0 });
    const append = (e) => { eventCount++; return storage.events.append({ runId, project, message: '', stepKey: null, ...e }); };
    await append({ type: 'RUN_START', timestamp: t0, message: 'Run started', data: { stepKeys: keys, concurrency: 4 } });
    // Four lanes of steps, each step 1–5 s; a few retried.
    const lanes = [t0, t0, t0, t0];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const lane = i % 4;
      const start = lanes[lane] + 10;
      const duration = 1000 + ((i * 7919) % 4000);
      const retried = i % 97 === 0;
      if (retried) {
        await append({ type: 'STEP_START', stepKey: key, timestamp: start, message: `Started ${key}`, data: { attempt: 1, kind: 'asset' } });
        await append({ type: 'STEP_UP_FOR_RETRY', stepKey: key, timestamp: start + 300, message: `${key} failed, retrying`, data: { attempt: 1, nextAttempt: 2, delayMs: 100, error: { message: 'flaky' } } });
      }
      const begin = retried ? start + 400 : start;
      await append({ type: 'STEP_START', stepKey: key, timestamp: begin, message: `Started ${key}`, data: { attempt: retried ? 2 : 1, kind: 'asset' } });
      for (let l = 0; l < LINES; l++) {
        const level = l % 50 === 49 ? 'warn' : l % 10 === 9 ? 'debug' : 'info';
        await append({ type: 'LOG', stepKey: key, timestamp: begin + Math.floor((l * duration) / LINES), message: `${key}: processed batch ${l} of ${LINES} (${(l * 1234) % 99991} rows)`, data: { level } });
      }
      await append({ type: 'STEP_SUCCESS', stepKey: key, timestamp: begin + duration, message: `${key} succeeded`, data: { attempt: retried ? 2 : 1, durationMs: duration } });
      lanes[lane] = begin + duration;
    }
    const end = Math.max(...lanes) + 10;
    await append({ type: 'RUN_SUCCESS', timestamp: end, message: 'Run succeeded', data: { durationMs: end - t0, succeeded: keys, failed: [], skipped: [] } });
  },
});
console.log(`generated ${eventCount.toLocaleString()} events in ${ms(performance.now() - generated)}`);
const timed = async (path) => {
  const started = performance.now();
  const body = await (await fetch(`${server.url}${path}`)).text();
  return `${ms(performance.now() - started)} (${(body.length / 1024).toFixed(0)} KB)`;
};
console.log(`API: GET /api/runs/:id ${await timed(`/api/runs/${runId}`)}, first page of events (1,000) ${await timed(`/api/runs/${runId}/events?limit=1000`)}, a page of 5,000 ${await timed(`/api/runs/${runId}/events?afterId=50000&limit=5000`)}`);

const rows = [];
for (let rep = 0; rep < 2; rep++) {
  const { context, close } = await browserContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/#/runs/${runId}`);
  await page.waitForFunction(() => document.querySelector('.gantt rect') && document.querySelector('[data-testid="log-line"]'), null, { timeout: 60_000 });
  const firstPaint = await page.evaluate(() => performance.now());
  const shot = process.argv.indexOf('--screenshot');
  if (shot > 0 && rep === 0) {
    await page.waitForTimeout(1500);
    await page.screenshot({ path: process.argv[shot + 1], fullPage: true });
  }
  await page.waitForFunction((n) => {
    const text = document.querySelector('.logs-status')?.textContent ?? '';
    return !text.includes('loading') && text.replace(/[^\d ]/g, '').trim().split(/\s+/).map(Number).some((x) => x >= n);
  }, eventCount, { timeout: 120_000 });
  const allLoaded = await page.evaluate(() => performance.now());
  // Scroll the log from the top: 400 frames of 120 px (the virtualiser re-renders rows each frame).
  await page.evaluate(() => { document.querySelector('.logs-scroll').scrollTop = 0; });
  await page.waitForTimeout(300);
  const frames = await frameTimes(page, '.logs-scroll', 400, 120);
  const domRows = await page.evaluate(() => document.querySelectorAll('[data-testid="log-line"]').length);
  const filterMs = await page.evaluate(async () => {
    const input = document.querySelector('input[aria-label="Search the log"]');
    const status = document.querySelector('.logs-status');
    const before = status.textContent;
    const started = performance.now();
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, 'batch 42 ');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    while (status.textContent === before) await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - started;
  });
  rows.push([`#${rep + 1}`, ms(firstPaint), ms(allLoaded), ms(median(frames), 1), ms(percentile(frames, 95), 1), ms(Math.max(...frames), 1), `${((frames.filter((f) => f > 20).length / frames.length) * 100).toFixed(1)} %`, domRows, ms(filterMs)]);
  await close();
}
await server.close();
console.log();
console.log(table(['load', 'first paint', 'all lines loaded', 'frame median', 'frame p95', 'frame max', 'frames > 20 ms', 'rows in DOM', 'text filter'], rows));
console.log(`\n${STEPS.toLocaleString()} steps, ${(STEPS * LINES).toLocaleString()} log lines (${eventCount.toLocaleString()} events). first paint: navigation start to the Gantt chart and the first log lines drawn;`);
console.log('frames: scrolling the log 120 px per animation frame for 400 frames (60 Hz = 16.7 ms per frame).');

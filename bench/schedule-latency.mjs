#!/usr/bin/env node
// From a schedule tick to its run's first step start: the loop pass that sees the tick (decide, record, launch)
// until STEP_START is committed, on a real SQLite metadata file and a real DuckDB file, p50/p99 over 200 ticks.
// Baseline in the same run: the same run launched directly through the launcher (what `weir run` through `weir dev`
// pays). The pass's own position after the tick (the loop runs once a second) is not included: the host's clock.
//   node bench/schedule-latency.mjs [--ticks 200]
import { join } from 'node:path';
import { DIST, loadNote, median, ms, numberArg, ratio, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const { defineSchedule } = await import(join(DIST, 'definitions/schedule.js'));
const { asset } = await import(join(DIST, 'definitions/asset.js'));
const { createScheduleLoop } = await import(join(DIST, 'scheduler/schedule-loop.js'));
const { openSqliteStorage } = await import(join(DIST, 'storage/sqlite/sqlite-storage.js'));
const { buildAssetGraph } = await import(join(DIST, 'graph/asset-graph.js'));
const { inProcessLauncher } = await import(join(DIST, 'engine/in-process-launcher.js'));
const { DuckDbWarehouse } = await import(join(DIST, 'connectors/duckdb/duckdb-warehouse.js'));

const TICKS = numberArg('--ticks', 200);
const dir = tempDir('weir-bench-schedule-latency-');
const project = {
  name: 'latency', root: dir, configFile: join(dir, 'weir.yaml'), warehousePath: join(dir, 'w.duckdb'), metadataPath: join(dir, 'm.sqlite'),
  definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
};
const orders = asset({ key: 'orders' }, () => 'select 1 as id');
const everySecond = defineSchedule({ name: 'every_second', select: 'orders', cron: '* * * * * *' }, { origin: 'typescript' });
const definitions = { project, assets: [orders], externals: [], schedules: [everySecond] };
const snapshot = { definitions, graph: buildAssetGraph(definitions) };
const storage = await openSqliteStorage(project.metadataPath);
const warehouse = await DuckDbWarehouse.open(project.warehousePath);
const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
const loop = createScheduleLoop({ project: () => snapshot, storage, launcher, log: () => undefined });
const signal = new AbortController().signal;

/** Resolves at the next STEP_START committed by the launcher, with performance.now() then. */
function nextStepStart() {
  return new Promise((resolve) => {
    const stop = launcher.subscribe((event) => {
      if (event.type === 'STEP_START') {
        stop();
        resolve(performance.now());
      }
    });
  });
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const T0 = Date.parse('2026-03-01T00:00:00Z');
await loop.runOnce(T0 - 500, signal); // first sight
// Warm-up: the first runs pay module loading and DuckDB's first statements.
for (let i = 0; i < 5; i++) { await launcher.launch({ select: 'orders', trigger: 'api' }); await launcher.idle(); }
// Alternate the two in blocks so that load on the machine hits both alike.
const direct = [];
const scheduled = [];
const BLOCK = 20;
for (let done = 0; done < TICKS; done += BLOCK) {
  const n = Math.min(BLOCK, TICKS - done);
  direct.push(...(await (async () => { const xs = []; for (let i = 0; i < n; i++) { const s = nextStepStart(); const t = performance.now(); await launcher.launch({ select: 'orders', trigger: 'api' }); xs.push((await s) - t); await launcher.idle(); } return xs; })()));
  scheduled.push(...(await (async () => { const xs = []; for (let i = 0; i < n; i++) { const tick = T0 + (done + i) * 1000; const s = nextStepStart(); const t = performance.now(); await loop.runOnce(tick + 20, signal); xs.push((await s) - t); await launcher.idle(); } return xs; })()));
}
direct.sort((a, b) => a - b);
scheduled.sort((a, b) => a - b);
const ticks = await storage.schedules.listTicks('latency', { limit: 1000 });
const submitted = ticks.filter((t) => t.status === 'SUBMITTED').length;
await warehouse.close();
await storage.close();

console.log(loadNote());
console.log(`${TICKS} triggers each, one no-op asset (select 1), SQLite file + DuckDB file`);
console.log(table(['trigger → first STEP_START', 'p50', 'p99', 'max', 'p50 vs direct launch'], [
  ['launcher.launch() directly (baseline)', ms(pct(direct, 50), 1), ms(pct(direct, 99), 1), ms(direct.at(-1), 1), '1.00x'],
  ['schedule tick: loop pass (decide, record, launch)', ms(pct(scheduled, 50), 1), ms(pct(scheduled, 99), 1), ms(scheduled.at(-1), 1), ratio(pct(scheduled, 50), pct(direct, 50))],
]));
console.log(`ticks recorded SUBMITTED: ${submitted} of ${TICKS}; median extra per tick ${ms(median(scheduled) - median(direct), 2)}`);

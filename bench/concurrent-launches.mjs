// Overlapping runs of one asset in one process, as `weir dev` launches them from the UI and the API: N concurrent
// launchRun calls of the same asset on one warehouse (real SQLite metadata file, real DuckDB file). Each must succeed,
// one after another (the asset lock), where without it all but one fail with DuckDB's write-write conflict.
//
//   node packages/weir/scripts/build.mjs && node bench/concurrent-launches.mjs [--runs 20] [--rows 200000]
//
// ~10 s. The asset is staged and audited (a row-count check), so each run does the full write-audit-publish.
// Baseline, in the same process: the same N runs launched one after another. Per run: the wait (launch to its step's
// start), the step itself, and how many "waiting for run …" lines it logged (one per holder it waited behind).
import { asset, rowCount } from '../packages/weir/dist/index.js';
import { buildAssetGraph } from '../packages/weir/dist/graph/index.js';
import { launchRun } from '../packages/weir/dist/engine/launch-run.js';
import { openSqliteStorage } from '../packages/weir/dist/storage/sqlite/sqlite-storage.js';
import { DuckDbWarehouse } from '../packages/weir/dist/connectors/duckdb/duckdb-warehouse.js';
import { loadNote, median, ms, numberArg, ratio, requireBuild, table, tempDir } from './lib.mjs';
import { join } from 'node:path';

requireBuild();
const RUNS = numberArg('--runs', 20);
const ROWS = numberArg('--rows', 200000);

const root = tempDir('weir-bench-concurrent-');
const project = {
  name: 'concurrent', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, '.weir', 'warehouse.duckdb'),
  metadataPath: join(root, '.weir', 'metadata.sqlite'), definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
};
const orders = asset({ key: 'orders', checks: [rowCount({ min: 1 })] }, () => `select i, hash(i) as h from range(${ROWS}) t(i)`);
const definitions = { project, assets: [orders], externals: [], resources: {} };
const graph = buildAssetGraph(definitions);
const storage = await openSqliteStorage(project.metadataPath);
const warehouse = await DuckDbWarehouse.open(project.warehousePath);

/** One launch: its result and, from its stored events, the wait before its step started and the step's duration. */
async function timedLaunch() {
  const launched = performance.now();
  let created;
  const result = await launchRun({ definitions, graph, storage, warehouse, trigger: 'manual', onRunCreated: (run) => { created = run.createdAt; } });
  const events = await storage.events.eventsForRun(result.runId);
  const start = events.find((e) => e.type === 'STEP_START');
  const end = events.find((e) => e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE');
  return {
    status: result.status,
    error: events.find((e) => e.type === 'STEP_FAILURE')?.message,
    waitMs: start ? start.timestamp - created : NaN,
    stepMs: start && end ? end.timestamp - start.timestamp : NaN,
    waitLogs: events.filter((e) => e.type === 'LOG' && /^waiting for run /.test(e.message)).length,
    startId: start?.id ?? 0,
    endId: end?.id ?? 0,
    wallMs: performance.now() - launched,
  };
}

async function measure(concurrent) {
  const started = performance.now();
  const runs = [];
  if (concurrent) runs.push(...(await Promise.all(Array.from({ length: RUNS }, () => timedLaunch()))));
  else for (let i = 0; i < RUNS; i++) runs.push(await timedLaunch());
  return { totalMs: performance.now() - started, runs };
}

console.log(loadNote());
console.log(`${RUNS} launches of one asset (${ROWS.toLocaleString('en')} rows, staged + 1 check) on one warehouse\n`);
await timedLaunch(); // warm-up: the first CTAS and the first publish cost more
const sequential = await measure(false);
const concurrent = await measure(true);

const succeeded = concurrent.runs.filter((r) => r.status === 'SUCCESS').length;
const bySpan = [...concurrent.runs].sort((a, b) => a.startId - b.startId);
const inSequence = bySpan.every((r, i) => i === 0 || r.startId > bySpan[i - 1].endId);
console.log(table(['', 'total', 'per run', 'succeeded', 'vs sequential'], [
  ['one after another (baseline)', ms(sequential.totalMs), ms(sequential.totalMs / RUNS, 1), `${sequential.runs.filter((r) => r.status === 'SUCCESS').length}/${RUNS}`, '1.00x'],
  [`${RUNS} at once`, ms(concurrent.totalMs), ms(concurrent.totalMs / RUNS, 1), `${succeeded}/${RUNS}`, ratio(concurrent.totalMs, sequential.totalMs)],
]));
console.log(`\nsteps ran in sequence (each started after the previous one ended): ${inSequence ? 'yes' : 'NO'}`);
console.log('\nper run, in the order their steps ran (concurrent launches):');
console.log(table(['#', 'status', 'wait', 'step', '"waiting for" lines'], bySpan.map((r, i) => [String(i + 1), r.status, ms(r.waitMs), ms(r.stepMs), String(r.waitLogs)])));
const waits = concurrent.runs.map((r) => r.waitMs);
console.log(`\nwait: median ${ms(median(waits))}, max ${ms(Math.max(...waits))}; step: median ${ms(median(concurrent.runs.map((r) => r.stepMs)))} (sequential: ${ms(median(sequential.runs.map((r) => r.stepMs)))})`);
for (const r of concurrent.runs.filter((x) => x.status !== 'SUCCESS')) console.log(`failed: ${r.error}`);

await warehouse.close();
await storage.close();
if (succeeded !== RUNS || !inSequence) process.exitCode = 1;

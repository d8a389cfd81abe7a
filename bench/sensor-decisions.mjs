// Sensor decision time and latency, on a real SQLite metadata file, a real DuckDB warehouse and the real in-process
// launcher (the compiled library in packages/weir/dist):
//  1. decisions with N sensors (default 1,000): the pure decider alone (which are due), an idle pass of the loop
//     (none due: read every state, decide), and a full pass where every sensor is due, evaluates (a custom sensor
//     that finds nothing) and records its evaluation; per pass and per sensor. Baseline in the same run: the same
//     number of evaluation records written straight to the store (what a pass cannot avoid).
//  2. latency from a sensor's run request (the moment its evaluate returns) to the run's first step starting
//     (the asset function called), p50/p99 over R requests (default 200). Baseline in the same run: the same run
//     launched straight through the launcher (what a sensor adds is the difference).
//
//   node packages/weir/scripts/build.mjs && node bench/sensor-decisions.mjs [--sensors 1000] [--requests 200] [--reps 5]
import { join } from 'node:path';
import { arg, DIST, loadNote, median, ms, ratio, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const SENSORS = Number(arg('--sensors', '1000'));
const REQUESTS = Number(arg('--requests', '200'));
const REPS = Number(arg('--reps', '5'));

const { asset } = await import(join(DIST, 'definitions/asset.js'));
const { sensor } = await import(join(DIST, 'definitions/sensor.js'));
const { buildAssetGraph } = await import(join(DIST, 'graph/asset-graph.js'));
const { DuckDbWarehouse } = await import(join(DIST, 'connectors/duckdb/duckdb-warehouse.js'));
const { inProcessLauncher } = await import(join(DIST, 'engine/in-process-launcher.js'));
const { openSqliteStorage } = await import(join(DIST, 'storage/sqlite/sqlite-storage.js'));
const { createSensorLoop } = await import(join(DIST, 'scheduler/sensor-loop.js'));
const { dueSensors } = await import(join(DIST, 'scheduler/sensor-decider.js'));

console.log(loadNote());
const root = tempDir('weir-bench-sensors-');
const firstStepAt = new Map();
const orders = asset({ key: 'orders' }, (_inputs, ctx) => {
  firstStepAt.set(ctx.runId, performance.now());
  return 'select 1 as id';
});
const project = {
  name: 'bench', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: join(root, 'metadata.sqlite'),
  definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
};
let definitions = { project, assets: [orders], externals: [], sensors: [] };
const graph = buildAssetGraph(definitions);
const storage = await openSqliteStorage(project.metadataPath);
const warehouse = await DuckDbWarehouse.open(project.warehousePath);
const launcher = inProcessLauncher({ project: () => ({ definitions, graph }), storage, warehouse: async () => warehouse });
const deps = { project: () => ({ definitions, graph }), storage, launcher, warehouse: async () => warehouse, log: () => undefined };
const signal = new AbortController().signal;

// ---- 1. decisions ----------------------------------------------------------------------------------------------

const many = Array.from({ length: SENSORS }, (_, i) => sensor({
  name: `s${String(i).padStart(4, '0')}`, interval: '30s', evaluate: (ctx) => ({ cursor: String(Number(ctx.cursor ?? 0) + 1), skipReason: 'nothing new' }),
}));
definitions = { ...definitions, sensors: many };
const loop = createSensorLoop(deps);
const rows = [];
let now = Date.parse('2026-03-01T05:00:00Z');

const fullPasses = [];
const idlePasses = [];
const deciderTimes = [];
const storeOnly = [];
for (let rep = 0; rep < REPS; rep++) {
  now += 31_000;
  let t = performance.now();
  await loop.runOnce(now, signal);
  await loop.settled();
  fullPasses.push(performance.now() - t);

  t = performance.now();
  await loop.runOnce(now + 1000, signal); // none due: one read of the states and the decisions
  idlePasses.push(performance.now() - t);

  const states = await storage.sensors.sensorStates('bench');
  t = performance.now();
  const due = dueSensors(many, states, now + 40_000);
  deciderTimes.push(performance.now() - t);
  if (due.length !== SENSORS) throw new Error(`expected every sensor due, got ${due.length}`);

  t = performance.now();
  for (const s of many) await storage.sensors.recordEvaluation({ project: 'baseline', sensorName: s.name, startedAt: now, durationMs: 0, status: 'SKIPPED', cursor: String(rep) });
  storeOnly.push(performance.now() - t);
}
const evaluated = (await storage.sensors.listEvaluations('bench', 's0000', { limit: 100 })).length;
if (evaluated !== REPS) throw new Error(`s0000 was evaluated ${evaluated} times, expected ${REPS}`);
for (const [name, times] of [['decider only (which are due)', deciderTimes], ['idle pass (none due)', idlePasses], ['full pass (all due, evaluate, record)', fullPasses], ['baseline: the records alone', storeOnly]]) {
  const m = median(times);
  rows.push([name, ms(m, 2), `${((m * 1000) / SENSORS).toFixed(1)} µs`, ratio(m, median(storeOnly))]);
}
console.log(`\nDecisions with ${SENSORS} sensors (median of ${REPS} passes)\n`);
console.log(table(['', 'per pass', 'per sensor', 'vs baseline'], rows));

// ---- 2. latency ------------------------------------------------------------------------------------------------

let requestedAt = 0;
const trigger = sensor({
  name: 'trigger', interval: '1s', select: 'orders', evaluate: () => {
    requestedAt = performance.now();
    return { runRequests: [{ payload: { n: 1 } }] };
  },
});
definitions = { ...definitions, sensors: [trigger] };
const latencyLoop = createSensorLoop(deps);
const viaSensor = [];
const direct = [];
// Warm up DuckDB, the launcher and the statement cache, then alternate so drift affects both alike.
for (let i = 0; i < 5; i++) await launcher.launch({ select: 'orders', trigger: 'api' }).then(() => launcher.idle());
for (let i = 0; i < REQUESTS; i++) {
  now += 2000;
  await latencyLoop.runOnce(now, signal);
  const [evaluation] = await storage.sensors.listEvaluations('bench', 'trigger', { limit: 1 });
  await launcher.idle();
  const runId = evaluation.runIds[0];
  viaSensor.push(firstStepAt.get(runId) - requestedAt);

  const t = performance.now();
  const run = await launcher.launch({ select: 'orders', trigger: 'api' });
  await launcher.idle();
  direct.push(firstStepAt.get(run.runId) - t);
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
console.log(`\nFrom run request to first step start (${REQUESTS} requests)\n`);
console.log(table(['', 'p50', 'p99', 'max'], [
  ['sensor run request → first step', ms(pct(viaSensor, 50), 1), ms(pct(viaSensor, 99), 1), ms(Math.max(...viaSensor), 1)],
  ['baseline: launcher.launch → first step', ms(pct(direct, 50), 1), ms(pct(direct, 99), 1), ms(Math.max(...direct), 1)],
  ['ratio', ratio(pct(viaSensor, 50), pct(direct, 50)), ratio(pct(viaSensor, 99), pct(direct, 99)), ''],
]));
console.log('\nTarget: p50 under 100 ms (the issue), well under a second.');

warehouse.close();
await storage.close();

// Trigger latency: from an automation loop's launch decision to the run's first STEP_START, through the real
// automation host (holding the lease on a real SQLite metadata file) and the in-process launcher on a real DuckDB
// warehouse, p50/p99 over N triggers (default 200). Baseline in the same run, alternating: a direct
// `launcher.launch()` call to STEP_START. Target: p50 < 100 ms (the anchors take seconds).
//
//   node bench/trigger-latency.mjs [--triggers 200] [--source bench/my-trigger-source.mjs]
//
// The trigger source is pluggable: a module exporting `createSource({ deps, decided })` that returns
// `{ loops, fire(i, host) }`. `loops` are BackgroundLoops the host runs; `fire(i, host)` makes the source launch one
// run (e.g. by waking its loop, writing a file a sensor watches, moving a schedule's clock); the source calls
// `decided(i)` at its launch decision, right before `deps.launcher.launch(…)`. A source that cannot call it (a real
// schedule loop) is measured from fire() instead, which then includes its wake-up. The built-in source is a loop that
// launches one run each time it is woken. Triggers are sequential: each run ends before the next trigger.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, DIST, loadNote, median, ms, numberArg, ratio, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const TRIGGERS = numberArg('--triggers', 200);
const WARMUP = 10;
const SOURCE = arg('--source', undefined);

const { openSqliteStorage } = await import(join(DIST, 'storage/sqlite/sqlite-storage.js'));
const { DuckDbWarehouse } = await import(join(DIST, 'connectors/duckdb/duckdb-warehouse.js'));
const { inProcessLauncher } = await import(join(DIST, 'engine/in-process-launcher.js'));
const { createAutomationHost } = await import(join(DIST, 'scheduler/automation-host.js'));
const { buildAssetGraph } = await import(join(DIST, 'graph/asset-graph.js'));
const { asset } = await import(join(DIST, 'definitions/asset.js'));

/** The built-in source: a loop that launches one run of `target` each time it is woken with a trigger pending. */
const builtinSource = {
  createSource({ deps, decided }) {
    let pending;
    const loop = {
      name: 'bench-trigger',
      intervalMs: 60_000, // only wake() starts a pass here
      async runOnce() {
        if (pending === undefined) return;
        const i = pending;
        pending = undefined;
        decided(i);
        await deps.launcher.launch({ stepKeys: ['target'], trigger: 'automation', tags: { 'weir/bench-trigger': String(i) } });
      },
    };
    return { loops: [loop], fire(i, host) { pending = i; host.wake('bench-trigger'); } };
  },
};

console.log(loadNote());
const dir = tempDir('weir-bench-trigger-');
const target = asset({ key: 'target' }, () => 'select 1 as x');
const project = {
  name: 'trigger_latency', root: dir, configFile: join(dir, 'weir.yaml'), warehousePath: join(dir, 'warehouse.duckdb'),
  metadataPath: join(dir, 'metadata.sqlite'), definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
};
const definitions = { project, assets: [target], externals: [] };
const snapshot = { definitions, graph: buildAssetGraph(definitions) };
const storage = await openSqliteStorage(project.metadataPath);
const warehouse = await DuckDbWarehouse.open(project.warehousePath);
const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
const deps = { project: () => snapshot, storage, launcher, warehouse: async () => warehouse, log: () => undefined };

/** Resolves with the time (performance.now) at which the next STEP_START is committed, as the launcher reports it. */
let waitingForStart;
launcher.subscribe((event) => {
  if (event.type === 'STEP_START' && waitingForStart) {
    const resolveStart = waitingForStart;
    waitingForStart = undefined;
    resolveStart(performance.now());
  }
});
const nextStepStart = () => new Promise((resolveStart) => { waitingForStart = resolveStart; });

const decisions = new Map();
const sourceModule = SOURCE ? await import(pathToFileURL(resolve(SOURCE)).href) : builtinSource;
const source = await sourceModule.createSource({ deps, decided: (i) => decisions.set(i, performance.now()) });
const host = createAutomationHost({ loops: source.loops, leases: storage.leases, log: () => undefined });
host.start();
while (!host.isLeader()) await new Promise((r) => setTimeout(r, 10));

async function viaHost(i) {
  const started = nextStepStart();
  const firedAt = performance.now();
  await source.fire(i, host);
  const stepStartAt = await started;
  await launcher.idle();
  const decidedAt = decisions.get(i);
  return { latency: stepStartAt - (decidedAt ?? firedAt), fromFire: stepStartAt - firedAt, measuredFromDecision: decidedAt !== undefined };
}

async function direct() {
  const started = nextStepStart();
  const calledAt = performance.now();
  await launcher.launch({ stepKeys: ['target'], trigger: 'api' });
  const stepStartAt = await started;
  await launcher.idle();
  return stepStartAt - calledAt;
}

const hostLatency = [];
const fromFire = [];
const baseline = [];
let fromDecision = true;
for (let i = 0; i < WARMUP + TRIGGERS; i += 1) {
  // Alternate which goes first, so drift in the machine's load falls on both.
  const order = i % 2 === 0 ? ['host', 'direct'] : ['direct', 'host'];
  for (const which of order) {
    if (which === 'host') {
      const r = await viaHost(i);
      if (i >= WARMUP) { hostLatency.push(r.latency); fromFire.push(r.fromFire); fromDecision &&= r.measuredFromDecision; }
    } else {
      const latency = await direct();
      if (i >= WARMUP) baseline.push(latency);
    }
  }
}
await host.stop();
warehouse.close();
await storage.close();

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const row = (label, xs) => [label, xs.length, ms(pct(xs, 50), 1), ms(pct(xs, 99), 1), ms(Math.max(...xs), 1), ratio(median(xs), median(baseline))];
console.log(`\n${TRIGGERS} triggers (after ${WARMUP} warm-up), source: ${SOURCE ?? 'built-in (a loop woken per trigger)'}\n`);
console.log(table(['path', 'n', 'p50', 'p99', 'max', 'p50 vs baseline'], [
  row(fromDecision ? 'loop decision → first STEP_START (host)' : 'fire → first STEP_START (host; source has no decision mark)', hostLatency),
  ...(fromDecision ? [row('fire (wake) → first STEP_START (host)', fromFire)] : []),
  row('baseline: launcher.launch() → first STEP_START', baseline),
]));
const p50 = pct(hostLatency, 50);
console.log(`\ntarget p50 < 100 ms: ${p50 < 100 ? 'met' : 'NOT met'} (${ms(p50, 1)})`);

// The runs page's API on a big history: generates N runs (default 100,000) with their steps and events into a
// temporary SQLite metadata file migrated by Weir (bulk-inserted in transactions, rows as Weir writes them), then times GET /api/runs with the filters and pages the UI sends, in process (app.request: routing,
// validation, both queries, JSON) and, with --http, over a real socket. Prints p50/p95/p99 per request and the
// SQLite query plan of each list query. Target: p95 < 100 ms.
//
//   node bench/api-runs.mjs [--runs 100000] [--reps 200] [--http] [--keep FILE [--reuse]]
//   --keep FILE: write the store there and leave it; --reuse: measure the store already in FILE (no generation).
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { arg, DIST, loadNote, ms, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const RUNS = Number(arg('--runs', '100000'));
const REPS = Number(arg('--reps', '200'));
const HTTP = process.argv.includes('--http');
const RUNS_PER_TRANSACTION = 2000;
const DAY_MS = 86_400_000;
const ASSETS = Array.from({ length: 30 }, (_, i) => `asset_${String(i).padStart(2, '0')}`);

const { openSqliteStorage } = await import(join(DIST, 'storage/sqlite/sqlite-storage.js'));
const { SqlRunStore } = await import(join(DIST, 'storage/sql/sql-run-store.js'));
const { createApp } = await import(join(DIST, 'server/app.js'));
const { buildAssetGraph } = await import(join(DIST, 'graph/asset-graph.js'));
const { Kysely, SqliteDialect } = await import('kysely');
const { default: Database } = await import('libsql');

console.log(loadNote());
const dir = tempDir('weir-bench-api-runs-');
const path = arg('--keep', join(dir, 'metadata.sqlite'));
const REUSE = process.argv.includes('--reuse') && existsSync(path);
if (!REUSE) rmSync(path, { force: true });
const storage = await openSqliteStorage(path);

// ---- generate -------------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so every run of the benchmark builds the same mix of runs. */
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (weighted) => {
  let r = random();
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted[weighted.length - 1][0];
};
const runId = () => randomUUID();

const now = REUSE ? (await storage.runs.listRuns({ project: 'shop', limit: 1 }))[0].createdAt : Date.now();
const start = now - 180 * DAY_MS;
let events = 0;
const generateStarted = performance.now();

/*
 * Bulk insert: one libsql connection, prepared statements, many runs to a transaction, the rows written exactly as
 * RunStore.createRun and EventLog.append write them (runs, run_assets, events, and the materializations and
 * check_evaluations derived from events; each run's status and times as its events leave them). Going through
 * insertRun/insertEvent instead (Kysely builds and compiles each of ~25 statements per run) writes ~4,500 events/s
 * here: 5 minutes for 100,000 runs. The check after the loop reads a few runs back through the storage API.
 */
const bulk = new Database(path);
bulk.pragma('journal_mode = WAL');
bulk.pragma('synchronous = OFF');
const insert = {
  run: bulk.prepare('insert into runs (run_id, project, status, trigger, selection, step_keys, parent_run_id, root_run_id, tags, created_at, started_at, ended_at) values (?, ?, ?, ?, ?, ?, null, null, ?, ?, ?, ?)'),
  runAsset: bulk.prepare('insert into run_assets (run_id, project, asset_key, created_at, status) values (?, ?, ?, ?, ?)'),
  event: bulk.prepare('insert into events (run_id, project, step_key, type, timestamp, message, data) values (?, ?, ?, ?, ?, ?, ?) returning id'),
  materialization: bulk.prepare('insert into materializations (event_id, run_id, project, asset_key, timestamp, data_version, data) values (?, ?, ?, ?, ?, ?, ?)'),
  check: bulk.prepare('insert into check_evaluations (event_id, run_id, project, asset_key, check_name, severity, passed, blocking, timestamp, data) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
};
const expected = new Map();
for (let done = REUSE ? RUNS : 0; done < RUNS; done += RUNS_PER_TRANSACTION) {
  bulk.exec('begin');
  for (let i = done; i < Math.min(RUNS, done + RUNS_PER_TRANSACTION); i++) {
    // Evenly spread over 180 days, oldest first (as they would have been written), a little jitter.
    const createdAt = Math.round(start + (i / RUNS) * 180 * DAY_MS + random() * 1000);
    const first = Math.floor(random() * ASSETS.length);
    const stepKeys = ASSETS.slice(first, first + 1 + Math.floor(random() * 4));
    const trigger = pick([['schedule', 0.6], ['cli', 0.2], ['ui', 0.15], ['api', 0.05]]);
    const outcome = i >= RUNS - 3 ? 'STARTED' : pick([['SUCCESS', 0.85], ['FAILURE', 0.1], ['CANCELED', 0.05]]);
    const id = runId();
    const project = 'shop';
    let t = createdAt;
    const append = (type, stepKey, message, data) => {
      events++;
      const json = JSON.stringify(data);
      const eventId = insert.event.get(id, project, stepKey, type, t, message, json).id;
      if (type === 'ASSET_MATERIALIZATION') insert.materialization.run(eventId, id, project, data.assetKey, t, data.dataVersion, json);
      if (type === 'ASSET_CHECK_EVALUATION') insert.check.run(eventId, id, project, data.assetKey, data.checkName, data.severity, data.passed ? 1 : 0, data.blocking ? 1 : 0, t, json);
      t += 1 + Math.floor(random() * 50);
    };
    append('RUN_ENQUEUED', null, `Run queued (${trigger})`, {});
    const startedAt = t;
    append('RUN_START', null, '', { stepKeys, concurrency: 4 });
    const failedAt = outcome === 'FAILURE' ? Math.floor(random() * stepKeys.length) : -1;
    const succeeded = [];
    const failed = [];
    for (const [s, key] of stepKeys.entries()) {
      if (outcome === 'CANCELED' && s > 0) break;
      append('STEP_START', key, '', { attempt: 1, kind: 'asset' });
      append('LOG', key, `reading ${key}`, { level: 'info' });
      const passed = s !== failedAt;
      append('ASSET_CHECK_EVALUATION', key, `row_count: ${passed ? 'ok' : '0 rows'}`, {
        assetKey: key, checkName: 'row_count', severity: 'error', passed, blocking: !passed, observed: passed ? 120 : 0, expected: { min: 1 },
        failingRows: passed ? 0 : null, samples: [], message: passed ? 'ok' : '0 rows, expected at least 1', durationMs: 2,
      });
      if (passed) {
        append('ASSET_MATERIALIZATION', key, '', {
          assetKey: key, storage: { kind: 'table', location: `main.${key}` }, rowCount: 120, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'amount', type: 'DOUBLE' }],
          durationMs: 40, bytes: null, codeVersion: 'c1', dataVersion: randomUUID(), upstream: [], metadata: {},
        });
        append('STEP_SUCCESS', key, '', { attempt: 1, durationMs: 40 });
        succeeded.push(key);
      } else {
        append('STEP_FAILURE', key, '', { attempt: 1, durationMs: 40, reason: 'check_failed', error: { message: 'row_count failed' } });
        failed.push(key);
      }
    }
    let endedAt = null;
    if (outcome !== 'STARTED') {
      endedAt = t;
      const type = outcome === 'SUCCESS' ? 'RUN_SUCCESS' : outcome === 'FAILURE' ? 'RUN_FAILURE' : 'RUN_CANCELED';
      append(type, null, '', { durationMs: t - createdAt, succeeded, failed, skipped: [] });
    }
    insert.run.run(id, project, outcome, trigger, stepKeys.join(' '), JSON.stringify(stepKeys), '{}', createdAt, startedAt, endedAt);
    for (const key of stepKeys) insert.runAsset.run(id, project, key, createdAt, outcome);
    if (i % 9973 === 0) expected.set(id, { status: outcome, materializations: succeeded.length });
  }
  bulk.exec('commit');
}
bulk.close();
// The bulk rows read back through Weir's storage as Weir's own writes would.
for (const [id, want] of expected) {
  const run = await storage.runs.getRun(id);
  const materializations = await storage.events.materializationsForRun(id);
  const ofAsset = await storage.runs.listRuns({ project: 'shop', assetKey: run?.stepKeys[0], statuses: [want.status], until: run.createdAt + 1, limit: 1 });
  if (run?.status !== want.status || materializations.length !== want.materializations || ofAsset[0]?.runId !== id) throw new Error(`run ${id} reads back wrong: ${JSON.stringify({ run, materializations: materializations.length, want })}`);
}
const generateMs = performance.now() - generateStarted;
if (REUSE) console.log(`Reusing ${path}`);
else console.log(`Generated ${RUNS.toLocaleString('en')} runs and ${events.toLocaleString('en')} events `
  + `in ${(generateMs / 1000).toFixed(1)} s (${Math.round(events / (generateMs / 1000)).toLocaleString('en')} events/s) into ${path}`);

// ---- the requests -------------------------------------------------------------------------------------------

const project = {
  name: 'shop', root: dir, configFile: join(dir, 'weir.yaml'), warehousePath: join(dir, 'w.duckdb'), metadataPath: path,
  definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
};
const definitions = { project, assets: [], externals: [] };
const snapshot = { definitions, graph: buildAssetGraph(definitions) };
const app = createApp({ project: () => snapshot, storage });

const allRuns = await storage.runs.listRuns({ project: 'shop', limit: RUNS });
const middle = allRuns[Math.floor(allRuns.length / 2)].runId;
const asset = 'asset_07';
const day = (n) => new Date(now - n * DAY_MS).toISOString().slice(0, 10);
const REQUESTS = [
  ['first page (50)', '/api/runs'],
  ['status=FAILURE', '/api/runs?status=FAILURE'],
  ['status=SUCCESS,FAILURE', '/api/runs?status=SUCCESS,FAILURE'],
  ['status=STARTED (3 runs)', '/api/runs?status=STARTED'],
  ['trigger=ui', '/api/runs?trigger=ui'],
  [`asset=${asset}`, `/api/runs?asset=${asset}`],
  [`asset + status=FAILURE`, `/api/runs?asset=${asset}&status=FAILURE`],
  ['date range (10 days)', `/api/runs?since=${day(30)}&until=${day(20)}`],
  ['status + trigger + range', `/api/runs?status=FAILURE&trigger=schedule&since=${day(90)}`],
  ['page at run 50,000 (cursor)', `/api/runs?cursor=${middle}`],
  ['limit=200', '/api/runs?limit=200'],
  ['overview (home page)', '/api/overview?days=30'],
];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
async function measure(send) {
  for (let i = 0; i < 5; i++) await send(); // warm: prepared statements, JIT
  const times = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    await send();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

const rows = [];
for (const [name, url] of REQUESTS) {
  const probe = await app.request(url);
  if (probe.status !== 200) throw new Error(`${url} answered ${probe.status}: ${await probe.text()}`);
  const body = await probe.json();
  const shown = body.runs ? `${body.runs.length} of ${body.total}${body.totalIsExact ? '' : '+'}` : `${body.recentRuns.length} runs, ${body.runsPerDay.length} days`;
  const inProcess = await measure(async () => { await (await app.request(url)).arrayBuffer(); });
  rows.push([name, shown, ms(inProcess.p50, 1), ms(inProcess.p95, 1), ms(inProcess.p99, 1), inProcess.p95 < 100 ? 'met' : 'MISSED']);
}
console.log(`\nGET /api/runs in process (app.request), ${REPS} requests each after 5 warm-up; ${RUNS.toLocaleString('en')} runs\n`);
console.log(table(['request', 'runs (of total)', 'p50', 'p95', 'p99', 'p95 < 100 ms'], rows));

if (HTTP) {
  const { startServer } = await import(join(DIST, 'server/start-server.js'));
  const server = await startServer({ app, port: 0 });
  const httpRows = [];
  for (const [name, url] of REQUESTS.slice(0, 4)) {
    const r = await measure(async () => { await (await fetch(`${server.url}${url}`)).arrayBuffer(); });
    httpRows.push([name, ms(r.p50, 1), ms(r.p95, 1), ms(r.p99, 1)]);
  }
  await server.close();
  console.log(`\nOver HTTP (127.0.0.1, fetch)\n`);
  console.log(table(['request', 'p50', 'p95', 'p99'], httpRows));
}

// ---- query plans ----------------------------------------------------------------------------------------------

// The list queries exactly as listRuns builds them, captured from a second connection with Kysely's query log.
const captured = [];
const database = new Database(path, { readonly: true });
const logged = new Kysely({ dialect: new SqliteDialect({ database }), log: (event) => captured.push(event.query) });
const runs = new SqlRunStore(logged);
const FILTERS = [
  ['project', {}], ['status=FAILURE', { statuses: ['FAILURE'] }], ['status IN (2)', { statuses: ['SUCCESS', 'FAILURE'] }],
  ['trigger=ui', { trigger: 'ui' }], ['asset', { assetKey: asset }], ['range', { since: now - 30 * DAY_MS, until: now - 20 * DAY_MS }],
  ['cursor', { beforeRunId: middle }],
];
console.log('\nQuery plans (EXPLAIN QUERY PLAN of listRuns, limit 51):');
for (const [name, filter] of FILTERS) {
  captured.length = 0;
  await runs.listRuns({ project: 'shop', limit: 51, ...filter });
  const query = captured.at(-1);
  const plan = database.prepare(`explain query plan ${query.sql}`).all(query.parameters).map((row) => row.detail);
  console.log(`  ${name.padEnd(16)} ${plan.join(' | ')}`);
}
await logged.destroy();
await storage.close();

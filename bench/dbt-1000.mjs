// A dbt project of 1,000 models through Weir, against the same SQL run directly on DuckDB.
//
//   node packages/weir/scripts/build.mjs && node bench/dbt-1000.mjs [--models N] [--seed S] [--keep]
//
// The project is generated at run time in a temp folder (seeded RNG: the same project on every run): 1,000 table
// models in a random DAG, each reading up to 5 earlier models (joined on id), roots reading `range(100)`; a
// not_null test on every 10th model. Measured in this one run:
//   parse+compile  loadDbtProject + compile of every model and test, in process (target < 2 s);
//   weir build     `weir build --project DIR` as a child process: start-up, parse, compile, write-audit-publish,
//                  tests as checks, events in SQLite, target/ artefacts (peak RSS from /usr/bin/time -v);
//   direct         the compiled SQL of the same models, `create table … as` in topological order on a fresh
//                  DuckDB file in one process, one connection (what the models cost without Weir);
//   ratio          weir build / direct (target ≤ 1.5x).
//   direct WAP     the same, sending the statements of write-audit-publish (staging CTAS, describe + count,
//                  begin/drop/rename/commit: 6 per model) in one process: how much of the gap is the statements themselves.
// --breakdown: also builds the project in process with DuckDB and SQLite traced, and prints where the run's time
// goes: DuckDB statements by kind (CTAS, describe, checks, publish…), the metadata store, and the rest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadDbtProject, compileProject } from '../packages/weir/dist/loaders/dbt/index.js';
import { busyTime, loadNote, ms, numberArg, ratio, requireBuild, seeded, table, tempDir, traceDuckDb, traceStorage, WEIR_BIN } from './lib.mjs';

requireBuild();
const MODELS = numberArg('--models', 1000);
const SEED = numberArg('--seed', 42);
const MAX_PARENTS = 5;

const name = (i) => `m${String(i).padStart(4, '0')}`;

/** Writes the project: dbt_project.yml, profiles.yml (DuckDB file dev.duckdb), the models and their tests. */
function generate(dir) {
  const random = seeded(SEED);
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: bench\nprofile: bench\nversion: "1.0"\nmodels:\n  bench:\n    +materialized: table\n');
  writeFileSync(join(dir, 'profiles.yml'), 'bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 4\n');
  const yml = ['version: 2', 'models:'];
  let edges = 0;
  for (let i = 0; i < MODELS; i++) {
    // The first models are roots; later ones read 1 to MAX_PARENTS earlier models, joined on id.
    const count = i < 10 ? 0 : 1 + Math.floor(random() * Math.min(MAX_PARENTS, i));
    const parents = [...new Set(Array.from({ length: count }, () => Math.floor(random() * i)))];
    edges += parents.length;
    const sql = parents.length === 0
      ? `select range as id, range * ${i + 1} as v from range(100)\n`
      : `select p0.id, ${parents.map((_, k) => `p${k}.v`).join(' + ')} as v\nfrom {{ ref('${name(parents[0])}') }} as p0\n${parents.slice(1).map((p, k) => `join {{ ref('${name(p)}') }} as p${k + 1} on p${k + 1}.id = p0.id`).join('\n')}\n`;
    writeFileSync(join(dir, 'models', `${name(i)}.sql`), sql);
    if (i % 10 === 0) yml.push(`  - name: ${name(i)}`, '    columns:', '      - name: id', '        tests: [not_null]');
  }
  writeFileSync(join(dir, 'models', 'schema.yml'), `${yml.join('\n')}\n`);
  return { edges };
}

// --keep: a folder the exit handler does not remove, to look at target/ and .weir/ afterwards.
const dir = process.argv.includes('--keep') ? mkdtempSync(join(tmpdir(), 'weir-dbt-bench-')) : tempDir('weir-dbt-bench-');
const { edges } = generate(dir);
console.log(loadNote());
console.log(`dbt project: ${MODELS} table models, ${edges} refs, ${Math.ceil(MODELS / 10)} tests (seed ${SEED}) in ${dir}`);

// ---- parse + compile, in process ----
let started = performance.now();
const project = loadDbtProject(dir);
const parseMs = performance.now() - started;
started = performance.now();
const compiled = await compileProject(project);
const compileMs = performance.now() - started;

// ---- weir build, a child process, peak RSS from /usr/bin/time -v ----
const time = spawnSync('/usr/bin/time', ['-v', process.execPath, WEIR_BIN, 'build', '--project', dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
if (time.status !== 0) {
  console.error(time.stdout.slice(-3000), time.stderr.slice(-3000));
  process.exit(1);
}
const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(time.stderr);
const buildMs = wall ? ((Number(wall[1] ?? 0) * 60 + Number(wall[2])) * 60 + Number(wall[3])) * 1000 : NaN;
const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(time.stderr)?.[1]);
const runLine = /success in ([\d.]+ ?m?s)/.exec(time.stdout)?.[1] ?? '?';

// ---- the same SQL directly on DuckDB, topological order, one process ----
const order = [];
const seen = new Set();
const visit = (id) => {
  if (seen.has(id)) return;
  seen.add(id);
  for (const dep of project.nodes.get(id).dependsOn.nodes) visit(dep);
  order.push(id);
};
for (const [id, node] of project.nodes) if (node.resourceType === 'model') visit(id);
const directDir = tempDir('weir-dbt-direct-');
started = performance.now();
const instance = await DuckDBInstance.create(join(directDir, 'dev.duckdb'));
const connection = await instance.connect();
for (const id of order) {
  const node = project.nodes.get(id);
  await connection.run(`create table "dev"."main"."${node.alias}" as ${compiled.get(id).compiledCode}`);
}
let directTestsMs = performance.now();
for (const [id, node] of project.nodes) if (node.resourceType === 'test') await connection.run(compiled.get(id).compiledCode);
directTestsMs = performance.now() - directTestsMs;
connection.closeSync();
instance.closeSync();
const directMs = performance.now() - started;

// ---- the same, with write-audit-publish's statements (what Weir's table strategy sends), still one process ----
const wapDir = tempDir('weir-dbt-wap-');
started = performance.now();
const wapInstance = await DuckDBInstance.create(join(wapDir, 'dev.duckdb'));
const wap = await wapInstance.connect();
const wapTimes = new Map();
const timed = async (kind, work) => {
  const t = performance.now();
  await work();
  wapTimes.set(kind, (wapTimes.get(kind) ?? 0) + performance.now() - t);
};
for (const id of order) {
  const node = project.nodes.get(id);
  const stage = `"main"."${node.alias}__stage_x"`;
  await timed('create staging table as <model>', () => wap.run(`create table ${stage} as ${compiled.get(id).compiledCode}`));
  await timed('describe + row count (one query)', () => wap.runAndReadAll(`select column_name, column_type, (select count(*) from ${stage}) as n from (describe select * from ${stage})`));
  await timed('publish: begin', () => wap.run('begin transaction'));
  await timed('publish: drop table if exists', () => wap.run(`drop table if exists "main"."${node.alias}"`));
  await timed('publish: rename', () => wap.run(`alter table ${stage} rename to "${node.alias}"`));
  await timed('publish: commit', () => wap.run('commit'));
}
for (const [id, node] of project.nodes) if (node.resourceType === 'test') await wap.run(compiled.get(id).compiledCode);
wap.closeSync();
wapInstance.closeSync();
const wapMs = performance.now() - started;

const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
console.log(table(['measure', 'value', 'target'], [
  ['parse (loadDbtProject)', ms(parseMs), ''],
  ['compile (every model and test)', ms(compileMs), ''],
  ['parse + compile', ms(parseMs + compileMs), '< 2000 ms'],
  ['weir build (child process, wall)', ms(buildMs), ''],
  ['  of which the run (weir\'s own figure)', runLine, ''],
  ['direct DuckDB (same compiled SQL + tests)', ms(directMs), ''],
  ['  of which tests', ms(directTestsMs), ''],
  ['ratio weir build / direct', ratio(buildMs, directMs), '<= 1.5x'],
  ['direct with WAP statements (6 per model, one process)', ms(wapMs), ''],
  ['ratio weir build / direct WAP', ratio(buildMs, wapMs), ''],
  ['peak RSS of weir build', `${Math.round(rssKb / 1024)} MB`, ''],
  ['run_results.json entries', String(runResults.results.length), String(MODELS + Math.ceil(MODELS / 10))],
]));
console.log(`\nDirect WAP, by statement (sum over ${MODELS} models):`);
console.log(table(['statement', 'total', 'per model'], [...wapTimes].map(([k, v]) => [k, ms(v), ms(v / MODELS, 2)])));
if (process.argv.includes('--keep')) console.log(`kept ${dir}`);

if (process.argv.includes('--breakdown')) {
  const trace = await traceDuckDb();
  const { loadProject } = await import('../packages/weir/dist/loaders/index.js');
  const { buildAssetGraph } = await import('../packages/weir/dist/graph/index.js');
  const { launchRun } = await import('../packages/weir/dist/engine/launch-run.js');
  const { openSqliteStorage } = await import('../packages/weir/dist/storage/sqlite/sqlite-storage.js');
  const { DuckDbWarehouse } = await import('../packages/weir/dist/connectors/duckdb/duckdb-warehouse.js');
  const { rmSync } = await import('node:fs');
  for (const f of ['dev.duckdb', 'dev.duckdb.wal', '.weir']) rmSync(join(dir, f), { recursive: true, force: true });
  const loaded = await loadProject(dir, process.env, { dbt: {} });
  const storage = await openSqliteStorage(loaded.definitions.project.metadataPath);
  const { calls } = traceStorage(storage);
  const warehouse = await DuckDbWarehouse.open(loaded.definitions.project.warehousePath);
  trace.reset();
  const t0 = performance.now();
  const result = await launchRun({ definitions: loaded.definitions, graph: buildAssetGraph(loaded.definitions), storage, warehouse });
  const runMs = performance.now() - t0;
  warehouse.close();
  await storage.close();
  const kinds = new Map();
  for (const s of trace.statements) {
    const sql = s.sql.trim().toLowerCase();
    const kind = sql.startsWith('create table') && sql.includes('__stage_') ? 'create staging table (the model)'
      : sql.startsWith('describe') ? 'describe (columns)' : sql.startsWith('select count(*) as n from') ? 'row count'
      : sql.includes('duckdb_views()') ? 'publish: view check' : /^(begin|commit|rollback)/.test(sql) ? 'publish: begin/commit'
      : sql.startsWith('alter table') ? 'publish: rename' : sql.startsWith('drop') ? 'drop (staging / old table)'
      : sql.includes('dbt_internal_test') || sql.includes('failures') ? 'tests (checks)' : sql.split(/\s+/).slice(0, 2).join(' ');
    const k = kinds.get(kind) ?? { n: 0, intervals: [] };
    k.n += 1;
    k.intervals.push([s.start, s.end]);
    kinds.set(kind, k);
  }
  const duck = busyTime(trace.statements.map((s) => [s.start, s.end]));
  const store = busyTime(calls.map((c) => [c.start, c.end]));
  console.log(`\nIn process: ${result.status} in ${ms(runMs)}; ${trace.statements.length} DuckDB statements (${(trace.statements.length / MODELS).toFixed(1)} per model)`);
  console.log(table(['where the run goes', 'statements', 'busy'], [
    ...[...kinds].sort((a, b) => busyTime(b[1].intervals) - busyTime(a[1].intervals)).slice(0, 10).map(([k, v]) => [k, String(v.n), ms(busyTime(v.intervals))]),
    ['DuckDB, all statements (union)', String(trace.statements.length), ms(duck)],
    ['metadata store (SQLite)', String(calls.length), ms(store)],
    ['the rest (JS: compile, events, scheduling)', '', ms(runMs - duck - store)],
  ]));
}

// The kill test: N times (default 50), start `weir run` on a generated project whose run takes a few seconds of real
// DuckDB work (tables with checks, a Parquet file, a raw file), `kill -9` it at a random moment, then run the next
// `weir` commands: `weir runs` must end the dead run (never left STARTED), every published table and file must be
// the last successful run's or the killed run's (never partial), and once a process has written to the warehouse
// (`weir run -s touch`) no staging table or staged file may be left. Prints the counts.
//
//   node bench/kill-test.mjs [--reps 50] [--seed 7] [--keep]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { arg, cleanTemps, loadNote, median, ms, requireBuild, seeded, table, tempDir, timeProcess, WEIR_BIN } from './lib.mjs';

requireBuild();
const REPS = Number(arg('--reps', '50'));
const random = seeded(Number(arg('--seed', '7')));
const KEEP = process.argv.includes('--keep');
/** Rows of the base table: sized so that a run takes a few seconds here. */
const ROWS = Number(arg('--rows', '10000000'));

console.log(loadNote());
const dir = tempDir('weir-bench-kill-');
writeFileSync(join(dir, 'weir.yaml'), 'name: kill_test\nconcurrency: 2\n');
mkdirSync(join(dir, 'definitions'));
// Every published thing carries the generation of the run that wrote it, so "intact" means: the generation is the
// last good one or the killed run's, and the content is whole (row counts as that generation wrote them).
writeFileSync(join(dir, 'definitions', 'assets.ts'), `import { writeFileSync } from 'node:fs';
import { asset, rowCount, unique, value } from 'weir';
const gen = Number(process.env.KILL_GEN ?? 0);
// A slow check keeps the staging table committed for a while, so some kills leave one for the sweep to find.
const slowCheck = value({ name: 'hash_spread', sql: 'select count(*) from range(${ROWS * 2}) t(i) where hash(i) % 7 = 0', min: 1 });
export const numbers = asset({ key: 'numbers', checks: [rowCount({ equals: ${ROWS} }), slowCheck] },
  () => \`select i, hash(i) % 1000 as k, \${gen} as gen from range(${ROWS}) t(i)\`);
export const by_key = asset({ key: 'by_key', inputs: { numbers }, checks: [rowCount({ equals: 1000 }), unique('k')] },
  ({ numbers }) => \`select k, count(*) as n, sum(i) as total, \${gen} as gen from \${numbers} group by k\`);
export const ranked = asset({ key: 'ranked', inputs: { numbers, by_key }, checks: [rowCount({ min: 1 })] },
  ({ numbers, by_key }) => \`select n.k, count(*) as hits, \${gen} as gen from \${numbers} n join \${by_key} b using (k) where n.i % 7 = 0 group by n.k\`);
export const by_key_file = asset({ key: 'by_key_file', inputs: { by_key }, io: { path: 'output/by_key.parquet' }, checks: [rowCount({ equals: 1000 })] },
  ({ by_key }) => \`select * from \${by_key} order by k\`);
export const summary = asset({ key: 'summary', inputs: { ranked }, io: { path: 'output/summary.txt', format: 'raw' }, checks: [slowCheck] }, async ({ ranked }, ctx) => {
  const [row] = await ctx.query(\`select count(*)::int as n from \${ranked}\`);
  writeFileSync(ctx.outputPath!, \`gen \${gen} rows \${row.n}\`);
});
export const touch = asset({ key: 'touch' }, () => 'select 1 as x');
`);

const weir = (args, env = {}) => timeProcess(process.execPath, [WEIR_BIN, ...args, '--project', dir], { env: { NO_COLOR: '1', ...env }, allowFailure: true });

/** What is published now, by generation; and what staging is left (opened after every weir process has exited). */
async function inspect() {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`attach '${join(dir, '.weir', 'warehouse.duckdb')}' as w (read_only)`);
    const one = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson()[0];
    const tables = {};
    for (const [name, rows] of [['numbers', ROWS], ['by_key', 1000], ['ranked', null]]) {
      const r = await one(`select count(*)::int as n, min(gen)::int as lo, max(gen)::int as hi from w.${name}`);
      tables[name] = { gen: r.lo, whole: r.lo === r.hi && (rows === null ? r.n > 0 : r.n === rows) };
    }
    const parquet = join(dir, 'output', 'by_key.parquet');
    const f = await one(`select count(*)::int as n, min(gen)::int as lo, max(gen)::int as hi from read_parquet('${parquet}')`);
    tables.by_key_file = { gen: f.lo, whole: f.lo === f.hi && f.n === 1000 };
    const text = readFileSync(join(dir, 'output', 'summary.txt'), 'utf8');
    const m = /^gen (\d+) rows (\d+)$/.exec(text);
    tables.summary = { gen: m ? Number(m[1]) : -1, whole: !!m };
    const staging = (await c.runAndReadAll(`select table_name from duckdb_tables() where database_name = 'w' and contains(table_name, '__weir_stage_')`)).getRowObjectsJson().length;
    const staged = existsSync(join(dir, 'output')) ? readdirSync(join(dir, 'output')).filter((n) => n.includes('.weir-stage-')).length : 0;
    return { tables, staging, staged };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

// A first good run: generation 0, and how long a run takes (the kill moment is drawn over it).
const first = await weir(['run'], { KILL_GEN: '0' });
if (first.code !== 0) throw new Error(`the first run failed:\n${first.stdout}\n${first.stderr}`);
const timed = [];
for (let i = 0; i < 2; i++) timed.push((await weir(['run'], { KILL_GEN: '0' })).wallMs);
const runMs = median(timed);
console.log(`Project: ${ROWS.toLocaleString('en')} rows, 6 assets (3 tables with checks, one slow; a Parquet file; a raw file with a slow check; a no-op); one \`weir run\` takes ${ms(runMs)} (process start to exit).`);

let last = Object.fromEntries(['numbers', 'by_key', 'ranked', 'by_key_file', 'summary'].map((k) => [k, 0]));
const counts = { killed: 0, diedMidRun: 0, finishedFirst: 0, notRecorded: 0, queued: 0, leftRunning: 0, intact: 0, notIntact: 0, leftByKill: 0, leftAfterSweep: 0, sweepRunFailed: 0 };
const reapMs = [];
const problems = [];
for (let gen = 1; gen <= REPS; gen++) {
  const before = JSON.parse((await weir(['runs', '--json', '-n', '1'])).stdout)[0]?.runId;
  const child = spawn(process.execPath, [WEIR_BIN, 'run', '--project', dir], { env: { ...process.env, NO_COLOR: '1', KILL_GEN: String(gen) }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const delay = random() * runMs * 1.1;
  await new Promise((r) => setTimeout(r, delay));
  child.kill('SIGKILL');
  const { signal } = await exited;
  if (signal === 'SIGKILL') counts.killed++;

  // The next weir command: it must end the dead run.
  const listed = await weir(['runs', '--json', '-n', '1']);
  reapMs.push(listed.wallMs);
  const newest = JSON.parse(listed.stdout)[0];
  if (!newest || newest.runId === before) counts.notRecorded++;
  else if (newest.status === 'SUCCESS') counts.finishedFirst++;
  else if (newest.status === 'FAILURE' || newest.status === 'CANCELED') counts.diedMidRun++;
  // Killed in the few ms between recording the run and starting it: a queued run is never ended (by design: a queue
  // may hold runs as long as it likes; production mode hands them to another worker).
  else if (newest.status === 'QUEUED') counts.queued++;
  else {
    counts.leftRunning++;
    problems.push(`gen ${gen}: run ${newest.runId} is ${newest.status} after the next command`);
  }

  const seen = await inspect();
  counts.leftByKill += seen.staging + seen.staged;
  let intact = true;
  for (const [key, state] of Object.entries(seen.tables)) {
    if (!state.whole || (state.gen !== last[key] && state.gen !== gen)) {
      intact = false;
      problems.push(`gen ${gen}: ${key} holds gen ${state.gen} (whole: ${state.whole}); expected ${last[key]} or ${gen}`);
    }
    last[key] = state.gen;
  }
  if (intact) counts.intact++;
  else counts.notIntact++;

  // The next process that writes to the warehouse sweeps.
  const touched = await weir(['run', '-s', 'touch']);
  if (touched.code !== 0) {
    counts.sweepRunFailed++;
    problems.push(`gen ${gen}: weir run -s touch failed: ${touched.stderr.slice(0, 300)}`);
  }
  const swept = await inspect();
  counts.leftAfterSweep += swept.staging + swept.staged;
  if (swept.staging + swept.staged) problems.push(`gen ${gen}: ${swept.staging} staging tables and ${swept.staged} staged files left after the sweep`);
  process.stdout.write(`\r${gen}/${REPS}`);
}
process.stdout.write('\n');

console.log(table(['kill test', 'count'], [
  ['iterations (kill -9 at a random moment)', REPS],
  ['  killed while running', counts.killed],
  ['  run recorded and cut short (ended by the next command)', counts.diedMidRun],
  ['  run had already succeeded', counts.finishedFirst],
  ['  killed before the run was recorded', counts.notRecorded],
  ['  killed between recording the run and starting it (stays QUEUED)', counts.queued],
  ['runs left STARTED/CANCELING after the next command (must be 0)', counts.leftRunning],
  ['published data intact: every table and file the last good or the new generation, whole', `${counts.intact}/${REPS}`],
  ['staging tables + staged files left by the kills (before the sweep)', counts.leftByKill],
  ['staging tables + staged files left after the next writer (must be 0)', counts.leftAfterSweep],
  ['`weir run -s touch` after a kill failed (must be 0)', counts.sweepRunFailed],
]));
console.log(`\nThe next command after a kill (\`weir runs --json -n 1\`, which ends the dead run): median ${ms(median(reapMs))}, max ${ms(Math.max(...reapMs))}.`);
for (const p of problems.slice(0, 20)) console.log(`  problem: ${p}`);
if (KEEP) console.log(`Project kept in ${dir}`);
else cleanTemps();
process.exitCode = counts.leftRunning || counts.notIntact || counts.leftAfterSweep || counts.sweepRunFailed ? 1 : 0;

// The wine-shop example end to end as a process, against the hand-written script bench/wine-shop-plain.mjs on the
// same data, measured in the same run, alternating, N repetitions each.
//
//   node packages/weir/scripts/build.mjs && node bench/wine-shop.mjs [--reps 5] [--no-profile]
//
//   plain   node bench/wine-shop-plain.mjs OUT                   (exceljs stream -> in-memory DuckDB -> outputs)
//   cold    node packages/weir/bin/weir.js run --project COPY    on a fresh copy of examples/wine-shop: no .weir
//           (no compile cache, no metadata, no warehouse), no output/
//   warm    the same command again in that copy (second full run)
//   skip    the same command with --skip-unchanged (nothing changed). Since the example is partitioned by month this
//           reuses nothing: Weir does not reuse partitioned assets (the month's exports are read by path, with no
//           recorded content hash to tell that they did not change), so the skip target cannot be met any more.
// Data: WINE_SHOP_DATA_DIR if set, else /work/shared/data/wine-shop when present, else exports generated into a temp
// folder by examples/wine-shop/scripts/generate-data.mjs. Targets: cold at most 1.3x plain; skip under 0.3 s.
//
// Then (unless --no-profile) where the time goes: bench/wine-shop-phases.mjs runs the CLI's phases one by one in a
// child process (cold, warm, skip), and one cold `weir run` under `node --cpu-prof` is summarized by package.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, WEIR_BIN, loadNote, median, min, ms, ratio, requireBuild, table, tempDir, timeProcess } from './lib.mjs';

requireBuild();
const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '5' }, 'no-profile': { type: 'boolean', default: false } } });
const REPS = Number(args.reps);
const EXAMPLE = join(REPO, 'examples/wine-shop');

async function dataDir() {
  if (process.env.WINE_SHOP_DATA_DIR) return { dir: process.env.WINE_SHOP_DATA_DIR, kind: 'WINE_SHOP_DATA_DIR' };
  const real = '/work/shared/data/wine-shop';
  if (existsSync(join(real, 'Fichier_erp.xlsx'))) return { dir: real, kind: 'real exports' };
  const dir = tempDir('weir-bench-wine-data-');
  await timeProcess(process.execPath, [join(EXAMPLE, 'scripts/generate-data.mjs'), '--out', dir]);
  return { dir, kind: 'generated exports' };
}

/** A copy of the example without its run state: weir.yaml and definitions only. */
function freshCopy() {
  const dir = tempDir('weir-bench-wine-shop-');
  cpSync(join(EXAMPLE, 'weir.yaml'), join(dir, 'weir.yaml'));
  cpSync(join(EXAMPLE, 'definitions'), join(dir, 'definitions'), { recursive: true });
  return dir;
}

const data = await dataDir();
const env = { WINE_SHOP_DATA_DIR: data.dir, NO_COLOR: '1' };
const runWeir = (project, extra = []) => timeProcess(process.execPath, [WEIR_BIN, 'run', '--project', project, ...extra], { env });
const runPlain = (out) => timeProcess(process.execPath, [join(REPO, 'bench/wine-shop-plain.mjs'), out], { env });

console.log(loadNote());
console.log(`Wine shop: ${data.kind} in ${data.dir}; ${REPS} repetitions, alternating plain and Weir.`);
// One untimed round so that both sides start with the same warm OS file cache.
{
  const project = freshCopy();
  await runWeir(project);
  await runPlain(tempDir());
  rmSync(project, { recursive: true, force: true });
}

const times = { plain: [], cold: [], warm: [], skip: [] };
let skipOutput = '';
for (let rep = 0; rep < REPS; rep++) {
  const project = freshCopy();
  const weir = async () => {
    times.cold.push((await runWeir(project)).wallMs);
    times.warm.push((await runWeir(project)).wallMs);
    const skip = await runWeir(project, ['--skip-unchanged']);
    times.skip.push(skip.wallMs);
    skipOutput = skip.stdout;
  };
  const plain = async () => {
    const out = tempDir();
    times.plain.push((await runPlain(out)).wallMs);
    rmSync(out, { recursive: true, force: true });
  };
  if (rep % 2 === 0) { await plain(); await weir(); } else { await weir(); await plain(); }
  rmSync(project, { recursive: true, force: true });
}

const plainMedian = median(times.plain);
const row = (name, xs, vsPlain = true) => [name, ms(median(xs)), ms(min(xs)), vsPlain ? ratio(median(xs), plainMedian) : '-', vsPlain ? ratio(min(xs), min(times.plain)) : '-'];
console.log(table(['', 'median', 'min', 'median/plain', 'min/plain'], [
  row('plain script (node bench/wine-shop-plain.mjs)', times.plain),
  row('weir run, cold (fresh .weir)', times.cold),
  row('weir run, warm (second run)', times.warm),
  row('weir run --skip-unchanged (nothing changed)', times.skip),
]));
const reused = /(\d+) unchanged assets reused/.exec(skipOutput)?.[1];
console.log(`--skip-unchanged reused ${reused ?? 'no'} assets.`);
console.log(`Targets: cold <= 1.3x plain: ${median(times.cold) / plainMedian <= 1.3 ? 'met' : 'MISSED'} (${ratio(median(times.cold), plainMedian)}); ` +
  `skip-unchanged < 300 ms: ${median(times.skip) < 300 ? 'met' : 'MISSED'} (${ms(median(times.skip))}).`);

if (!args['no-profile']) {
  // ---- phases, in a child process so that each measurement starts from a fresh Node
  const project = freshCopy();
  console.log('\nWhere the time goes: the CLI\'s phases, timed one by one (bench/wine-shop-phases.mjs), same project:');
  for (const mode of ['cold', 'warm', 'skip']) {
    const phases = await timeProcess(process.execPath, [join(REPO, 'bench/wine-shop-phases.mjs'), project, mode], { env });
    console.log(`\n[${mode}] process wall time ${ms(phases.wallMs)}`);
    console.log(phases.stdout.trimEnd());
  }
  rmSync(project, { recursive: true, force: true });

  // ---- what each heavy dependency costs to import, each in a fresh process, minus an empty process
  const empty = [];
  for (let i = 0; i < 3; i++) empty.push((await timeProcess(process.execPath, ['--input-type=module', '-e', '0'])).wallMs);
  const rows = [];
  for (const name of ['@duckdb/node-api', 'exceljs', 'kysely', 'libsql', 'zod', 'esbuild', 'yaml', 'commander']) {
    const xs = [];
    for (let i = 0; i < 3; i++) xs.push((await timeProcess(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`], { cwd: join(REPO, 'packages/weir') })).wallMs);
    rows.push([name, ms(median(xs) - median(empty))]);
  }
  console.log(`\nImport cost of each dependency alone (median of 3 fresh processes minus an empty one, ${ms(median(empty))}):`);
  console.log(table(['package', 'import'], rows));

  // ---- CPU profile of one cold run, self time grouped by package
  const profiled = freshCopy();
  const profDir = tempDir('weir-bench-cpuprof-');
  await timeProcess(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200', WEIR_BIN, 'run', '--project', profiled], { env });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) summarizeProfile(JSON.parse(readFileSync(join(profDir, file), 'utf8')));
}

/** Self time of a V8 CPU profile grouped by where the code lives, and the top functions. */
function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const group = (url, name) => {
    if (!url) return name === '(idle)' ? '(idle: waiting for I/O, DuckDB threads, timers)' : name === '(garbage collector)' ? '(garbage collector)' : `(${name || 'native'})`;
    if (url.startsWith('node:')) return 'node: internals (module loading, fs, streams)';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return `node_modules/${m[1]}`;
    if (url.includes('/packages/weir/dist/')) return `weir dist/${url.split('/packages/weir/dist/')[1].split('/')[0]}`;
    if (url.includes('/.weir/cache/')) return 'compiled definitions';
    return url.replace(/^file:\/\//, '');
  };
  const groups = new Map();
  const functions = new Map();
  for (const [id, t] of self) {
    const node = byId.get(id);
    const { url, functionName, lineNumber } = node.callFrame;
    const g = group(url, functionName);
    groups.set(g, (groups.get(g) ?? 0) + t);
    const f = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`;
    functions.set(f, (functions.get(f) ?? 0) + t);
  }
  console.log(`\nCPU profile of one cold \`weir run\` (main thread, ${ms(total)} sampled), self time by package:`);
  console.log(table(['where', 'self time', 'share'], [...groups].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([g, t]) => [g, ms(t), `${((t / total) * 100).toFixed(1)}%`])));
  console.log('\nTop functions by self time:');
  console.log(table(['function', 'self time'], [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([f, t]) => [f.slice(0, 110), ms(t)])));
}

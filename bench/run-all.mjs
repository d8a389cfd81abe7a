// Runs every benchmark in turn, each in its own process (so that one cannot warm the caches of the next), and
// prints their output. `npm run bench` from the repository root. Builds the library first.
//
//   node bench/run-all.mjs [--quick] [--no-build]
//   --quick: smaller graphs, fewer repetitions, no profile; --no-build: use packages/weir/dist as it is.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, loadNote } from './lib.mjs';

const quick = process.argv.includes('--quick');
const BENCHMARKS = [
  ['engine-overhead.mjs', quick ? ['--quick'] : []],
  ['sequential-light.mjs', quick ? ['--reps', '1'] : []],
  ['wine-shop.mjs', quick ? ['--reps', '2', '--no-profile'] : []],
  ['api-runs.mjs', quick ? ['--runs', '20000', '--reps', '50'] : ['--http']],
  ['dbt-1000.mjs', quick ? ['--models', '300'] : []],
  ['redact.mjs', quick ? ['--lines', '200000'] : []],
  ['concurrent-launches.mjs', []],
  ['sensor-decisions.mjs', quick ? ['--reps', '2', '--requests', '50'] : []],
  ['backfill-planning.mjs', quick ? ['--reps', '5'] : []],
  ['kill-test.mjs', quick ? ['--reps', '10'] : []],
  ['cancel-latency.mjs', quick ? ['--reps', '10'] : []],
  ['trigger-latency.mjs', quick ? ['--triggers', '50'] : []],
  // In headless Chromium: they need the built UI (npm install builds it) and /usr/bin/chromium.
  ['ui-lineage.mjs', quick ? ['--sizes', '1000'] : []],
  ['ui-lineage-reload.mjs', quick ? ['--reps', '3'] : []],
  ['ui-run-page.mjs', quick ? ['--steps', '200'] : []],
  ['partition-strip.mjs', quick ? ['--partitions', '20000', '--reps', '3'] : []],
];

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(REPO, 'packages/weir/scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
console.log(loadNote());
let failed = 0;
for (const [file, args] of BENCHMARKS) {
  console.log(`\n=== bench/${file} ${args.join(' ')}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(REPO, 'bench', file), ...args], { stdio: 'inherit', cwd: REPO });
  console.log(`=== bench/${file}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status})`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;

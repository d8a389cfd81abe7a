// Cancel latency from another process: N times (default 50), start `weir run` on a project whose one asset runs a
// long DuckDB query, and once it runs, cancel it with `weir cancel RUN_ID` from a second process. Measures request →
// run CANCELED (the run's cancel_requested_at to its ended_at in the metadata, both written by Weir), and the whole
// `weir cancel` command (spawn to exit, Node's start included). Baseline, in the same run: SIGINT to the executing
// process (Ctrl-C, the in-process abort), signal → ended_at.
//
//   node bench/cancel-latency.mjs [--reps 50]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import { arg, cleanTemps, loadNote, ms, requireBuild, table, tempDir, timeProcess, WEIR_BIN } from './lib.mjs';

requireBuild();
const REPS = Number(arg('--reps', '50'));

console.log(loadNote());
const dir = tempDir('weir-bench-cancel-');
writeFileSync(join(dir, 'weir.yaml'), 'name: cancel_latency\n');
mkdirSync(join(dir, 'definitions'));
writeFileSync(join(dir, 'definitions', 'slow.ts'), `import { asset } from 'weir';
export const slow = asset({ key: 'slow' }, () => 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0');
`);

/** Starts `weir run --json` and resolves with the run id once the slow step has started. */
function startRun() {
  const child = spawn(process.execPath, [WEIR_BIN, 'run', '--json', '--project', dir], { env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  const started = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line);
        if (event.type === 'STEP_START') return resolve(event.runId);
      }
    });
    void exited.then((code) => reject(new Error(`weir run exited (${code}) before the step started: ${out}`)));
  });
  return { child, exited, started };
}

const metadata = join(dir, '.weir', 'metadata.sqlite');
function runRow(runId) {
  const db = new Database(metadata, { readonly: true });
  try {
    return db.prepare('select status, cancel_requested_at, ended_at from runs where run_id = ?').get(runId);
  } finally {
    db.close();
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const viaCancel = [];
const cancelCommand = [];
const viaSigint = [];
const problems = [];
for (let i = 0; i < REPS; i++) {
  // weir cancel from another process
  {
    const { exited, started } = startRun();
    const runId = await started;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200)); // let the query get going inside DuckDB
    const cancel = await timeProcess(process.execPath, [WEIR_BIN, 'cancel', runId, '--project', dir], { env: { NO_COLOR: '1' }, allowFailure: true });
    await exited;
    const row = runRow(runId);
    if (cancel.code !== 0 || row.status !== 'CANCELED') problems.push(`weir cancel ${runId}: exit ${cancel.code}, status ${row.status}: ${cancel.stderr}`);
    else {
      viaCancel.push(Number(row.ended_at) - Number(row.cancel_requested_at));
      cancelCommand.push(cancel.wallMs);
    }
  }
  // baseline: SIGINT to the executing process
  {
    const { child, exited, started } = startRun();
    const runId = await started;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    const signaledAt = Date.now();
    child.kill('SIGINT');
    await exited;
    const row = runRow(runId);
    if (row.status !== 'CANCELED') problems.push(`SIGINT ${runId}: status ${row.status}`);
    else viaSigint.push(Number(row.ended_at) - signaledAt);
  }
  process.stdout.write(`\r${i + 1}/${REPS}`);
}
process.stdout.write('\n');

const line = (label, xs) => [label, xs.length, ms(pct(xs, 50)), ms(pct(xs, 99)), ms(Math.max(...xs))];
console.log(table(['cancel of a running DuckDB query', 'n', 'p50', 'p99', 'max'], [
  line('`weir cancel` from another process: request → run CANCELED', viaCancel),
  line('  the `weir cancel` command, spawn to exit (Node start included)', cancelCommand),
  line('baseline: SIGINT to `weir run` (in process): signal → run CANCELED', viaSigint),
]));
console.log(`Ratio of the p50s (cross-process / in-process): ${(pct(viaCancel, 50) / pct(viaSigint, 50)).toFixed(2)}x. Both end in the same abort of the run's signal; from another process the executing process first has to see the request at its next poll (every 250 ms: ≤ 250 ms, ~125 ms on average), in process the signal handler has to run (slow when the machine is loaded).`);
for (const p of problems.slice(0, 10)) console.log(`  problem: ${p}`);
cleanTemps();
process.exitCode = problems.length ? 1 : 0;

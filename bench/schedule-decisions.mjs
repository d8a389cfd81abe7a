#!/usr/bin/env node
// Decision time of the schedule loop with 1,000 schedules in one project (mixed crons and IANA zones): the pure
// decider alone and one full loop pass on a real SQLite metadata file, for a pass with nothing due (every second,
// nearly always) and a pass where every schedule has a tick due (the top of an hour with hourly schedules: decide and
// record 1,000 ticks). Baselines in the same run: croner's own nextRun() on the same patterns (the floor: one
// next-tick computation per schedule) and the same loop pass with 1 schedule.
//   node bench/schedule-decisions.mjs [--schedules 1000] [--reps 20]
import { join } from 'node:path';
import { DIST, loadNote, median, ms, numberArg, ratio, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const { defineSchedule } = await import(join(DIST, 'definitions/schedule.js'));
const { decideScheduleTicks } = await import(join(DIST, 'scheduler/schedule-ticks.js'));
const { createScheduleLoop } = await import(join(DIST, 'scheduler/schedule-loop.js'));
const { compileCron } = await import(join(DIST, 'shared/cron.js'));
const { openSqliteStorage } = await import(join(DIST, 'storage/sqlite/sqlite-storage.js'));
const { buildAssetGraph } = await import(join(DIST, 'graph/asset-graph.js'));
const { asset } = await import(join(DIST, 'definitions/asset.js'));

const N = numberArg('--schedules', 1000);
const REPS = numberArg('--reps', 20);
const CRONS = ['0 6 1 * *', '30 2 * * *', '*/15 * * * *', '0 * * * *', '0 6 * * MON-FRI', '0 0 * * 0', '@daily', '15 8 1,15 * *'];
const ZONES = ['Europe/Brussels', 'America/New_York', 'UTC', 'Asia/Tokyo', 'Australia/Sydney', undefined];
const HOURLY = '0 * * * *';

const schedules = (n, cron) => Array.from({ length: n }, (_, i) => defineSchedule(
  { name: `s_${i}`, select: 'orders', cron: cron ?? CRONS[i % CRONS.length], timezone: ZONES[i % ZONES.length] }, { origin: 'typescript' },
));

function time(fn) {
  const runs = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return median(runs);
}
async function timeAsync(fn) {
  const runs = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    await fn(r);
    runs.push(performance.now() - t);
  }
  return median(runs);
}

// --- the pure decider, nothing due: cursor 10 s before now, no pattern ticks in between -------------------------
const NOW = Date.parse('2026-03-04T10:07:30Z'); // no cron above ticks at 10:07:xx
const mixed = schedules(N);
const cursor = { paused: false, cursorMs: NOW - 10_000 };
for (const s of mixed) compileCron(s.cron, s.timezone); // parsed once per process (definitions are loaded once)
const floor = time(() => { for (const s of mixed) compileCron(s.cron, s.timezone).nextRun(new Date(cursor.cursorMs)); });
const decideIdle = time(() => { for (const s of mixed) decideScheduleTicks(s, cursor, NOW); });

// --- the pure decider, every schedule due: hourly schedules at 11:00:00.2 ---------------------------------------
const hourly = schedules(N, HOURLY);
for (const s of hourly) compileCron(s.cron, s.timezone);
const TOP = Date.parse('2026-03-04T11:00:00.200Z');
const dueCursor = { paused: false, cursorMs: TOP - 1000 };
const floorDue = time(() => { for (const s of hourly) compileCron(s.cron, s.timezone).nextRun(new Date(dueCursor.cursorMs)); });
const decideDue = time(() => { for (const s of hourly) decideScheduleTicks(s, dueCursor, TOP); });

// --- one loop pass on a real SQLite file -------------------------------------------------------------------------
const orders = asset({ key: 'orders' }, () => 'select 1 as id');
const dir = tempDir('weir-bench-schedules-');
const project = (name) => ({
  name, root: dir, configFile: join(dir, 'weir.yaml'), warehousePath: join(dir, 'w.duckdb'), metadataPath: join(dir, 'm.sqlite'),
  definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
});
const storage = await openSqliteStorage(join(dir, 'metadata.sqlite'));
// No run is launched in the timed passes (nothing due, or paused-free recording only): a launcher that is never called.
const launcher = { launch: async () => { throw new Error('the benchmark launches nothing'); }, cancel: async () => false };
const signal = new AbortController().signal;
function loopFor(name, list) {
  const definitions = { project: project(name), assets: [orders], externals: [], schedules: list };
  const snapshot = { definitions, graph: buildAssetGraph(definitions) };
  return createScheduleLoop({ project: () => snapshot, storage, launcher, log: () => undefined });
}
const loopMany = loopFor('many', mixed);
const loopOne = loopFor('one', mixed.slice(0, 1));
await loopMany.runOnce(NOW - 10_000, signal); // first sight: every schedule gets its cursor
await loopOne.runOnce(NOW - 10_000, signal);
const passMany = await timeAsync(() => loopMany.runOnce(NOW, signal));
const passOne = await timeAsync(() => loopOne.runOnce(NOW, signal));

// A first sight (each rep a new project): every schedule gets its cursor written, one transaction each.
const late = schedules(N, HOURLY).map((s) => defineSchedule({ name: s.name, select: 'orders', cron: HOURLY, timezone: s.timezone, catchup: 'skip' }, { origin: 'typescript' }));
const firstSight = await timeAsync((r) => loopFor(`first_${r}`, late).runOnce(TOP - 3_600_000 - 1000, signal));
// Due ticks decided and recorded for every schedule: catchup skip and a pass two minutes late, so each schedule's two
// ticks are recorded SKIPPED and nothing is launched (the launch is the launcher's cost, measured by other benchmarks).
const recordDue = await (async () => {
  const runs = [];
  for (let r = 0; r < Math.min(REPS, 10); r++) {
    const loop = loopFor(`due_${r}`, late);
    await loop.runOnce(TOP - 3_600_000 - 1000, signal); // cursors at 09:59:59.2
    const t = performance.now();
    await loop.runOnce(TOP + 120_000, signal); // 11:02: the 10:00 and 11:00 ticks are late for catchup skip: 2,000 SKIPPED records
    runs.push(performance.now() - t);
  }
  return median(runs);
})();
const recorded = (await storage.schedules.listTicks('due_0', { limit: 1000 })).length;
await storage.close();

const per = (x) => `${((x * 1000) / N).toFixed(1)} µs`;
console.log(loadNote());
console.log(`${N} schedules (${CRONS.length} crons × ${ZONES.length} zones), median of ${REPS}`);
console.log(table(['what', 'per pass', 'per schedule', 'vs croner nextRun()'], [
  ['croner nextRun() on each pattern (floor)', ms(floor, 2), per(floor), '1.00x'],
  ['decider, nothing due', ms(decideIdle, 2), per(decideIdle), ratio(decideIdle, floor)],
  ['croner nextRun(), hourly patterns', ms(floorDue, 2), per(floorDue), '1.00x'],
  ['decider, a tick due for every schedule', ms(decideDue, 2), per(decideDue), ratio(decideDue, floorDue)],
]));
console.log('');
// Per schedule against the whole 1-schedule pass: below 1x, the loop's fixed cost (a listStates query) is shared.
const perVsOne = (x) => ratio(x / N, passOne);
console.log(table(['loop pass on a SQLite file', 'per pass', 'per schedule', 'per schedule vs the 1-schedule pass'], [
  ['1 schedule, nothing due (baseline)', ms(passOne, 2), ms(passOne, 3), '1.00x'],
  [`${N} schedules, nothing due`, ms(passMany, 2), per(passMany), perVsOne(passMany)],
  [`${N} schedules, first sight (a cursor written each)`, ms(firstSight, 1), per(firstSight), perVsOne(firstSight)],
  [`${N} schedules, 2 late ticks each decided and recorded`, ms(recordDue, 1), per(recordDue), perVsOne(recordDue)],
]));
if (recorded !== 1000) console.log(`(expected a page of 1,000 recorded ticks in project due_0, found ${recorded})`);

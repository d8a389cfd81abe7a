// Planning a backfill: 100,000 hourly partitions (target: under 1 s) and its memory, against planning 1,000 in the same
// run, and against a planner that enumerates every key (what "never enumerates" saves). For each size: "all", and
// "missing only" over fragmented history (every third partition materialized: the worst shape of stored status ranges,
// one range per partition), then the first 100 keys to launch from the middle of the work; then the plan recorded
// in a real SQLite store (BackfillStore.createBackfill: one row and its ranges); last, the progress of a backfill whose
// 100,000 partitions have all started (one failure in 100): its ranges (partitionStatusRanges: what the Backfills page reads)
// against reading every started partition's row.
import { DIST, median, numberArg, requireBuild, table } from './lib.mjs';

requireBuild();
const { timePartitions } = await import(`${DIST}/definitions/partitions.js`);
const { partitionSpaceAt } = await import(`${DIST}/scheduler/backfill-partitions.js`);
const { planBackfill, nextPartitions } = await import(`${DIST}/scheduler/backfill-planner.js`);
const { openSqliteStorage } = await import(`${DIST}/storage/sqlite/sqlite-storage.js`);

const reps = numberArg('--reps', 15);
const NOW = Date.parse('2040-01-01');
const HOUR_MS = 3_600_000;

function space(count) {
  const start = Date.parse('2010-01-01T00:00:00Z');
  const end = new Date(start + count * HOUR_MS).toISOString().slice(0, 16);
  const s = partitionSpaceAt(timePartitions({ unit: 'hour', start: '2010-01-01T00:00', end }), NOW);
  if (s.count !== count) throw new Error(`expected ${count} partitions, got ${s.count}`);
  return s;
}
const fragmented = (count) => Array.from({ length: Math.ceil(count / 3) }, (_, i) => ({ fromIndex: i * 3, toIndex: i * 3, status: 'MATERIALIZED' }));

/** The enumerating way: every key, then its status looked up. */
function enumeratingPlan(s, statusRanges) {
  const materialized = new Set();
  for (const r of statusRanges) for (let i = r.fromIndex; i <= r.toIndex; i += 1) materialized.add(s.keyAt(i));
  const keys = [];
  for (let i = 0; i < s.count; i += 1) {
    const key = s.keyAt(i);
    if (!materialized.has(key)) keys.push(key);
  }
  return keys;
}

function time(fn) {
  const times = [];
  let result;
  for (let i = 0; i < reps; i += 1) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
  }
  return { ms: median(times), result };
}

function heapOf(fn) {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = fn();
  const after = process.memoryUsage().heapUsed;
  void kept;
  return Math.max(0, after - before);
}

const rows = [];
const figures = {};
for (const count of [1_000, 100_000]) {
  const s = space(count);
  const status = fragmented(count);
  const all = time(() => planBackfill([{ key: 'events', partitions: s }], {}));
  const missing = time(() => planBackfill([{ key: 'events', partitions: s, statusRanges: status }], { only: 'missing' }));
  const next = time(() => nextPartitions(s, missing.result.ranges, Math.floor(missing.result.count / 2), 100));
  const enumerating = time(() => enumeratingPlan(s, status));
  if (enumerating.result.length !== missing.result.count) throw new Error('the planners disagree');
  const heap = heapOf(() => planBackfill([{ key: 'events', partitions: s, statusRanges: status }], { only: 'missing' }));
  const storage = await openSqliteStorage(':memory:');
  let id = 0;
  const storeTimes = [];
  for (let i = 0; i < Math.min(reps, 5); i += 1) {
    const started = performance.now();
    await storage.backfills.createBackfill({ backfillId: `b${id += 1}`, project: 'bench', selection: null, assetKeys: ['events'], request: { only: 'missing' }, concurrency: 4, ranges: missing.result.ranges, partitionCount: missing.result.count, createdAt: 0 });
    storeTimes.push(performance.now() - started);
  }
  await storage.close();
  figures[count] = { all: all.ms, missing: missing.ms, next: next.ms, enumerating: enumerating.ms, store: median(storeTimes), heap };
  rows.push([count.toLocaleString('en-US'), `${all.ms.toFixed(3)} ms`, `${missing.ms.toFixed(2)} ms`, missing.result.ranges.length.toLocaleString('en-US'),
    `${next.ms.toFixed(3)} ms`, `${enumerating.ms.toFixed(1)} ms`, `${median(storeTimes).toFixed(1)} ms`, `${(heap / 1024 / 1024).toFixed(2)} MB`]);
}

const load = (await import('node:os')).loadavg()[0].toFixed(2);
console.log(`Backfill planning, hourly partitions, median of ${reps} (load ${load}${globalThis.gc ? '' : '; run with --expose-gc for exact heap figures'})\n`);
console.log(table(['partitions', 'plan all', 'plan missing', 'ranges', 'next 100 keys', 'enumerating', 'store plan', 'plan heap'], rows));
const big = figures[100_000];
const small = figures[1_000];
console.log(`\n100,000 vs 1,000: plan missing ${(big.missing / small.missing).toFixed(1)}x, next 100 keys ${(big.next / small.next).toFixed(1)}x; `
  + `100,000 planned ${(big.enumerating / big.missing).toFixed(1)}x faster than enumerating every key`);
console.log(`target: plan 100,000 partitions under 1 s: ${big.missing < 1000 ? 'met' : 'NOT met'} (${big.missing.toFixed(1)} ms)`);

// Progress of 100,000 started partitions: grouped in SQL vs every row read.
{
  const storage = await openSqliteStorage(':memory:');
  const count = 100_000;
  await storage.backfills.createBackfill({ backfillId: 'p', project: 'bench', selection: null, assetKeys: ['events'], request: {}, concurrency: 4, ranges: [{ fromIndex: 0, toIndex: count - 1 }], partitionCount: count, createdAt: 0 });
  const s = space(count);
  for (let i = 0; i < count; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + 500); j += 1) rows.push({ backfill_id: 'p', partition_index: j, partition_key: s.keyAt(j), run_id: `run-${j}`, status: j % 100 === 99 ? 'FAILURE' : 'SUCCESS', started_at: j, ended_at: j + 1 });
    await storage.db.insertInto('backfill_partitions').values(rows).execute();
  }
  const grouped = [];
  const all = [];
  let ranges = 0;
  for (let i = 0; i < Math.min(reps, 5); i += 1) {
    let started = performance.now();
    ranges = (await storage.backfills.partitionStatusRanges('p', { limit: 5_000 })).length;
    grouped.push(performance.now() - started);
    started = performance.now();
    await storage.backfills.listPartitions('p');
    all.push(performance.now() - started);
  }
  await storage.close();
  console.log(`\nProgress of 100,000 started partitions (1 in 100 failed): ${ranges.toLocaleString('en-US')} ranges (partitionStatusRanges) in ${median(grouped).toFixed(0)} ms, `
    + `against ${median(all).toFixed(0)} ms to read every row (${(median(all) / median(grouped)).toFixed(1)}x)`);
}

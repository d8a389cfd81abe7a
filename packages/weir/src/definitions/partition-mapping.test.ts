// Partition mappings: same, offset, all, across time units and dimensions, and the mismatches the loader reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiPartitions, staticPartitions, timePartitions } from './partitions.js';
import { mappingProblem, resolvePartitionMapping, SAME_MAPPING, upstreamPartitions } from './partition-mapping.js';

const now = Date.parse('2025-07-15T00:00:00Z');
const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
const days = timePartitions({ unit: 'day', start: '2025-01-01', timezone: 'Europe/Brussels' });
const regions = staticPartitions(['be', 'nl', 'lu']);
const monthRegion = multiPartitions({ month: months, region: regions });
const prev = resolvePartitionMapping({ offset: -1 }, 'x');

test('resolving what the user wrote', () => {
  assert.deepEqual(resolvePartitionMapping(undefined, 'x'), SAME_MAPPING);
  assert.deepEqual(resolvePartitionMapping('all', 'x'), { kind: 'all' });
  assert.deepEqual(prev, { kind: 'offset', from: -1, to: -1 });
  assert.deepEqual(resolvePartitionMapping({ offset: [-3, -1] }, 'x'), { kind: 'offset', from: -3, to: -1 });
  assert.throws(() => resolvePartitionMapping({ offset: 0.5 }, "asset 'revenue', input 'prev'"), /asset 'revenue', input 'prev': partitions mapping \{"offset":0.5\} is not valid.*offset: -1/);
  assert.throws(() => resolvePartitionMapping({ offset: [-1, -3] }, 'x'), /not valid/);
  assert.throws(() => resolvePartitionMapping('previous', 'x'), /"previous" is not valid/);
});

test('same: the same key for the same definition; nothing when upstream lacks it', () => {
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, months, '2025-03', months, now), { kind: 'keys', keys: ['2025-03'], outside: 0 });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, regions, 'nl', regions, now), { kind: 'keys', keys: ['nl'], outside: 0 });
  assert.throws(() => upstreamPartitions(SAME_MAPPING, months, '2025-09', months, now), /'2025-09' is outside monthly/);
});

test('offset -1: the previous month, none before the first, and a span of several', () => {
  assert.deepEqual(upstreamPartitions(prev, months, '2025-03', months, now), { kind: 'keys', keys: ['2025-02'], outside: 0 });
  assert.deepEqual(upstreamPartitions(prev, months, '2025-01', months, now), { kind: 'keys', keys: [], outside: 1 });
  const three = resolvePartitionMapping({ offset: [-3, -1] }, 'x');
  assert.deepEqual(upstreamPartitions(three, months, '2025-05', months, now), { kind: 'keys', keys: ['2025-02', '2025-03', '2025-04'], outside: 0 });
  assert.deepEqual(upstreamPartitions(three, months, '2025-02', months, now), { kind: 'keys', keys: ['2025-01'], outside: 2 });
});

test('all: every partition, and an unpartitioned downstream reads all by default', () => {
  assert.deepEqual(upstreamPartitions({ kind: 'all' }, months, '2025-03', days, now), { kind: 'all' });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, undefined, undefined, months, now), { kind: 'all' });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, months, '2025-03', undefined, now), { kind: 'whole' });
});

test('same across time units: a month reads its days; a day reads its month once complete', () => {
  const mapped = upstreamPartitions(SAME_MAPPING, months, '2025-02', days, now);
  assert.equal(mapped.kind, 'keys');
  if (mapped.kind !== 'keys') return;
  assert.equal(mapped.keys.length, 28);
  assert.equal(mapped.keys[0], '2025-02-01');
  assert.equal(mapped.keys.at(-1), '2025-02-28');
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, days, '2025-02-10', months, now), { kind: 'keys', keys: ['2025-02'], outside: 0 });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, days, '2025-07-10', months, now), { kind: 'keys', keys: [], outside: 1 }, 'July is not complete');
  // Offset in downstream periods, then mapped: the previous month of 2025-03 is all of February's days.
  const prevDays = upstreamPartitions(prev, months, '2025-03', days, now);
  assert.equal(prevDays.kind === 'keys' && prevDays.keys.length, 28);
});

test('multi-dimensional: month × region reads its month, the month reads every region, offset moves the month', () => {
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, monthRegion, '2025-03|nl', months, now), { kind: 'keys', keys: ['2025-03'], outside: 0 });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, monthRegion, '2025-03|nl', regions, now), { kind: 'keys', keys: ['nl'], outside: 0 });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, months, '2025-03', monthRegion, now), { kind: 'keys', keys: ['2025-03|be', '2025-03|nl', '2025-03|lu'], outside: 0 });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, monthRegion, '2025-03|nl', monthRegion, now), { kind: 'keys', keys: ['2025-03|nl'], outside: 0 });
  assert.deepEqual(upstreamPartitions(prev, monthRegion, '2025-03|nl', monthRegion, now), { kind: 'keys', keys: ['2025-02|nl'], outside: 0 });
  assert.deepEqual(upstreamPartitions(prev, monthRegion, '2025-01|nl', monthRegion, now), { kind: 'keys', keys: [], outside: 1 });
  // Region × day downstream from month × region upstream: dimensions follow by name, the day maps into its month.
  const dayRegion = multiPartitions({ region: regions, day: days });
  assert.deepEqual(upstreamPartitions(SAME_MAPPING, dayRegion, 'lu|2025-04-30', monthRegion, now), { kind: 'keys', keys: ['2025-04|lu'], outside: 0 });
});

test('mismatches the loader reports', () => {
  assert.match(mappingProblem(prev, months, undefined)!, /offset dependency needs a partitioned upstream asset/);
  assert.match(mappingProblem(prev, undefined, months)!, /needs the asset itself to be partitioned/);
  assert.match(mappingProblem(prev, regions, regions)!, /no time dimension/);
  assert.match(mappingProblem(SAME_MAPPING, months, regions)!, /share no dimension.*'all'/);
  assert.match(mappingProblem(SAME_MAPPING, staticPartitions(['be', 'fr']), regions)!, /keys 'fr' of static partitions \[be, fr\] are not keys of static partitions \[be, nl, lu\]/);
  assert.equal(mappingProblem(SAME_MAPPING, staticPartitions(['be', 'nl']), regions), undefined);
  assert.equal(mappingProblem({ kind: 'all' }, months, regions), undefined);
  assert.equal(mappingProblem(SAME_MAPPING, monthRegion, months), undefined);
  assert.throws(() => upstreamPartitions(SAME_MAPPING, months, '2025-03', regions, now), /share no dimension/);
});

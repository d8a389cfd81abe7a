// Partitioned assets: the options, their defaults, and the load errors for mappings that cannot work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asset } from '../definitions/asset.js';
import { multiPartitions, staticPartitions, timePartitions } from '../definitions/partitions.js';
import { buildAssetGraph } from './asset-graph.js';

const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
const regions = staticPartitions(['be', 'nl']);
const sql = () => 'select 1 as x';

test('a partitioned asset keeps its definition, column, mappings; its own previous partition orders nothing', () => {
  const orders = asset({ key: 'orders', partitions: months }, sql);
  const revenue = asset({
    key: 'revenue', partitions: months, partitionColumn: 'month', schemaChange: 'evolve',
    inputs: { orders, prev: { asset: 'revenue', partitions: { offset: -1 } } },
  }, sql);
  assert.equal(revenue.partitions, months);
  assert.equal(revenue.partitionColumn, 'month');
  assert.equal(revenue.schemaChange, 'evolve');
  assert.deepEqual(revenue.upstream, ['orders']);
  assert.deepEqual(revenue.inputs, [
    { name: 'orders', key: 'orders', partitions: { kind: 'same' } },
    { name: 'prev', key: 'revenue', partitions: { kind: 'offset', from: -1, to: -1 } },
  ]);
  assert.equal(orders.partitionColumn, 'weir_partition');
  assert.equal(orders.schemaChange, 'fail');
  const report = asset({ key: 'report', deps: [{ asset: 'revenue', partitions: 'all' }] }, sql);
  assert.deepEqual(report.dependencies, [{ key: 'revenue', partitions: { kind: 'all' } }]);
  const graph = buildAssetGraph({ assets: [orders, revenue, report] });
  assert.deepEqual(graph.topologicalOrder(), ['orders', 'revenue', 'report']);
});

test('partitioning changes the code version; an unpartitioned asset keeps the one it had', () => {
  const plain = asset({ key: 'a' }, sql);
  const parted = asset({ key: 'a', partitions: months }, sql);
  assert.notEqual(plain.codeVersion, parted.codeVersion);
  assert.equal(plain.codeVersion, asset({ key: 'a' }, sql).codeVersion);
});

test('bad partition options are load errors that say what to write', () => {
  assert.throws(() => asset({ key: 'a', partitions: ['2025-01'] as never }, sql), /option 'partitions' is invalid.*timePartitions/);
  // Reading its own same partition is a cycle, which the graph reports.
  assert.throws(() => buildAssetGraph({ assets: [asset({ key: 'a', partitions: months, inputs: { me: { asset: 'a' } } }, sql)] }), /cycle: a → a/);
  assert.throws(() => asset({ key: 'a', inputs: { o: { asset: 'orders', partitions: { offset: -1 } } } }, sql), /input 'o': an offset dependency needs the asset itself to be partitioned/);
  assert.throws(() => asset({ key: 'a', inputs: { o: { asset: 'orders', partitions: 'previous' as never } } }, sql), /input 'o': partitions mapping "previous" is not valid/);
  assert.throws(() => asset({ key: 'a', partitions: months, io: { path: 'out/a.xlsx' } }, sql), /is partitioned, but its file out\/a.xlsx is the same for every partition.*\$\{partition.key\}/);
  assert.doesNotThrow(() => asset({ key: 'a', partitions: months, io: { path: 'out/${partition.key}/a.xlsx' } }, sql));
  const monthRegion = multiPartitions({ month: months, region: regions });
  assert.throws(() => asset({ key: 'a', partitions: monthRegion, io: { path: 'out/${partition.dimensions.region}.csv' } }, sql), /the same for every partition/);
  assert.doesNotThrow(() => asset({ key: 'a', partitions: monthRegion, io: { path: 'out/${partition.dimensions.region}/${partition.dimensions.month}.csv' } }, sql));
  assert.throws(() => asset({ key: 'a', partitionColumn: 'p' }, sql), /apply to partitioned assets only/);
  assert.throws(() => asset({ key: 'a', partitions: months, partitionColumn: '1x' }, sql), /partitionColumn/);
});

test('the graph refuses mappings that cannot work between two assets', () => {
  const plain = asset({ key: 'plain' }, sql);
  const byMonth = asset({ key: 'by_month', partitions: months }, sql);
  const offsetOnPlain = asset({ key: 'a', partitions: months, inputs: { p: { asset: 'plain', partitions: { offset: -1 } } } }, sql);
  assert.throws(() => buildAssetGraph({ assets: [plain, offsetOnPlain] }),
    /asset 'a' \(.*\), input 'p' \('plain'\): an offset dependency needs a partitioned upstream asset/);
  const byRegion = asset({ key: 'by_region', partitions: regions, deps: ['by_month'] }, sql);
  assert.throws(() => buildAssetGraph({ assets: [byMonth, byRegion] }), /dep 'by_month': static partitions \[be, nl\] and monthly partitions .* share no dimension/);
  // 'all' fits any pair; an unpartitioned downstream reads all; a partitioned one reads an unpartitioned whole.
  const allOk = asset({ key: 'all_ok', partitions: regions, deps: [{ asset: 'by_month', partitions: 'all' }] }, sql);
  const report = asset({ key: 'report', deps: ['by_month'] }, sql);
  const fromPlain = asset({ key: 'from_plain', partitions: months, deps: ['plain'] }, sql);
  assert.doesNotThrow(() => buildAssetGraph({ assets: [plain, byMonth, allOk, report, fromPlain] }));
});

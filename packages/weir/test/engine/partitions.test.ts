// Partitioned runs on real DuckDB and SQLite: one table with a partition column, write-audit-publish per partition
// (a bad month leaves its own last good rows and every other month alone), a file per partition, offset inputs,
// ctx.partition, the weir/partition tag, and the choice of partition when none is given.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asset } from '../../src/definitions/asset.js';
import { load } from '../../src/definitions/asset-context.js';
import { value } from '../../src/definitions/check.js';
import { multiPartitions, staticPartitions, timePartitions, type PartitionContext } from '../../src/definitions/partitions.js';
import { materialize, type MaterializeResult } from '../../src/testing/materialize.js';

const NOW = Date.parse('2025-05-15T12:00:00Z'); // January … April are complete
const months = timePartitions({ unit: 'month', start: '2025-01', timezone: 'Europe/Brussels' });
const seen: PartitionContext[] = [];
let badMonth: string | undefined;

// Each month's orders: amount = 10 × the month number; badMonth comes out negative.
const orders = asset({
  key: 'orders', partitions: months,
  // The check's SQL names the partition too (a month whose rows carried another month would find none: min is null).
  checks: [value({ name: 'amounts_positive', sql: "select min(amount) from {{ this }} where month = '{{ partition.key }}'", min: 0 })],
}, (_, ctx) => {
  seen.push(ctx.partition!);
  const sign = badMonth === ctx.partition!.key ? -1 : 1;
  return `select '{{ partition.key }}' as month, ${sign} * 10 * cast(right('{{ partition.key }}', 2) as integer) * n as amount from range(1, 3) t(n)`;
});
const revenue = asset({ key: 'revenue', partitions: months, inputs: { orders } },
  ({ orders }) => `select month, sum(amount) as total from ${orders} group by month`);
// Month over month: this month's revenue and the previous month's (none for the first).
const growth = asset({
  key: 'growth', partitions: months,
  inputs: { revenue, prev: { asset: 'revenue', partitions: { offset: -1 } } },
}, ({ revenue, prev }) => `select month, total, (select max(total) from ${prev}) as previous from ${revenue}`);
const exported = asset({ key: 'growth_file', partitions: months, inputs: { growth }, io: { path: 'output/${partition.key}/growth.csv' } },
  ({ growth }) => `select month, total, previous from ${growth}`);
const yearly = asset({ key: 'yearly', deps: [{ asset: 'revenue', partitions: 'all' }] }, () => 'select count(*) as months, sum(total) as total from main.revenue');

describe('partitioned runs', () => {
  let first: MaterializeResult | undefined;
  after(async () => { await first?.close(); });
  const run = (partition: string | undefined, extra: Partial<Parameters<typeof materialize>[0]> = {}) =>
    materialize({ assets: [orders, revenue, growth, exported, yearly], select: ['orders', 'revenue', 'growth', 'growth_file'], nowMs: NOW, partition, reuse: first, ...extra });

  it('each month publishes its own rows of one table, reads the previous month, writes its own file', async () => {
    first = await run('2025-01');
    assert.equal(first.status, 'SUCCESS');
    for (const month of ['2025-02', '2025-03', '2025-04']) assert.equal((await run(month)).status, 'SUCCESS', month);
    assert.deepEqual(await first.query('select weir_partition, month, sum(amount)::integer as amount from main.orders group by all order by 1'), [
      { weir_partition: '2025-01', month: '2025-01', amount: 30 }, { weir_partition: '2025-02', month: '2025-02', amount: 60 },
      { weir_partition: '2025-03', month: '2025-03', amount: 90 }, { weir_partition: '2025-04', month: '2025-04', amount: 120 },
    ]);
    assert.deepEqual(await first.query('select month, total::integer as total, previous::integer as previous from main.growth order by 1'), [
      { month: '2025-01', total: 30, previous: null }, { month: '2025-02', total: 60, previous: 30 },
      { month: '2025-03', total: 90, previous: 60 }, { month: '2025-04', total: 120, previous: 90 },
    ]);
    assert.equal(readFileSync(join(first.root, 'output/2025-03/growth.csv'), 'utf8').trim(), 'month,total,previous\n2025-03,90,60');
    assert.ok(existsSync(join(first.root, 'output/2025-01/growth.csv')));
    // ctx.partition: the key and its window in Brussels time.
    const march = seen.find((p) => p.key === '2025-03')!;
    assert.equal(march.start?.toISOString(), '2025-02-28T23:00:00.000Z');
    assert.equal(march.end?.toISOString(), '2025-03-31T22:00:00.000Z');
    // The run carries its partition; materializations and check evaluations name it.
    const runs = await first.storage.runs.listRuns({ project: 'test' });
    assert.deepEqual(runs.map((r) => r.tags['weir/partition']).sort(), ['2025-01', '2025-02', '2025-03', '2025-04']);
    const marchRun = runs.find((r) => r.tags['weir/partition'] === '2025-03')!;
    const materialized = await first.storage.events.materializationsForRun(marchRun.runId);
    assert.deepEqual(materialized.map((m) => [m.assetKey, m.partition, m.rowCount]).sort(), [['growth', '2025-03', 1], ['growth_file', '2025-03', 1], ['orders', '2025-03', 2], ['revenue', '2025-03', 1]]);
    const checks = await first.storage.events.checkEvaluationsForRun(marchRun.runId);
    assert.deepEqual(checks.map((c) => [c.checkName, c.partition, c.passed, c.observed]), [['amounts_positive', '2025-03', true, 30]]);
    assert.match(checks[0]!.sql ?? '', /where month = '2025-03'/);
  });

  it('a bad month fails its check and leaves its last good rows and every other month as they were', async () => {
    badMonth = '2025-03';
    const bad = await run('2025-03').finally(() => { badMonth = undefined; });
    assert.equal(bad.status, 'FAILURE');
    const failure = bad.events.find((e) => e.type === 'STEP_FAILURE')!;
    assert.equal(failure.stepKey, 'orders');
    assert.match(failure.message, /amounts_positive/);
    const evaluation = bad.events.find((e) => e.type === 'ASSET_CHECK_EVALUATION')!;
    assert.equal((evaluation.data as { partition?: string }).partition, '2025-03');
    assert.match(evaluation.message, /^\[2025-03\]/);
    assert.deepEqual(await bad.query('select weir_partition, sum(amount)::integer as amount from main.orders group by all order by 1'), [
      { weir_partition: '2025-01', amount: 30 }, { weir_partition: '2025-02', amount: 60 }, { weir_partition: '2025-03', amount: 90 }, { weir_partition: '2025-04', amount: 120 },
    ]);
    // The failing rows are kept for inspection, apart from the published table.
    assert.deepEqual(await bad.query('select sum(amount)::integer as amount from main.orders__weir_audit'), [{ amount: -90 }]);
  });

  it('without a partition a run of time partitions takes the latest complete one; an unpartitioned reader reads all', async () => {
    const latest = await run(undefined);
    assert.equal(latest.status, 'SUCCESS');
    assert.equal(latest.run.tags['weir/partition'], '2025-04');
    const report = await run(undefined, { select: 'yearly' });
    assert.equal(report.status, 'SUCCESS');
    assert.equal(report.run.tags['weir/partition'], undefined);
    assert.deepEqual(await report.query('select months::integer as months, total::integer as total from main.yearly'), [{ months: 4, total: 300 }]);
  });

  it('a key outside the definition, or a static partition not given, starts no run and says what to pass', async () => {
    const before = (await first!.storage.runs.listRuns({ project: 'test' })).length;
    await assert.rejects(run('2025-05'), /asset 'orders': partition key '2025-05' is outside monthly partitions from 2025-01 \(Europe\/Brussels\)\. Keys look like 2025-01; the valid keys are 2025-01 … 2025-04 \(4 partitions\)/);
    await assert.rejects(run('2025-02', { select: 'yearly' }), /partition '2025-02' was given, but no selected asset is partitioned/);
    const regions = staticPartitions(['be', 'nl']);
    const byRegion = asset({ key: 'by_region', partitions: regions }, (_, ctx) => `select '${ctx.partition!.key}' as region`);
    await assert.rejects(run(undefined, { assets: [byRegion], select: 'by_region' }), /asset 'by_region' is partitioned by static partitions \[be, nl\]: say which partition.*--partition nl/);
    assert.equal((await first!.storage.runs.listRuns({ project: 'test' })).length, before);
    const nl = await run('nl', { assets: [byRegion], select: 'by_region' });
    assert.equal(nl.status, 'SUCCESS');
    assert.deepEqual(await nl.query('select * from main.by_region'), [{ region: 'nl', weir_partition: 'nl' }]);
  });

  it('runs of different partitions of one asset work side by side; runs of one partition take turns', async () => {
    let inside = 0;
    let most = 0;
    const gate = asset({ key: 'gate', partitions: months }, async (_, ctx) => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inside--;
      return `select '${ctx.partition!.key}' as month`;
    });
    const both = (a: string, b: string) => Promise.all([a, b].map((partition) => run(partition, { assets: [gate], select: 'gate' })));
    most = 0;
    const different = await both('2025-01', '2025-02');
    assert.deepEqual(different.map((r) => r.status), ['SUCCESS', 'SUCCESS']);
    assert.equal(most, 2, 'two partitions computed at once');
    most = 0;
    const same = await both('2025-03', '2025-03');
    assert.deepEqual(same.map((r) => r.status), ['SUCCESS', 'SUCCESS']);
    assert.equal(most, 1, 'one partition, one run at a time');
    assert.deepEqual(await first!.query('select weir_partition, count(*)::integer as n from main.gate group by all order by 1'),
      [{ weir_partition: '2025-01', n: 1 }, { weir_partition: '2025-02', n: 1 }, { weir_partition: '2025-03', n: 1 }]);
  });

  it('a partition that reads an upstream partition never materialized fails at once, saying which to run', async () => {
    const gate = asset({ key: 'gate', partitions: months }, (_, ctx) => `select '${ctx.partition!.key}' as month`);
    const reader = asset({ key: 'gate_reader', partitions: months, inputs: { gate } }, ({ gate }) => `select * from ${gate}`);
    // gate has 2025-01 … 2025-03 (the test above), not 2025-04.
    const r = await run('2025-04', { assets: [gate, reader], select: 'gate_reader' });
    assert.equal(r.status, 'FAILURE');
    assert.match(r.events.find((e) => e.type === 'STEP_FAILURE')!.message,
      /gate_reader \[2025-04\] reads partition 2025-04 of 'gate' \(input 'gate'\), which has never been materialized\. Run it first: weir run -s gate --partition 2025-04/);
    const ok = await run('2025-03', { assets: [gate, reader], select: 'gate_reader' });
    assert.equal(ok.status, 'SUCCESS', ok.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join());
  });

  it('the README example: month over month reads the previous month through a subquery', async () => {
    const readme = asset({ key: 'mom', partitions: months, inputs: { revenue, prev: { asset: 'revenue', partitions: { offset: -1 } } } },
      ({ revenue, prev }) => `select r.total, p.total as previous from ${revenue} r left join ${prev} p on true`);
    const jan = await run('2025-01', { assets: [orders, revenue, readme], select: 'mom' });
    assert.equal(jan.status, 'SUCCESS');
    const feb = await run('2025-02', { assets: [orders, revenue, readme], select: 'mom' });
    assert.equal(feb.status, 'SUCCESS');
    assert.deepEqual(await feb.query('select weir_partition, total::integer as total, previous::integer as previous from main.mom order by 1'),
      [{ weir_partition: '2025-01', total: 30, previous: null }, { weir_partition: '2025-02', total: 60, previous: 30 }]);
  });

  it('a file input mapped to no partition (the first month) or to several is a clear error, never a glob over every month', async () => {
    const monthFile = asset({ key: 'month_file', partitions: months, io: { path: 'output/${partition.key}/month.csv' } },
      (_, ctx) => `select '${ctx.partition!.key}' as month`);
    const previousFile = asset({ key: 'previous_file', partitions: months, inputs: { prev: { asset: 'month_file', partitions: { offset: -1 } } } },
      ({ prev }) => `select * from read_csv('${prev}')`);
    const lastTwo = asset({ key: 'last_two', partitions: months, inputs: { prev: { asset: 'month_file', partitions: { offset: [-2, -1] } } } },
      ({ prev }) => `select * from read_csv('${prev}')`);
    const all = [monthFile, previousFile, lastTwo];
    for (const month of ['2025-01', '2025-02', '2025-03']) assert.equal((await run(month, { assets: all, select: 'month_file' })).status, 'SUCCESS');
    const january = await run('2025-01', { assets: all, select: 'previous_file' });
    assert.equal(january.status, 'FAILURE');
    assert.match(january.events.find((e) => e.type === 'STEP_FAILURE')!.message, /input 'prev': the mapping gives no partition of 'month_file' \(2025-01 has none before it\), and a file input is one partition's path or all of them/);
    const february = await run('2025-02', { assets: all, select: 'previous_file' });
    assert.equal(february.status, 'SUCCESS');
    assert.deepEqual(await february.query("select * from main.previous_file where weir_partition = '2025-02'"), [{ month: '2025-01', weir_partition: '2025-02' }]);
    const march = await run('2025-03', { assets: all, select: 'last_two' });
    assert.equal(march.status, 'FAILURE');
    assert.match(march.events.find((e) => e.type === 'STEP_FAILURE')!.message, /the mapping gives 2 partitions of 'month_file' \(2025-01 … 2025-02\)/);
  });

  it('--skip-unchanged on a partitioned asset says it does not apply and rebuilds, never silently', async () => {
    const result = await run('2025-03', { assets: [orders, revenue], select: 'orders', skipUnchanged: true });
    assert.equal(result.status, 'SUCCESS');
    const warning = result.events.find((e) => e.type === 'LOG' && e.stepKey === 'orders' && /--skip-unchanged does not apply to partitioned assets yet/.test(e.message));
    assert.ok(warning, 'a warning on the step says the flag was not applied');
    assert.ok(result.events.some((e) => e.type === 'ASSET_MATERIALIZATION' && e.stepKey === 'orders'), 'the partition was rebuilt');
  });

  it('an export that comes back empty is refused against the last materialization of the same month', async () => {
    const exportsOf = asset({ key: 'exports', partitions: months }, () => load.csv('exports/${partition.key}/orders.csv'));
    const write = (month: string, body: string) => {
      mkdirSync(join(first!.root, 'exports', month), { recursive: true });
      writeFileSync(join(first!.root, 'exports', month, 'orders.csv'), body);
    };
    write('2025-01', 'id,amount\n1,10\n2,20\n');
    write('2025-02', 'id,amount\n3,30\n');
    assert.equal((await run('2025-01', { assets: [exportsOf], select: 'exports' })).status, 'SUCCESS');
    assert.equal((await run('2025-02', { assets: [exportsOf], select: 'exports' })).status, 'SUCCESS');
    write('2025-01', 'id,amount\n');
    const emptied = await run('2025-01', { assets: [exportsOf], select: 'exports' });
    assert.equal(emptied.status, 'FAILURE');
    // The asset's last materialization is February's (1 row): the message names January's own, 2 rows.
    assert.match(emptied.events.find((e) => e.type === 'STEP_FAILURE')!.message, /loaded 0 rows from exports\/2025-01\/orders.csv, where its last materialization .* had 2 rows/);
    assert.deepEqual(await first!.query('select weir_partition, count(*)::integer as n from main.exports group by all order by 1'), [{ weir_partition: '2025-01', n: 2 }, { weir_partition: '2025-02', n: 1 }]);
  });

  it('month × region: each pair its own rows and file; a monthly reader reads every region of its month', async () => {
    const monthRegion = multiPartitions({ month: months, region: staticPartitions(['be', 'nl']) });
    const sales = asset({ key: 'sales', partitions: monthRegion, io: { path: 'out/${partition.dimensions.region}/${partition.dimensions.month}.csv' } },
      (_, ctx) => `select '${ctx.partition!.dimensions!.region}' as region, ${ctx.partition!.dimensions!.region === 'be' ? 10 : 20} as amount`);
    const salesTable = asset({ key: 'sales_table', partitions: monthRegion }, (_, ctx) => `select '${ctx.partition!.dimensions!.region}' as region, ${ctx.partition!.dimensions!.region === 'be' ? 10 : 20} as amount`);
    const monthly = asset({ key: 'monthly_sales', partitions: months, inputs: { salesTable } }, ({ salesTable }) => `select sum(amount) as total from ${salesTable}`);
    const assets = [sales, salesTable, monthly];
    for (const key of ['2025-02|be', '2025-02|nl']) assert.equal((await run(key, { assets, select: ['sales', 'sales_table'] })).status, 'SUCCESS', key);
    assert.equal(readFileSync(join(first!.root, 'out/nl/2025-02.csv'), 'utf8').trim(), 'region,amount\nnl,20');
    assert.deepEqual(await first!.query('select weir_partition, amount from main.sales_table order by 1'), [{ weir_partition: '2025-02|be', amount: 10 }, { weir_partition: '2025-02|nl', amount: 20 }]);
    const month = await run('2025-02', { assets, select: 'monthly_sales' });
    assert.equal(month.status, 'SUCCESS');
    assert.deepEqual(await first!.query('select total::integer as total from main.monthly_sales'), [{ total: 30 }]);
    // A monthly run of 2025-03 needs both regions of March first.
    const march = await run('2025-03', { assets, select: 'monthly_sales' });
    assert.match(march.events.find((e) => e.type === 'STEP_FAILURE')!.message, /reads partition 2025-03\|be of 'sales_table'/);
  });
});

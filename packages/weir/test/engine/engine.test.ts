// The engine end to end, in process, on real DuckDB and SQLite: write-audit-publish, retries, timeouts,
// cancellation, skip-unchanged, parallelism, errors and secret redaction.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asset, externalFile, load, rowCount, unique, value, notNull } from '../../src/index.js';
import { materialize, type MaterializeResult } from '../../src/testing/index.js';
import { scratchSpace } from './scratch-space.js';

const { open, tempDir } = scratchSpace('weir-engine-');
const types = (r: MaterializeResult, step?: string) => r.events.filter((e) => !step || e.stepKey === step).map((e) => e.type);

describe('engine', () => {
  it('materializes a graph to tables and files, records row counts, schema, checks and lineage', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'orders.csv'), 'id,customer,amount\n1,a,10.5\n2,b,20\n3,a,30\n');
    const file = externalFile({ key: 'orders_file', path: 'orders.csv' });
    const orders = asset({ key: 'orders', inputs: { file }, checks: [rowCount({ equals: 3 }), unique('id')] }, ({ file }) => load.csv(file));
    const byCustomer = asset(
      { key: 'by_customer', inputs: { orders }, io: { path: 'out/by_customer.parquet' }, checks: [value({ name: 'total', sql: 'select sum(total) from {{ this }}', equals: 60.5, tolerance: 0.001 })] },
      ({ orders }) => `select customer, sum(amount) as total from ${orders} group by customer order by customer`,
    );
    const result = await materialize({ assets: [orders, byCustomer], externals: [file], root });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    assert.deepEqual(result.plan.steps.map((s) => s.key), ['orders_file', 'orders', 'by_customer']);
    assert.ok(existsSync(join(root, 'out/by_customer.parquet')));
    const rows = await result.query(`select * from read_parquet('${join(root, 'out/by_customer.parquet')}') order by customer`);
    assert.deepEqual(rows, [{ customer: 'a', total: 40.5 }, { customer: 'b', total: 20 }]);
    const materializations = await result.storage.events.materializationsForRun(result.runId);
    const ordersM = materializations.find((m) => m.assetKey === 'orders')!;
    assert.equal(ordersM.rowCount, 3);
    assert.deepEqual(ordersM.columns.map((c) => c.name), ['id', 'customer', 'amount']);
    assert.equal(ordersM.upstream[0]!.assetKey, 'orders_file');
    const observation = result.events.find((e) => e.type === 'ASSET_OBSERVATION');
    assert.equal(observation?.type === 'ASSET_OBSERVATION' && observation.data.hash.length, 64);
    const fileM = materializations.find((m) => m.assetKey === 'by_customer')!;
    assert.equal(fileM.storage.kind, 'file');
    assert.ok((fileM.bytes ?? 0) > 0);
    const checks = await result.storage.events.checkEvaluationsForRun(result.runId);
    assert.deepEqual(checks.map((c) => [c.checkName, c.passed]), [['row_count', true], ['unique_id', true], ['total', true]]);
    // Events are committed with strictly increasing ids and in causal order per step.
    const ids = result.events.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.deepEqual(types(result, 'orders'), ['STEP_START', 'ASSET_CHECK_EVALUATION', 'ASSET_CHECK_EVALUATION', 'ASSET_MATERIALIZATION', 'STEP_SUCCESS']);
  });

  it('a failing blocking check keeps the last good table, keeps the bad data for inspection and skips downstream', async () => {
    let rowsToProduce = 3;
    const source = asset({ key: 'source', checks: [rowCount({ name: 'source_rows', equals: 3 })] }, () => `select * from range(${rowsToProduce}) t(n)`);
    const downstream = asset({ key: 'downstream', inputs: { source } }, ({ source }) => `select n * 2 as m from ${source}`);
    const first = await materialize({ assets: [source, downstream] });
    open.push(first);
    assert.equal(first.status, 'SUCCESS');
    rowsToProduce = 4;
    const second = await materialize({ assets: [source, downstream], reuse: first });
    assert.equal(second.status, 'FAILURE');
    const check = (await second.storage.events.checkEvaluationsForRun(second.runId))[0]!;
    assert.equal(check.passed, false);
    assert.equal(check.message, 'source_rows: 4 rows, expected 3');
    assert.deepEqual(await second.query('select count(*)::int as n from main.source'), [{ n: 3 }], 'published table untouched');
    assert.deepEqual(await second.query('select count(*)::int as n from main.source__weir_audit'), [{ n: 4 }], 'failing data kept');
    const skipped = second.events.find((e) => e.type === 'STEP_SKIPPED');
    assert.equal(skipped?.stepKey, 'downstream');
    assert.match(skipped!.message, /upstream source failed its checks/);
    const failure = second.events.find((e) => e.type === 'STEP_FAILURE');
    assert.equal(failure?.type === 'STEP_FAILURE' && failure.data.reason, 'check_failed');
    const run = await second.storage.runs.getRun(second.runId);
    assert.equal(run?.status, 'FAILURE');
    const tables = await second.query<{ table_name: string }>("select table_name from information_schema.tables where table_name like '%stage%'");
    assert.deepEqual(tables, [], 'no staging table left behind');
  });

  it('a warn-severity check records the failure and lets downstream run', async () => {
    const a = asset({ key: 'a', checks: [notNull('v', { severity: 'warn' })] }, () => 'select * from (values (1), (null)) t(v)');
    const b = asset({ key: 'b', inputs: { a } }, ({ a }) => `select count(*) as n from ${a}`);
    const result = await materialize({ assets: [a, b] });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    const [evaluation] = await result.storage.events.checkEvaluationsForRun(result.runId);
    assert.equal(evaluation!.passed, false);
    assert.equal(evaluation!.blocking, false);
    assert.equal(evaluation!.failingRows, 1);
  });

  it('retries with backoff, then succeeds; logs are recorded per step', async () => {
    let calls = 0;
    const flaky = asset({ key: 'flaky', retry: { max: 2, delay: 20 } }, (_inputs, ctx) => {
      calls++;
      ctx.log.info(`attempt ${ctx.attempt}`);
      if (calls < 3) throw new Error(`transient failure ${calls}`);
      return 'select 1 as ok';
    });
    const result = await materialize({ assets: [flaky] });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    assert.deepEqual(types(result, 'flaky').filter((t) => t !== 'LOG'), ['STEP_START', 'STEP_UP_FOR_RETRY', 'STEP_START', 'STEP_UP_FOR_RETRY', 'STEP_START', 'ASSET_MATERIALIZATION', 'STEP_SUCCESS']);
    const retries = result.events.filter((e) => e.type === 'STEP_UP_FOR_RETRY').map((e) => (e.type === 'STEP_UP_FOR_RETRY' ? e.data.delayMs : 0));
    assert.deepEqual(retries, [20, 40], 'exponential backoff');
    assert.deepEqual(result.events.filter((e) => e.type === 'LOG').map((e) => e.message), ['attempt 1', 'attempt 2', 'attempt 3']);
  });

  it('a user error fails the step with the user file in its stack, and nothing is published', async () => {
    const broken = asset({ key: 'broken' }, () => {
      throw new TypeError('price is not a number');
    });
    const result = await materialize({ assets: [broken] });
    open.push(result);
    assert.equal(result.status, 'FAILURE');
    const failure = result.events.find((e) => e.type === 'STEP_FAILURE');
    assert.ok(failure?.type === 'STEP_FAILURE');
    assert.equal(failure.data.error.message, 'price is not a number');
    assert.match(failure.data.error.stack ?? '', /engine\.test\.ts:\d+/);
    assert.doesNotMatch(failure.data.error.stack ?? '', /executor\.ts|asset-step\.ts/, 'Weir internals are not in the user stack');
  });

  it('a timeout interrupts the running DuckDB query and publishes nothing', async () => {
    const slow = asset({ key: 'slow', timeout: 300 }, () => 'select count(*) as n from range(20000000000) a(i) where hash(i) % 7 = 0');
    const started = Date.now();
    const result = await materialize({ assets: [slow] });
    open.push(result);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    const failure = result.events.find((e) => e.type === 'STEP_FAILURE');
    assert.equal(failure?.type === 'STEP_FAILURE' && failure.data.reason, 'timeout');
    assert.deepEqual(await result.query("select * from information_schema.tables where table_name like 'slow%'"), []);
  });

  it('cancelling interrupts running steps, skips pending ones and records the run as cancelled', async () => {
    const controller = new AbortController();
    const slow = asset({ key: 'slow' }, () => 'select count(*) as n from range(20000000000) a(i) where hash(i) % 7 = 0');
    const after = asset({ key: 'after', inputs: { slow } }, ({ slow }) => `select * from ${slow}`);
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await materialize({ assets: [slow, after], signal: controller.signal });
    open.push(result);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.equal(result.status, 'CANCELED');
    assert.equal((await result.storage.runs.getRun(result.runId))?.status, 'CANCELED');
    const failure = result.events.find((e) => e.type === 'STEP_FAILURE');
    assert.equal(failure?.type === 'STEP_FAILURE' && failure.data.reason, 'canceled');
    assert.ok(result.events.some((e) => e.type === 'STEP_SKIPPED' && e.stepKey === 'after'));
  });

  it('runs independent steps in parallel up to the concurrency', async () => {
    // A barrier: each step waits until all three have started. Run one at a time, they would wait forever
    // (and fail on the 5 s guard); run in parallel, all three pass it. No timing assumption.
    let started = 0;
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => { release = resolve; });
    const sleepers = ['p1', 'p2', 'p3'].map((key) => asset({ key }, async () => {
      if (++started === 3) release();
      await Promise.race([allStarted, new Promise((_, reject) => setTimeout(() => reject(new Error('steps did not run in parallel')), 5000))]);
      return 'select 1 as x';
    }));
    const result = await materialize({ assets: sleepers, concurrency: 3 });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    let running = 0;
    let peak = 0;
    const limitedAssets = ['q1', 'q2', 'q3', 'q4'].map((key) => asset({ key }, async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return 'select 1 as x';
    }));
    const limited = await materialize({ assets: limitedAssets, concurrency: 2 });
    open.push(limited);
    assert.equal(limited.status, 'SUCCESS');
    assert.equal(peak, 2, 'never more than the concurrency at once');
  });

  it('--skip-unchanged reuses assets whose code and inputs did not change, and recomputes when an input changes', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'in.csv'), 'x\n1\n2\n');
    const file = externalFile({ key: 'in_file', path: 'in.csv' });
    const raw = asset({ key: 'raw', inputs: { file } }, ({ file }) => load.csv(file));
    const total = asset({ key: 'total', inputs: { raw } }, ({ raw }) => `select sum(x) as s from ${raw}`);
    const first = await materialize({ assets: [raw, total], externals: [file], root });
    open.push(first);
    const second = await materialize({ assets: [raw, total], externals: [file], reuse: first, skipUnchanged: true });
    assert.equal(second.status, 'SUCCESS');
    assert.deepEqual(second.reused.sort(), ['raw', 'total']);
    writeFileSync(join(root, 'in.csv'), 'x\n1\n2\n3\n');
    const third = await materialize({ assets: [raw, total], externals: [file], reuse: first, skipUnchanged: true });
    assert.deepEqual(third.reused, []);
    assert.deepEqual(await third.query('select s::int as s from main.total'), [{ s: 6 }]);
  });

  it('a missing input file fails its observe step with the path and what to do, and skips what reads it', async () => {
    const file = externalFile({ key: 'missing_file', path: 'nowhere/data.csv' });
    const reader = asset({ key: 'reader', inputs: { file } }, ({ file }) => load.csv(file));
    const result = await materialize({ assets: [reader], externals: [file] });
    open.push(result);
    assert.equal(result.status, 'FAILURE');
    const failure = result.events.find((e) => e.type === 'STEP_FAILURE');
    assert.equal(failure?.stepKey, 'missing_file');
    assert.match(failure!.message, /input file 'missing_file' is missing: .*nowhere\/data\.csv does not exist/);
    assert.ok(result.events.some((e) => e.type === 'STEP_SKIPPED' && e.stepKey === 'reader'));
  });

  it('console output inside an asset goes to that step\'s log', async () => {
    const chatty = asset({ key: 'chatty' }, () => {
      console.log('hello from', 'chatty');
      return 'select 1 as x';
    });
    const result = await materialize({ assets: [chatty] });
    open.push(result);
    const log = result.events.find((e) => e.type === 'LOG');
    assert.equal(log?.stepKey, 'chatty');
    assert.equal(log?.message, 'hello from chatty');
  });
});

describe('files', () => {
  it('a raw file asset writes ctx.outputPath in a folder that does not exist yet', async () => {
    const root = tempDir();
    const report = asset({ key: 'notes', io: { path: 'deep/new/folder/notes.txt', format: 'raw' } }, (_inputs, ctx) => {
      writeFileSync(ctx.outputPath!, 'hello');
    });
    const result = await materialize({ assets: [report], root });
    open.push(result);
    assert.equal(result.status, 'SUCCESS');
    assert.equal(readFileSync(join(root, 'deep/new/folder/notes.txt'), 'utf8'), 'hello');
  });

  it('a failed check never replaces a published file', async () => {
    const root = tempDir();
    let n = 2;
    const report = asset({ key: 'report', io: { path: 'out/report.csv' }, checks: [rowCount({ max: 2 })] }, () => `select * from range(${n}) t(i)`);
    const first = await materialize({ assets: [report], root });
    open.push(first);
    const before = readFileSync(join(root, 'out/report.csv'), 'utf8');
    n = 5;
    const second = await materialize({ assets: [report], reuse: first });
    assert.equal(second.status, 'FAILURE');
    assert.equal(readFileSync(join(root, 'out/report.csv'), 'utf8'), before);
  });
});

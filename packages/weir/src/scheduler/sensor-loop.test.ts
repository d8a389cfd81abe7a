// The sensor loop against a real SQLite file, a real DuckDB warehouse and real runs through the in-process launcher;
// the clock is injected (runOnce(nowMs)), a restart closes the store and opens it again.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { assetSensor, fileSensor, runStatusSensor, sensor, sqlSensor, type SensorDefinition } from '../definitions/sensor.js';
import { openSensorFixture, type SensorFixture, FIXTURE_SECRET } from './sensor-fixture.js';

const T0 = Date.parse('2026-03-01T05:00:00Z');
const signal = new AbortController().signal;
let fixture: SensorFixture | undefined;
afterEach(async () => { await fixture?.close(); fixture = undefined; });

async function pass(f: SensorFixture, nowMs: number): Promise<void> {
  await f.loop.runOnce(nowMs, signal);
  await f.idle();
}
const evaluations = (f: SensorFixture, name: string) => f.storage.sensors.listEvaluations('shop', name, { limit: 100 });
const sensorRuns = async (f: SensorFixture, name: string) => (await f.storage.runs.listRuns({ project: 'shop' })).filter((r) => r.tags['weir/sensor'] === name);

describe('sensor loop', () => {
  it('file sensor: new files start one run with their paths; a file is processed once, across a restart; a changed file again', async () => {
    const f = fixture = await openSensorFixture([fileSensor({ name: 'inbox', path: 'inbox/*.csv', select: 'orders+', interval: '30s' })]);
    mkdirSync(join(f.root, 'inbox'));
    writeFileSync(join(f.root, 'inbox', 'a.csv'), 'id\n1\n');
    writeFileSync(join(f.root, 'inbox', 'b.csv'), 'id\n2\n');
    writeFileSync(join(f.root, 'inbox', 'notes.txt'), 'not matched');
    await pass(f, T0);
    const [run] = await sensorRuns(f, 'inbox');
    assert.ok(run, 'a run was launched');
    assert.equal(run.trigger, 'sensor');
    assert.equal(run.status, 'SUCCESS');
    assert.deepEqual(run.stepKeys, ['orders', 'report']);
    assert.deepEqual(f.triggers.get(run.runId), { kind: 'sensor', name: 'inbox', payload: { paths: ['inbox/a.csv', 'inbox/b.csv'] } });
    const [enqueued] = await f.storage.events.eventsForRun(run.runId, { types: ['RUN_ENQUEUED'] });
    assert.deepEqual(enqueued!.data, { triggerPayload: { paths: ['inbox/a.csv', 'inbox/b.csv'] } }, 'the payload is stored with the run');

    await pass(f, T0 + 10_000);
    assert.equal((await evaluations(f, 'inbox')).length, 1, 'not due before its interval');
    await pass(f, T0 + 31_000);
    const [skipped] = await evaluations(f, 'inbox');
    assert.equal(skipped!.status, 'SKIPPED');
    assert.match(skipped!.reason!, /no new or changed file/);

    await f.restart();
    await pass(f, T0 + 62_000);
    assert.equal((await sensorRuns(f, 'inbox')).length, 1, 'after a restart, the processed files are not processed again');
    assert.equal((await evaluations(f, 'inbox'))[0]!.status, 'SKIPPED');

    writeFileSync(join(f.root, 'inbox', 'b.csv'), 'id\n2\n3\n');
    utimesSync(join(f.root, 'inbox', 'b.csv'), new Date(T0), new Date(T0 + 1000));
    writeFileSync(join(f.root, 'inbox', 'c.csv'), 'id\n4\n');
    await pass(f, T0 + 93_000);
    const runs = await sensorRuns(f, 'inbox');
    assert.equal(runs.length, 2);
    assert.deepEqual(f.triggers.get(runs[0]!.runId)?.payload, { paths: ['inbox/b.csv', 'inbox/c.csv'] }, 'the changed and the new file only');
    const [requested] = await evaluations(f, 'inbox');
    assert.equal(requested!.status, 'REQUESTED');
    assert.deepEqual(requested!.runIds, [runs[0]!.runId]);
  });

  it('file sensor: a folder outside the project (relative or absolute) is watched the same way', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'weir-sensor-inbox-'));
    try {
      const f = fixture = await openSensorFixture([
        fileSensor({ name: 'relative', path: `${relative(tmpdir(), outside).replace(/^/, '../')}/*.xlsx`, select: 'orders+' }),
        fileSensor({ name: 'absolute', path: `${outside}/**/*.xlsx`, select: 'orders+' }),
      ]);
      mkdirSync(join(outside, '2026-03'));
      writeFileSync(join(outside, 'flat.xlsx'), 'x');
      writeFileSync(join(outside, '2026-03', 'erp.xlsx'), 'y');
      await pass(f, T0);
      const [rel] = await sensorRuns(f, 'relative');
      const [abs] = await sensorRuns(f, 'absolute');
      const name = relative(tmpdir(), outside);
      assert.deepEqual(f.triggers.get(rel!.runId)?.payload, { paths: [`../${name}/flat.xlsx`] });
      assert.deepEqual(f.triggers.get(abs!.runId)?.payload, { paths: [`../${name}/2026-03/erp.xlsx`, `../${name}/flat.xlsx`] });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('custom sensor: its cursor comes back at the next evaluation, also after a restart', async () => {
    const seen: Array<string | undefined> = [];
    const counter = sensor({
      name: 'counter', interval: '1m', select: 'orders+', evaluate: (ctx) => {
        seen.push(ctx.cursor);
        const n = Number(ctx.cursor ?? 0) + 1;
        return n % 2 === 1 ? { cursor: String(n), runRequests: [{ tags: { n: String(n) }, payload: { n } }] } : { cursor: String(n), skipReason: 'even' };
      },
    });
    const f = fixture = await openSensorFixture([counter]);
    await pass(f, T0);
    await pass(f, T0 + 61_000);
    await f.restart();
    await pass(f, T0 + 122_000);
    assert.deepEqual(seen, [undefined, '1', '2']);
    const runs = await sensorRuns(f, 'counter');
    assert.deepEqual(runs.map((r) => r.tags.n), ['3', '1']);
    assert.deepEqual(runs.map((r) => r.stepKeys), [['orders', 'report'], ['orders', 'report']]);
    assert.deepEqual(f.triggers.get(runs[0]!.runId), { kind: 'sensor', name: 'counter', payload: { n: 3 } });
    assert.deepEqual((await evaluations(f, 'counter')).map((e) => [e.status, e.cursor]), [['REQUESTED', '3'], ['SKIPPED', '2'], ['REQUESTED', '1']]);
  });

  it('an evaluation that throws is recorded with its error (secrets masked), raises SENSOR_ERRORED, keeps the cursor; the next success resolves it', async () => {
    let fail = false;
    const flaky = sensor({
      name: 'flaky', interval: '30s', evaluate: () => {
        if (fail) throw new Error(`ERP answered 500 for token ${FIXTURE_SECRET}`);
        return { cursor: 'kept', skipReason: 'nothing new' };
      },
    });
    const f = fixture = await openSensorFixture([flaky]);
    await pass(f, T0);
    fail = true;
    await pass(f, T0 + 31_000);
    const [errored] = await evaluations(f, 'flaky');
    assert.equal(errored!.status, 'ERROR');
    assert.match(errored!.error!, /ERP answered 500 for token \*\*\*/);
    assert.ok(!JSON.stringify(await evaluations(f, 'flaky')).includes(FIXTURE_SECRET));
    assert.equal(errored!.cursor, 'kept');
    assert.equal(f.signals.length, 1);
    assert.equal(f.signals[0]!.kind, 'SENSOR_ERRORED');
    assert.equal(f.signals[0]!.subject, 'flaky');
    assert.ok(!f.signals[0]!.message.includes(FIXTURE_SECRET));
    assert.ok(f.logs.some((l) => l.level === 'error' && l.message.includes('flaky')));
    assert.ok(!JSON.stringify(f.logs).includes(FIXTURE_SECRET));
    fail = false;
    await pass(f, T0 + 62_000);
    assert.equal(f.signals.length, 2);
    assert.equal(f.signals[1]!.resolved, true);
    await pass(f, T0 + 93_000);
    assert.equal(f.signals.length, 2, 'resolved once, not at every success');
  });

  it('a slow evaluation is not cut off: it is reported (warn and on the evaluation) and the next one waits for it', async () => {
    const slow = sensor({
      name: 'slow', interval: '1s', evaluate: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1200));
        return { runRequests: [{}] };
      },
    });
    const f = fixture = await openSensorFixture([slow]);
    await pass(f, T0);
    const [evaluation] = await evaluations(f, 'slow');
    assert.equal(evaluation!.status, 'REQUESTED', 'its result counts');
    assert.equal(evaluation!.slow, true);
    assert.match(evaluation!.reason!, /slow: took 1\.\d s \(reported beyond 1\.0 s\)/);
    assert.ok(f.logs.some((l) => l.level === 'warn' && /sensor slow: .*slow: took/.test(l.message)));
    const state = (await f.storage.sensors.sensorStates('shop')).get('slow')!;
    assert.ok(state.lastEvaluationEndedAt! >= T0 + 1200);
    await pass(f, T0 + 1500);
    assert.equal((await evaluations(f, 'slow')).length, 1, 'due an interval after it ended');
  });

  it('an evaluation still running past its limit is reported while it runs; other sensors go on meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const hanging = sensor({ name: 'hanging', interval: '1s', evaluate: async () => { await gate; return { skipReason: 'done at last' }; } });
    let quickCount = 0;
    const quick = sensor({ name: 'quick', interval: '1s', evaluate: () => { quickCount++; return {}; } });
    const f = fixture = await openSensorFixture([hanging, quick], [], { passWaitMs: 50 });
    await f.loop.runOnce(T0, signal);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await f.loop.runOnce(T0 + 1500, signal);
    assert.ok(f.logs.some((l) => l.level === 'warn' && /sensor hanging is still evaluating after 1 s \(interval 1 s\)/.test(l.message)), JSON.stringify(f.logs));
    assert.equal(quickCount, 2, 'the other sensor was evaluated again meanwhile');
    assert.equal((await evaluations(f, 'hanging')).length, 0, 'not due again while it runs');
    release();
    await f.idle();
    const [done] = await evaluations(f, 'hanging');
    assert.equal(done!.slow, true);
    assert.match(done!.reason!, /done at last; slow: took 1\.\d s/);
  });

  it('a run request the launcher refuses (a selection matching nothing) is an ERROR that keeps the cursor, so the next evaluation asks again', async () => {
    const seen: Array<string | undefined> = [];
    const typo = sensor({ name: 'typo', interval: '30s', evaluate: (ctx) => {
      seen.push(ctx.cursor);
      return { cursor: 'moved', runRequests: [{ select: 'ordrs' }] };
    } });
    const f = fixture = await openSensorFixture([typo]);
    await pass(f, T0);
    const [first] = await evaluations(f, 'typo');
    assert.equal(first!.status, 'ERROR');
    assert.match(first!.error!, /launching a run failed: selector 'ordrs' matches no asset\. Did you mean 'orders'\?/);
    assert.equal(first!.cursor, null, 'the cursor did not move');
    assert.equal(f.signals[0]?.kind, 'SENSOR_ERRORED');
    await pass(f, T0 + 31_000);
    assert.deepEqual(seen, [undefined, undefined]);
  });

  it('a paused sensor is not evaluated; resumed, it is', async () => {
    const f = fixture = await openSensorFixture([sensor({ name: 'p', interval: '30s', evaluate: () => ({ runRequests: [{}] }) })]);
    await f.storage.sensors.setSensorState('shop', 'p', 'PAUSED', T0);
    await pass(f, T0);
    assert.equal((await evaluations(f, 'p')).length, 0);
    await f.storage.sensors.setSensorState('shop', 'p', 'RUNNING', T0);
    await pass(f, T0 + 1);
    assert.equal((await sensorRuns(f, 'p')).length, 1);
  });

  it('sql sensor: the first evaluation records the result, a changed result starts a run with the rows', async () => {
    const f = fixture = await openSensorFixture([sqlSensor({ name: 'erp', query: 'select max(updated_at) as latest from erp_orders', select: 'orders+', interval: '5m' })]);
    const session = await (await f.warehouse()).connect();
    await session.run("create table erp_orders as select 1 as id, timestamp '2026-02-28 10:00:00' as updated_at");
    await pass(f, T0);
    assert.equal((await evaluations(f, 'erp'))[0]!.status, 'SKIPPED');
    await pass(f, T0 + 301_000);
    assert.match((await evaluations(f, 'erp'))[0]!.reason!, /result unchanged/);
    await session.run("insert into erp_orders values (2, timestamp '2026-03-01 04:59:00')");
    session.close();
    await pass(f, T0 + 602_000);
    const [run] = await sensorRuns(f, 'erp');
    assert.ok(run);
    assert.deepEqual(f.triggers.get(run.runId)?.payload, { rows: [{ latest: '2026-03-01T04:59:00' }], rowCount: 1 });
  });

  it('asset sensor: a materialization of the watched asset starts a run; run-status sensor: each run ended with its status starts one', async () => {
    const watchers: SensorDefinition[] = [
      assetSensor({ name: 'after_orders', asset: 'orders', select: 'report', interval: '1s' }),
      runStatusSensor({ name: 'after_success', status: 'SUCCESS', select: 'report', interval: '1s' }),
    ];
    const f = fixture = await openSensorFixture(watchers);
    await pass(f, T0);
    assert.deepEqual((await evaluations(f, 'after_orders')).map((e) => e.reason), ['watching materializations from now on']);
    const manual = await f.launcher.launch({ select: 'orders', trigger: 'cli' });
    await f.launcher.idle();
    await pass(f, T0 + 2000);
    const [afterOrders] = await sensorRuns(f, 'after_orders');
    assert.ok(afterOrders, 'asset sensor launched');
    const payload = f.triggers.get(afterOrders.runId)?.payload as { assetKey: string; materializations: Array<{ runId: string }> };
    assert.equal(payload.assetKey, 'orders');
    assert.deepEqual(payload.materializations.map((m) => m.runId), [manual.runId]);
    const afterSuccess = await sensorRuns(f, 'after_success');
    assert.deepEqual(afterSuccess.map((r) => r.tags['weir/ended-run']), [manual.runId], 'one run for the manual run');
    // The next pass sees the two runs the sensors launched: after_success reacts to after_orders' run, not to its own.
    await pass(f, T0 + 4000);
    const again = await sensorRuns(f, 'after_success');
    assert.deepEqual(again.map((r) => r.tags['weir/ended-run']).sort(), [manual.runId, afterOrders.runId].sort());
    await pass(f, T0 + 6000);
    assert.equal((await sensorRuns(f, 'after_success')).length, 2, 'never triggered by its own runs');
  });
});

/** The alert router on hand-written event streams, pass after pass, with the clock injected. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertRule } from '../definitions/alerts-config.js';
import type { CheckEvaluationData, EventRecord, NewEvent, Run } from '../events/index.js';
import { routeAlerts, RUN_STATE_RULE, type RouteAlertsInput, type RouterProblem, type RouterSignal } from './route-alerts.js';

const T0 = Date.UTC(2026, 2, 1, 5, 0, 0);
const MIN = 60_000;

function run(runId: string, overrides: Partial<Run> = {}): Run {
  return {
    runId, project: 'shop', status: 'STARTED', trigger: 'schedule', selection: 'revenue+', stepKeys: ['orders', 'revenue'],
    parentRunId: null, rootRunId: null, tags: {}, createdAt: T0, startedAt: T0, endedAt: null, ...overrides,
  };
}

let nextEventId = 1;
function event(e: Omit<NewEvent, 'project' | 'message' | 'stepKey' | 'timestamp'> & Partial<Pick<NewEvent, 'stepKey' | 'timestamp'>>): EventRecord {
  return { project: 'shop', message: '', stepKey: null, timestamp: T0, ...e, id: nextEventId++ } as EventRecord;
}
function check(runId: string, data: Partial<CheckEvaluationData>): EventRecord {
  return event({
    runId, type: 'ASSET_CHECK_EVALUATION', stepKey: data.assetKey ?? 'revenue',
    data: {
      assetKey: 'revenue', checkName: 'positive_amounts', severity: 'error', passed: false, outcome: 'failed', blocking: true,
      observed: 3, expected: 0, failingRows: 3, samples: [], message: '3 rows with amount <= 0', durationMs: 4, ...data,
    },
  });
}
const end = { durationMs: 1200, succeeded: [], failed: [], skipped: [] };
function runFailed(runId: string, failed = ['revenue']): EventRecord[] {
  return [
    event({ runId, type: 'STEP_FAILURE', stepKey: failed[0]!, data: { attempt: 1, durationMs: 5, reason: 'error', error: { message: 'Binder Error: column "amout" not found\nLINE 1: select amout' } } }),
    event({ runId, type: 'RUN_FAILURE', data: { ...end, failed } }),
  ];
}
function runSucceeded(runId: string): EventRecord {
  return event({ runId, type: 'RUN_SUCCESS', data: { ...end, succeeded: ['orders', 'revenue'] } });
}

/** The router applied pass after pass, its open problems kept between passes as the store keeps them. */
function router(rules: AlertRule[], base: Partial<RouteAlertsInput> = {}) {
  let open: RouterProblem[] = [];
  let ids = 0;
  return {
    pass(input: Partial<RouteAlertsInput> & { nowMs?: number }) {
      const result = routeAlerts({
        project: 'shop', nowMs: T0, publicUrl: 'https://weir.example.org/', rules, enabledChannels: new Set(rules.flatMap((r) => r.channels)),
        ruleAssets: new Map(), events: [], runs: new Map(), running: [], signals: [], openProblems: open, newId: () => `d${++ids}`, ...base, ...input,
      });
      const resolved = new Set(result.resolved.map((r) => `${r.rule}|${r.problemKey}`));
      const changed = new Map(result.opened.map((p) => [`${p.rule}|${p.problemKey}`, p]));
      open = [...open.filter((p) => !resolved.has(`${p.rule}|${p.problemKey}`) && !changed.has(`${p.rule}|${p.problemKey}`)), ...changed.values()];
      return result;
    },
    open: () => open.filter((p) => p.rule !== RUN_STATE_RULE),
  };
}
const runsOf = (...runs: Run[]) => new Map(runs.map((r) => [r.runId, r]));

describe('routeAlerts', () => {
  it('a failed check is sent once per channel with what, why and a link; again it is not; a pass sends "resolved" once', () => {
    const r = router([{ name: 'failures', on: ['check_failed'], channels: ['team_teams', 'team_ntfy'] }]);
    const first = r.pass({ events: [check('r1', {})], runs: runsOf(run('r1')) });
    assert.deepEqual(first.deliveries.map((d) => d.channel), ['team_teams', 'team_ntfy']);
    const m = first.deliveries[0]!.message;
    assert.equal(m.title, 'Check failed: revenue.positive_amounts');
    assert.equal(m.line, 'revenue: check positive_amounts failed: observed 3, expected 0 (3 rows with amount <= 0)');
    assert.equal(m.link, 'https://weir.example.org/#/runs/r1');
    assert.deepEqual([m.state, m.runId, m.severity], ['problem', 'r1', 'error']);
    assert.deepEqual(r.open().map((p) => p.problemKey), ['check:revenue:positive_amounts']);

    assert.equal(r.pass({ events: [check('r2', {})], runs: runsOf(run('r2')), nowMs: T0 + 60 * MIN }).deliveries.length, 0);

    const passed = r.pass({ events: [check('r3', { passed: true, outcome: 'passed', observed: 0 })], runs: runsOf(run('r3')) });
    assert.deepEqual(passed.deliveries.map((d) => [d.channel, d.message.state, d.message.line]), [
      ['team_teams', 'resolved', 'revenue: check positive_amounts passes again: observed 0, expected 0'],
      ['team_ntfy', 'resolved', 'revenue: check positive_amounts passes again: observed 0, expected 0'],
    ]);
    assert.equal(r.open().length, 0);
    assert.equal(r.pass({ events: [check('r4', { passed: true, outcome: 'passed' })], runs: runsOf(run('r4')) }).deliveries.length, 0);
  });

  it('check_failed by severity: a rule on severity error ignores warnings, one on warn gets only them', () => {
    const r = router([
      { name: 'errors', on: ['check_failed'], channels: ['a'], severity: 'error' },
      { name: 'warnings', on: ['check_failed'], channels: ['b'], severity: 'warn' },
    ]);
    const warned = r.pass({ events: [check('r1', { severity: 'warn', outcome: 'warned', blocking: false, checkName: 'few_rows' })], runs: runsOf(run('r1')) });
    assert.deepEqual(warned.deliveries.map((d) => [d.rule, d.message.severity]), [['warnings', 'warn']]);
    const failed = r.pass({ events: [check('r2', {})], runs: runsOf(run('r2')) });
    assert.deepEqual(failed.deliveries.map((d) => d.rule), ['errors']);
  });

  it('a failed run names the failing step and its error\'s first line; its success after it is "recovered", also for a rule on run_recovered alone', () => {
    const r = router([
      { name: 'failures', on: ['run_failed'], channels: ['a'] },
      { name: 'recoveries', on: ['run_recovered'], channels: ['b'] },
    ]);
    const failed = r.pass({ events: runFailed('r1'), runs: runsOf(run('r1')) });
    assert.deepEqual(failed.deliveries.map((d) => [d.rule, d.message.title, d.message.line]), [
      ['failures', 'Run failed: revenue+', 'revenue: Binder Error: column "amout" not found'],
    ]);
    // A second failure of the same selection is the same open problem.
    assert.equal(r.pass({ events: runFailed('r2'), runs: runsOf(run('r2')) }).deliveries.length, 0);
    // Another selection failing is another problem.
    assert.equal(r.pass({ events: runFailed('r3', ['orders']), runs: runsOf(run('r3', { selection: 'orders' })) }).deliveries.length, 1);
    const recovered = r.pass({ events: [runSucceeded('r4')], runs: runsOf(run('r4')) });
    assert.deepEqual(recovered.deliveries.map((d) => [d.rule, d.message.kind, d.message.state, d.message.title]), [
      ['failures', 'run_recovered', 'resolved', 'Run recovered: revenue+'],
      ['recoveries', 'run_recovered', 'resolved', 'Run recovered: revenue+'],
    ]);
    // A success after a success is not a recovery.
    assert.equal(r.pass({ events: [runSucceeded('r5')], runs: runsOf(run('r5')) }).deliveries.length, 0);
  });

  it('a re-execution that succeeds recovers the job of the run it re-executes', () => {
    const r = router([{ name: 'failures', on: ['run_failed', 'run_recovered'], channels: ['a'] }]);
    r.pass({ events: runFailed('r1'), runs: runsOf(run('r1')) });
    const retry = run('r2', { selection: 'revenue', parentRunId: 'r1', rootRunId: 'r1', trigger: 'reexecution' });
    const recovered = r.pass({ events: [runSucceeded('r2')], runs: runsOf(retry, run('r1', { status: 'FAILURE' })) });
    assert.deepEqual(recovered.deliveries.map((d) => d.message.kind), ['run_recovered']);
  });

  it('filters: an asset selection (by what failed), run tags; disabled or unknown channels get nothing', () => {
    const r = router([
      { name: 'finance', on: ['run_failed'], channels: ['a'], group: 'finance' },
      { name: 'shop_team', on: ['run_failed'], channels: ['b', 'disabled'], tags: { team: 'shop' } },
    ], { ruleAssets: new Map([['finance', new Set(['revenue'])]]), enabledChannels: new Set(['a', 'b']) });
    const ordersFailed = r.pass({ events: runFailed('r1', ['orders']), runs: runsOf(run('r1', { tags: { team: 'shop' } })) });
    assert.deepEqual(ordersFailed.deliveries.map((d) => [d.rule, d.channel]), [['shop_team', 'b']]);
    const revenueFailed = r.pass({ events: runFailed('r2', ['revenue']), runs: runsOf(run('r2', { selection: 'revenue', tags: { team: 'ops' } })) });
    assert.deepEqual(revenueFailed.deliveries.map((d) => [d.rule, d.channel]), [['finance', 'a']]);
  });

  it('a run longer than the limit is sent once while it runs, and resolved when it ends', () => {
    const r = router([{ name: 'slow', on: ['run_too_long'], channels: ['a'], runLongerThanMs: 30 * MIN }]);
    const running = run('r1', { startedAt: T0 });
    assert.equal(r.pass({ running: [running], runs: runsOf(running), nowMs: T0 + 29 * MIN }).deliveries.length, 0);
    const late = r.pass({ running: [running], runs: runsOf(running), nowMs: T0 + 31 * MIN });
    assert.deepEqual(late.deliveries.map((d) => d.message.line), ['revenue+ has been running for 31m00s (limit 30m00s), run r1']);
    assert.equal(r.pass({ running: [running], runs: runsOf(running), nowMs: T0 + 40 * MIN }).deliveries.length, 0);
    const ended = r.pass({ events: [event({ runId: 'r1', type: 'RUN_SUCCESS', timestamp: T0 + 45 * MIN, data: { ...end } })], runs: runsOf({ ...running, endedAt: T0 + 45 * MIN }), nowMs: T0 + 46 * MIN });
    assert.deepEqual(ended.deliveries.map((d) => [d.message.state, d.message.line]), [['resolved', 'revenue+ succeeded after 45m00s']]);
    assert.equal(r.open().length, 0);
  });

  it('signals: an error is sent once, its resolution once; a finished backfill is news, sent every time', () => {
    const r = router([{ name: 'automation', on: ['schedule_errored', 'backfill_finished', 'freshness_violated'], channels: ['a'] }]);
    let sid = 0;
    const signal = (s: Partial<RouterSignal>): RouterSignal => ({ id: ++sid, kind: 'SCHEDULE_ERRORED', subject: 'monthly_report', problemKey: 'schedule:monthly_report', message: "cron '0 6 1 * * *' field 6: …", timestamp: T0, ...s });
    assert.deepEqual(r.pass({ signals: [signal({}), signal({})] }).deliveries.map((d) => [d.message.title, d.message.link]), [['Schedule errored: monthly_report', 'https://weir.example.org/#/automation']]);
    assert.deepEqual(r.pass({ signals: [signal({ resolved: true, message: 'ticks again' })] }).deliveries.map((d) => [d.message.state, d.message.line]), [['resolved', 'ticks again']]);
    const freshness = r.pass({ signals: [signal({ kind: 'FRESHNESS_VIOLATED', subject: 'revenue', assetKey: 'revenue', problemKey: 'freshness:revenue', message: 'revenue was last materialized 31h ago (max lag 26h)' })] });
    assert.deepEqual(freshness.deliveries.map((d) => d.message.link), ['https://weir.example.org/#/assets/revenue']);
    const backfill = signal({ kind: 'BACKFILL_FINISHED', subject: 'b-1', problemKey: 'backfill:b-1', message: 'backfill b-1: 12 partitions done, 0 failed' });
    assert.equal(r.pass({ signals: [backfill] }).deliveries[0]?.message.state, 'info');
    assert.equal(r.pass({ signals: [{ ...backfill, id: 99 }] }).deliveries.length, 1);
  });

  it('an asset-filtered rule is not told about errors that concern no asset', () => {
    const r = router([{ name: 'finance', on: ['sensor_errored'], channels: ['a'], select: 'group:finance' }], { ruleAssets: new Map([['finance', new Set(['revenue'])]]) });
    assert.equal(r.pass({ signals: [{ id: 1, kind: 'SENSOR_ERRORED', subject: 'new_exports', problemKey: 'sensor:new_exports', message: 'EACCES', timestamp: T0 }] }).deliveries.length, 0);
  });

  it('repeat: an open problem is sent again once the repeat interval has passed, not before', () => {
    const r = router([{ name: 'failures', on: ['check_failed'], channels: ['a'], repeatMs: 240 * MIN }]);
    r.pass({ events: [check('r1', {})], runs: runsOf(run('r1')) });
    assert.equal(r.pass({ nowMs: T0 + 239 * MIN }).deliveries.length, 0);
    const again = r.pass({ nowMs: T0 + 240 * MIN });
    assert.deepEqual(again.deliveries.map((d) => d.message.title), ['Still open: Check failed: revenue.positive_amounts']);
    assert.equal(r.pass({ nowMs: T0 + 300 * MIN }).deliveries.length, 0);
    assert.equal(r.pass({ nowMs: T0 + 480 * MIN }).deliveries.length, 1);
  });
});

// The dead-run decider and the events that end a dead run: pure, with the clock, the runs and the probe given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecord } from '../events/index.js';
import type { RunExecution } from '../storage/storage.js';
import { EXECUTOR_LOST_AFTER_MS, endEventsForDeadRun, findDeadRuns, judgeExecution } from './dead-runs.js';

const NOW = Date.UTC(2026, 11, 3, 19, 0, 0);

function execution(overrides: Partial<RunExecution> & { runId: string }): RunExecution {
  return {
    project: 'shop', status: 'STARTED', stepKeys: ['orders', 'revenue', 'report'], createdAt: NOW - 10_000, startedAt: NOW - 9_000,
    executor: { host: 'here', pid: 100, processStart: '555' }, heartbeatAt: NOW - 1_000, cancelRequestedAt: null, ...overrides,
  };
}

/** Alive: pid 100 started at 555, pid 300 whatever its start; pid 400 cannot be probed (another pid namespace). */
const isProcessAlive = (pid: number, start: string | null) => (pid === 400 ? undefined : (pid === 100 && start === '555') || pid === 300);

describe('findDeadRuns', () => {
  it('same host: the probe decides, whatever the heartbeat says', () => {
    const runs = [
      execution({ runId: 'alive-stale', heartbeatAt: NOW - 10 * EXECUTOR_LOST_AFTER_MS }),
      execution({ runId: 'gone', executor: { host: 'here', pid: 200, processStart: '1' } }),
      execution({ runId: 'pid-reused', executor: { host: 'here', pid: 100, processStart: '999' } }),
      execution({ runId: 'canceling-gone', status: 'CANCELING', executor: { host: 'here', pid: 201, processStart: null } }),
    ];
    const dead = findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive, runs });
    assert.deepEqual(dead.map((d) => [d.execution.runId, d.lost.cause, d.lost.pid]), [
      ['gone', 'process_gone', 200], ['pid-reused', 'process_gone', 100], ['canceling-gone', 'process_gone', 201],
    ]);
    assert.equal(dead[0]!.reason, 'the process running it stopped: pid 200 on here, last seen 2026-12-03 18:59:59 UTC');
    assert.equal(dead[0]!.lost.lastSeenAt, NOW - 1_000);
  });

  it('another host: dead only after EXECUTOR_LOST_AFTER_MS without a heartbeat', () => {
    const elsewhere = { host: 'there', pid: 100, processStart: '555' };
    const runs = [
      execution({ runId: 'fresh', executor: elsewhere, heartbeatAt: NOW - EXECUTOR_LOST_AFTER_MS }),
      execution({ runId: 'silent', executor: elsewhere, heartbeatAt: NOW - EXECUTOR_LOST_AFTER_MS - 1 }),
    ];
    const dead = findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive: () => { throw new Error('another host is never probed'); }, runs });
    assert.deepEqual(dead.map((d) => [d.execution.runId, d.lost.cause]), [['silent', 'heartbeat_lost']]);
    assert.match(dead[0]!.reason, /^the process running it stopped: pid 100 on there sent no heartbeat \(no sign of life for 60 s\), last seen /);
  });

  it('same host, a process the probe cannot see (another pid namespace): the heartbeat decides', () => {
    const unseen = { host: 'here', pid: 400, processStart: 'b/ns/1' };
    const runs = [
      execution({ runId: 'beating', executor: unseen, heartbeatAt: NOW - 1_000 }),
      execution({ runId: 'silent', executor: unseen, heartbeatAt: NOW - EXECUTOR_LOST_AFTER_MS - 1 }),
    ];
    assert.deepEqual(findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive, runs }).map((d) => [d.execution.runId, d.lost.cause]), [['silent', 'heartbeat_lost']]);
  });

  it('no executor recorded (an older Weir): judged by its start time', () => {
    const runs = [
      execution({ runId: 'young', executor: null, heartbeatAt: null, startedAt: NOW - 5_000 }),
      execution({ runId: 'old', executor: null, heartbeatAt: null, startedAt: NOW - 2 * EXECUTOR_LOST_AFTER_MS }),
    ];
    const dead = findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive, runs });
    assert.deepEqual(dead.map((d) => [d.execution.runId, d.lost]), [['old', { cause: 'never_recorded', host: null, pid: null, lastSeenAt: NOW - 2 * EXECUTOR_LOST_AFTER_MS }]]);
  });

  it('never reaps a queued run or a finished one, even with its process gone', () => {
    const gone = { host: 'here', pid: 999, processStart: null };
    const runs = [
      execution({ runId: 'queued', status: 'QUEUED', executor: gone, startedAt: null }),
      execution({ runId: 'queued-old', status: 'QUEUED', executor: null, heartbeatAt: null, startedAt: null, createdAt: 0 }),
      execution({ runId: 'done', status: 'FAILURE', executor: gone }),
    ];
    assert.deepEqual(findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive, runs }), []);
    // judgeExecution alone (what a cancel uses) does judge a queued run whose process is gone.
    assert.equal(judgeExecution(runs[0]!, { nowMs: NOW, host: 'here', isProcessAlive })?.lost.cause, 'process_gone');
  });
});

describe('endEventsForDeadRun', () => {
  let id = 0;
  const step = (type: string, stepKey: string, timestamp: number, data: Record<string, unknown>) =>
    ({ id: ++id, runId: 'r1', project: 'shop', type, stepKey, timestamp, message: '', data }) as EventRecord;
  const events = [
    step('STEP_START', 'orders', NOW - 8_000, { attempt: 1, kind: 'asset' }),
    step('STEP_SUCCESS', 'orders', NOW - 7_000, { attempt: 1, durationMs: 1000 }),
    step('STEP_START', 'revenue', NOW - 6_000, { attempt: 1, kind: 'asset' }),
    step('STEP_UP_FOR_RETRY', 'revenue', NOW - 5_000, { attempt: 1, nextAttempt: 2, delayMs: 10, error: { message: 'x' } }),
    step('STEP_START', 'revenue', NOW - 4_000, { attempt: 2, kind: 'asset' }),
  ];
  const [dead] = findDeadRuns({ nowMs: NOW, host: 'here', isProcessAlive, runs: [execution({ runId: 'r1', executor: { host: 'here', pid: 7, processStart: null } })] });

  it('fails the running step with the reason, then the run, naming what never ran', () => {
    const ended = endEventsForDeadRun(dead!, events, { nowMs: NOW, canceled: false });
    assert.deepEqual(ended.map((e) => [e.type, e.stepKey]), [['STEP_FAILURE', 'revenue'], ['RUN_FAILURE', null]]);
    const [stepFailure, runFailure] = ended;
    assert.equal(stepFailure!.message, `revenue failed: ${dead!.reason}`);
    assert.deepEqual(stepFailure!.data, {
      attempt: 2, durationMs: 4_000, reason: 'error', error: { message: dead!.reason, code: 'EXECUTOR_LOST' }, executorLost: dead!.lost,
    });
    assert.equal(runFailure!.message, `Run failed: ${dead!.reason}; not run: report`);
    assert.deepEqual(runFailure!.data, {
      durationMs: 9_000, succeeded: ['orders'], failed: ['revenue'], skipped: [],
      error: { message: dead!.reason, code: 'EXECUTOR_LOST' }, executorLost: dead!.lost,
    });
    assert.ok(ended.every((e) => e.timestamp === NOW && e.runId === 'r1' && e.project === 'shop'));
  });

  it('ends CANCELED when a cancel was asked for, its running steps failed as cancelled', () => {
    const ended = endEventsForDeadRun(dead!, events, { nowMs: NOW, canceled: true });
    assert.deepEqual(ended.map((e) => e.type), ['STEP_FAILURE', 'RUN_CANCELED']);
    assert.equal((ended[0]!.data as { reason: string }).reason, 'canceled');
    assert.deepEqual((ended[1]!.data as { canceled: string[] }).canceled, ['report']);
    assert.match(ended[1]!.message, /^Run cancelled: the process running it stopped: pid 7 on here/);
  });
});

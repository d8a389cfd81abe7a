/** The one test suite every storage backend must pass: call storageContract() from the backend's test file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EventType, RunStatus, type CheckEvaluationData, type EventRecord, type MaterializationData, type NewEvent,
  type NewRun, type ObservationData, type Run,
} from '../events/index.js';
import { isWeirError } from '../shared/errors.js';
import type { Storage } from './storage.js';
import { withFreshStorage } from './with-fresh-storage.js';

/** What a backend can add to the contract beyond opening a fresh store. */
export interface StorageContractOptions {
  /** Opens again the store `closed` was, after it was closed: enables the persistence test (file and server backends). */
  reopen?: (closed: Storage) => Promise<Storage>;
}

/**
 * Registers the storage contract tests under `describe(backendName)`. `open` must return a new, empty, migrated store
 * on every call; each test opens its own and closes it.
 *
 * @example
 * storageContract('sqlite file', () => openSqliteStorage(tempFile()), { reopen: (s) => openSqliteStorage((s as SqliteStorage).path) });
 * // node --test: "sqlite file > runs > createRun records a QUEUED run ..." and the rest
 */
export function storageContract(backendName: string, open: () => Promise<Storage>, options: StorageContractOptions = {}): void {
  const withStorage = withFreshStorage(open);

  describe(backendName, () => {
    describe('runs', () => {
      it('createRun records a QUEUED run with every field, and its RUN_ENQUEUED event', () => withStorage(async (s) => {
        const created = await s.runs.createRun(newRun({
          runId: 'run-a', selection: 'revenue+', stepKeys: ['orders', 'revenue'], parentRunId: 'run-p', rootRunId: 'run-r',
          tags: { owner: 'ana', 'weir/schedule': 'daily' }, trigger: 'schedule', createdAt: 1_700_000_000_123,
        }));
        const expected: Run = {
          runId: 'run-a', project: 'shop', status: RunStatus.QUEUED, trigger: 'schedule', selection: 'revenue+',
          stepKeys: ['orders', 'revenue'], parentRunId: 'run-p', rootRunId: 'run-r',
          tags: { owner: 'ana', 'weir/schedule': 'daily' }, createdAt: 1_700_000_000_123, startedAt: null, endedAt: null,
        };
        assert.deepEqual(created, expected);
        assert.deepEqual(await s.runs.getRun('run-a'), expected);
        assert.equal(await s.runs.getRun('run-missing'), undefined);

        const events = await s.events.eventsForRun('run-a');
        assert.equal(events.length, 1);
        assert.equal(events[0]!.type, EventType.RUN_ENQUEUED);
        assert.equal(events[0]!.timestamp, 1_700_000_000_123);
        assert.equal(typeof events[0]!.id, 'number');
      }));

      it('createRun defaults parentRunId, rootRunId and tags', () => withStorage(async (s) => {
        await s.runs.createRun({ runId: 'run-d', project: 'shop', trigger: 'cli', selection: null, stepKeys: [], createdAt: 5 });
        const run = await s.runs.getRun('run-d');
        assert.equal(run?.parentRunId, null);
        assert.equal(run?.rootRunId, null);
        assert.deepEqual(run?.tags, {});
        assert.deepEqual(run?.stepKeys, []);
      }));

      it('resolveRunId resolves a unique prefix, the full id, and rejects an ambiguous prefix', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'abc12345-0000-4000-8000-000000000001' }));
        await s.runs.createRun(newRun({ runId: 'abc19999-0000-4000-8000-000000000002' }));
        await s.runs.createRun(newRun({ runId: 'def00000-0000-4000-8000-000000000003' }));
        assert.equal(await s.runs.resolveRunId('abc123'), 'abc12345-0000-4000-8000-000000000001');
        assert.equal(await s.runs.resolveRunId('ABC19'), 'abc19999-0000-4000-8000-000000000002');
        assert.equal(await s.runs.resolveRunId('d'), 'def00000-0000-4000-8000-000000000003');
        assert.equal(await s.runs.resolveRunId('def00000-0000-4000-8000-000000000003'), 'def00000-0000-4000-8000-000000000003');
        assert.equal(await s.runs.resolveRunId('abd'), undefined);
        assert.equal(await s.runs.resolveRunId('0'), undefined);
        await assert.rejects(s.runs.resolveRunId('abc1'), (error: unknown) => {
          assert.ok(isWeirError(error), 'a WeirError');
          assert.equal(error.code, 'AMBIGUOUS_RUN_ID');
          assert.match(error.message, /abc12345.*abc19999/);
          return true;
        });
      }));

      it('status and times follow the run events; step and log events leave them alone', () => withStorage(async (s) => {
        for (const runId of ['run-ok', 'run-bad', 'run-stop']) await s.runs.createRun(newRun({ runId, createdAt: 100 }));
        assert.equal((await s.runs.getRun('run-ok'))?.status, RunStatus.QUEUED);

        await s.events.append(runStart('run-ok', 200));
        let run = await s.runs.getRun('run-ok');
        assert.equal(run?.status, RunStatus.STARTED);
        assert.equal(run?.startedAt, 200);
        assert.equal(run?.endedAt, null);

        await s.events.append(stepEvent('run-ok', 'orders', EventType.STEP_START, 210));
        await s.events.append(logEvent('run-ok', 'orders', 'hello', 215));
        await s.events.append(stepEvent('run-ok', 'orders', EventType.STEP_SUCCESS, 220));
        assert.equal((await s.runs.getRun('run-ok'))?.status, RunStatus.STARTED);

        await s.events.append(runEnd('run-ok', EventType.RUN_SUCCESS, 300));
        run = await s.runs.getRun('run-ok');
        assert.equal(run?.status, RunStatus.SUCCESS);
        assert.equal(run?.startedAt, 200);
        assert.equal(run?.endedAt, 300);

        await s.events.append(runStart('run-bad', 201));
        await s.events.append(runEnd('run-bad', EventType.RUN_FAILURE, 301));
        run = await s.runs.getRun('run-bad');
        assert.equal(run?.status, RunStatus.FAILURE);
        assert.equal(run?.endedAt, 301);

        await s.events.append(runStart('run-stop', 202));
        await s.events.append(event({ runId: 'run-stop', type: EventType.RUN_CANCELING, timestamp: 250, data: {} }));
        run = await s.runs.getRun('run-stop');
        assert.equal(run?.status, RunStatus.CANCELING);
        assert.equal(run?.endedAt, null);
        await s.events.append(runEnd('run-stop', EventType.RUN_CANCELED, 302));
        run = await s.runs.getRun('run-stop');
        assert.equal(run?.status, RunStatus.CANCELED);
        assert.equal(run?.endedAt, 302);
      }));
    });

    describe('listRuns and countRuns', () => {
      /** Six runs over two projects; r3 and r4 share a createdAt so the order needs its tie-breaker. */
      async function seed(s: Storage): Promise<void> {
        await s.runs.createRun(newRun({ runId: 'r1', createdAt: 1000, trigger: 'cli', stepKeys: ['orders'] }));
        await s.runs.createRun(newRun({ runId: 'r2', createdAt: 2000, trigger: 'schedule', stepKeys: ['orders', 'revenue'] }));
        await s.runs.createRun(newRun({ runId: 'r3', createdAt: 3000, trigger: 'schedule', stepKeys: ['revenue'] }));
        await s.runs.createRun(newRun({ runId: 'r4', createdAt: 3000, trigger: 'ui', stepKeys: ['customers'] }));
        await s.runs.createRun(newRun({ runId: 'r5', createdAt: 4000, trigger: 'schedule', stepKeys: ['orders'] }));
        await s.runs.createRun(newRun({ runId: 'o1', project: 'other', createdAt: 3500, trigger: 'schedule', stepKeys: ['orders'] }));
        await s.events.append(runStart('r1', 1001));
        await s.events.append(runEnd('r1', EventType.RUN_SUCCESS, 1002));
        await s.events.append(runStart('r2', 2001));
        await s.events.append(runEnd('r2', EventType.RUN_FAILURE, 2002));
        await s.events.append(runStart('r3', 3001));
        // A step keyed differently materializes 'totals': the run counts as a run of that asset too.
        await s.events.append(materialization('r4', 'totals', 3002));
      }
      const ids = (runs: Run[]) => runs.map((r) => r.runId);

      it('lists newest first, ties broken the same way every time', () => withStorage(async (s) => {
        await seed(s);
        assert.deepEqual(ids(await s.runs.listRuns()), ['r5', 'o1', 'r4', 'r3', 'r2', 'r1']);
        assert.deepEqual(ids(await s.runs.listRuns({ limit: 3 })), ['r5', 'o1', 'r4']);
        assert.equal(await s.runs.countRuns(), 6);
      }));

      it('filters by project, status, trigger and asset', () => withStorage(async (s) => {
        await seed(s);
        assert.deepEqual(ids(await s.runs.listRuns({ project: 'shop' })), ['r5', 'r4', 'r3', 'r2', 'r1']);
        assert.deepEqual(ids(await s.runs.listRuns({ project: 'other' })), ['o1']);
        assert.deepEqual(ids(await s.runs.listRuns({ statuses: [RunStatus.QUEUED] })), ['r5', 'o1', 'r4']);
        assert.deepEqual(ids(await s.runs.listRuns({ statuses: [RunStatus.SUCCESS, RunStatus.FAILURE] })), ['r2', 'r1']);
        assert.deepEqual(ids(await s.runs.listRuns({ statuses: [RunStatus.STARTED] })), ['r3']);
        assert.deepEqual(ids(await s.runs.listRuns({ trigger: 'schedule' })), ['r5', 'o1', 'r3', 'r2']);
        assert.deepEqual(ids(await s.runs.listRuns({ trigger: 'schedule', project: 'shop' })), ['r5', 'r3', 'r2']);
        assert.deepEqual(ids(await s.runs.listRuns({ assetKey: 'orders' })), ['r5', 'o1', 'r2', 'r1']);
        assert.deepEqual(ids(await s.runs.listRuns({ assetKey: 'orders', project: 'shop', statuses: [RunStatus.FAILURE] })), ['r2']);
        assert.deepEqual(ids(await s.runs.listRuns({ assetKey: 'revenue' })), ['r3', 'r2']);
        assert.deepEqual(ids(await s.runs.listRuns({ assetKey: 'totals' })), ['r4']);
        assert.deepEqual(ids(await s.runs.listRuns({ assetKey: 'nothing' })), []);
        // The asset filter returns whole runs, not one row per matching asset.
        assert.deepEqual((await s.runs.listRuns({ assetKey: 'revenue' }))[1]?.stepKeys, ['orders', 'revenue']);

        assert.equal(await s.runs.countRuns({ project: 'shop' }), 5);
        assert.equal(await s.runs.countRuns({ statuses: [RunStatus.QUEUED] }), 3);
        assert.equal(await s.runs.countRuns({ trigger: 'schedule' }), 4);
        assert.equal(await s.runs.countRuns({ assetKey: 'orders' }), 4);
        assert.equal(await s.runs.countRuns({ assetKey: 'orders', trigger: 'cli' }), 1);
      }));

      it('filters by createdAt: since inclusive, until exclusive', () => withStorage(async (s) => {
        await seed(s);
        assert.deepEqual(ids(await s.runs.listRuns({ since: 3000 })), ['r5', 'o1', 'r4', 'r3']);
        assert.deepEqual(ids(await s.runs.listRuns({ until: 3000 })), ['r2', 'r1']);
        assert.deepEqual(ids(await s.runs.listRuns({ since: 2000, until: 3500 })), ['r4', 'r3', 'r2']);
        assert.deepEqual(ids(await s.runs.listRuns({ since: 1000, until: 3000, assetKey: 'orders' })), ['r2', 'r1']);
        assert.equal(await s.runs.countRuns({ since: 2000, until: 3500 }), 3);
      }));

      it('countRuns stops at max', () => withStorage(async (s) => {
        await seed(s);
        assert.equal(await s.runs.countRuns({}, { max: 4 }), 4);
        assert.equal(await s.runs.countRuns({}, { max: 100 }), 6);
        assert.equal(await s.runs.countRuns({ project: 'shop', trigger: 'schedule' }, { max: 2 }), 2);
        assert.equal(await s.runs.countRuns({ assetKey: 'orders' }, { max: 3 }), 3);
      }));

      it('runCountsByDay counts a project\'s runs per calendar day and status, at a UTC offset', () => withStorage(async (s) => {
        const day = 86_400_000;
        const may1 = Date.UTC(2024, 4, 1);
        const at = [may1 + 1000, may1 + 2000, may1 + day - 1000, may1 + day + 5000, may1 + 3 * day, may1 - 1000];
        for (const [i, createdAt] of at.entries()) await s.runs.createRun(newRun({ runId: `d${i}`, createdAt }));
        await s.runs.createRun(newRun({ runId: 'x', project: 'other', createdAt: may1 + 1000 }));
        await s.events.append(runStart('d1', may1 + 2001));
        await s.events.append(runEnd('d1', EventType.RUN_FAILURE, may1 + 2002));
        assert.deepEqual(await s.runs.runCountsByDay({ project: 'shop', since: may1 }), [
          { day: '2024-05-01', status: 'FAILURE', count: 1 },
          { day: '2024-05-01', status: 'QUEUED', count: 2 },
          { day: '2024-05-02', status: 'QUEUED', count: 1 },
          { day: '2024-05-04', status: 'QUEUED', count: 1 },
        ]);
        assert.deepEqual(await s.runs.runCountsByDay({ project: 'shop', since: may1, until: may1 + day }), [
          { day: '2024-05-01', status: 'FAILURE', count: 1 },
          { day: '2024-05-01', status: 'QUEUED', count: 2 },
        ]);
        // Two hours east of UTC, the run at 23:59:59 UTC on May 1st falls on May 2nd.
        assert.deepEqual(await s.runs.runCountsByDay({ project: 'shop', since: may1 - day, until: may1 + day, utcOffsetMinutes: 120 }), [
          { day: '2024-05-01', status: 'FAILURE', count: 1 },
          { day: '2024-05-01', status: 'QUEUED', count: 2 },
          { day: '2024-05-02', status: 'QUEUED', count: 1 },
        ]);
        assert.deepEqual(await s.runs.runCountsByDay({ project: 'nobody', since: 0 }), []);
      }));

      it('pages with beforeRunId: every run exactly once, in order, with or without filters', () => withStorage(async (s) => {
        await seed(s);
        for (const filter of [{}, { project: 'shop' }, { assetKey: 'orders' }, { trigger: 'schedule' as const }]) {
          const all = ids(await s.runs.listRuns(filter));
          const paged: string[] = [];
          let page = await s.runs.listRuns({ ...filter, limit: 2 });
          while (page.length > 0) {
            assert.ok(page.length <= 2);
            paged.push(...ids(page));
            page = await s.runs.listRuns({ ...filter, limit: 2, beforeRunId: page[page.length - 1]!.runId });
          }
          assert.deepEqual(paged, all, JSON.stringify(filter));
          // countRuns ignores the page.
          assert.equal(await s.runs.countRuns({ ...filter, limit: 1, beforeRunId: all[0] }), all.length);
        }
        assert.deepEqual(ids(await s.runs.listRuns({ beforeRunId: 'r4' })), ['r3', 'r2', 'r1']);
        await assert.rejects(s.runs.listRuns({ beforeRunId: 'nope' }), /nope/);
      }));
    });

    describe('executors and cancellation', () => {
      const executor = { host: 'host-a', pid: 4242, processStart: '6f1c2d3e-0000-4000-8000-000000000000/pid:[4026531836]/81234' };

      it('recordExecutor and heartbeat are what listExecutions returns, for the statuses asked only', () => withStorage(async (s) => {
        for (const runId of ['queued', 'started', 'done']) await s.runs.createRun(newRun({ runId, createdAt: 100, stepKeys: ['orders', 'revenue'] }));
        await s.runs.recordExecutor('started', executor, 150);
        await s.events.append(runStart('started', 160));
        await s.runs.recordExecutor('done', { host: 'host-b', pid: 7, processStart: null }, 151);
        await s.events.append(runStart('done', 161));
        await s.events.append(runEnd('done', EventType.RUN_SUCCESS, 170));
        await s.runs.heartbeat(['started', 'done'], 500);

        const executions = await s.runs.listExecutions({ statuses: [RunStatus.STARTED, RunStatus.CANCELING] });
        assert.deepEqual(executions, [{
          runId: 'started', project: 'shop', status: RunStatus.STARTED, stepKeys: ['orders', 'revenue'], createdAt: 100, startedAt: 160,
          executor, heartbeatAt: 500, cancelRequestedAt: null,
        }]);
        const queued = await s.runs.listExecutions({ statuses: [RunStatus.QUEUED] });
        assert.deepEqual(queued.map((e) => [e.runId, e.executor, e.heartbeatAt]), [['queued', null, null]]);
        assert.deepEqual(await s.runs.listExecutions({ statuses: [RunStatus.STARTED], project: 'other' }), []);
        assert.deepEqual((await s.runs.listExecutions({ statuses: [RunStatus.SUCCESS, RunStatus.STARTED], runIds: ['done'] })).map((e) => e.executor),
          [{ host: 'host-b', pid: 7, processStart: null }]);
        // The Run the rest of Weir sees is unchanged by the executor columns.
        assert.deepEqual(Object.keys((await s.runs.getRun('started'))!).sort(),
          ['createdAt', 'endedAt', 'parentRunId', 'project', 'rootRunId', 'runId', 'selection', 'startedAt', 'status', 'stepKeys', 'tags', 'trigger']);
      }));

      it('requestCancel records the first request of an unfinished run; runsToStop names requested and finished runs', () => withStorage(async (s) => {
        for (const runId of ['a', 'b', 'c']) {
          await s.runs.createRun(newRun({ runId }));
          await s.events.append(runStart(runId, 10));
        }
        assert.deepEqual(await s.runs.runsToStop(['a', 'b', 'c']), []);
        assert.equal(await s.runs.requestCancel('b', 20), true);
        assert.equal(await s.runs.requestCancel('b', 30), true);
        assert.equal((await s.runs.listExecutions({ statuses: [RunStatus.STARTED], runIds: ['b'] }))[0]!.cancelRequestedAt, 20);
        await s.events.append(runEnd('c', EventType.RUN_FAILURE, 40));
        assert.equal(await s.runs.requestCancel('c', 50), false, 'a finished run cannot be cancelled');
        assert.equal(await s.runs.requestCancel('missing', 50), false);
        assert.deepEqual((await s.runs.runsToStop(['a', 'b', 'c', 'missing'])).sort(), ['b', 'c']);
        assert.deepEqual(await s.runs.runsToStop([]), []);
      }));

      it('recordCanceling marks a STARTED run CANCELING, and leaves a queued or finished run alone', () => withStorage(async (s) => {
        const canceling = (runId: string, timestamp: number) => event({ runId, stepKey: null, type: EventType.RUN_CANCELING, timestamp, data: {} }) as NewEvent & { type: 'RUN_CANCELING' };
        await s.runs.createRun(newRun({ runId: 'live' }));
        assert.equal(await s.runs.recordCanceling(canceling('live', 5)), false, 'not started yet');
        assert.equal((await s.runs.getRun('live'))?.status, RunStatus.QUEUED);
        await s.events.append(runStart('live', 10));
        assert.equal(await s.runs.recordCanceling(canceling('live', 11)), true);
        assert.equal((await s.runs.getRun('live'))?.status, RunStatus.CANCELING);
        assert.equal(await s.runs.recordCanceling(canceling('live', 12)), false, 'already CANCELING: one event');
        await s.events.append(runEnd('live', EventType.RUN_SUCCESS, 20));
        assert.equal(await s.runs.recordCanceling(canceling('live', 21)), false, 'a run that ended is never revived');
        assert.equal((await s.runs.getRun('live'))?.status, RunStatus.SUCCESS);
        assert.deepEqual((await s.events.eventsForRun('live')).map((e) => e.type), [EventType.RUN_ENQUEUED, EventType.RUN_START, EventType.RUN_CANCELING, EventType.RUN_SUCCESS]);
        assert.equal(await s.runs.recordCanceling(canceling('missing', 1)), false);
      }));

      it('endRun appends every event in order unless the run has finished', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'lost' }));
        await s.events.append(runStart('lost', 10));
        await s.events.append(stepEvent('lost', 'orders', EventType.STEP_START, 11));
        const ending: NewEvent[] = [
          event({ runId: 'lost', stepKey: 'orders', type: EventType.STEP_FAILURE, timestamp: 90, data: { attempt: 1, durationMs: 79, reason: 'error', error: { message: 'gone', code: 'EXECUTOR_LOST' } } }),
          runEnd('lost', EventType.RUN_FAILURE, 91),
        ];
        assert.equal(await s.runs.endRun('lost', ending), true);
        const run = await s.runs.getRun('lost');
        assert.equal(run?.status, RunStatus.FAILURE);
        assert.equal(run?.endedAt, 91);
        assert.deepEqual((await s.events.eventsForRun('lost')).map((e) => e.type),
          [EventType.RUN_ENQUEUED, EventType.RUN_START, EventType.STEP_START, EventType.STEP_FAILURE, EventType.RUN_FAILURE]);
        assert.equal(await s.runs.endRun('lost', [runEnd('lost', EventType.RUN_CANCELED, 99)]), false);
        assert.equal((await s.runs.getRun('lost'))?.status, RunStatus.FAILURE);
        assert.equal((await s.events.eventsForRun('lost')).length, 5);
        assert.equal(await s.runs.endRun('missing', [runEnd('missing', EventType.RUN_FAILURE, 1)]), false);
      }));
    });

    describe('events', () => {
      it('append returns the stored record; ids increase strictly across runs', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'ra' }));
        await s.runs.createRun(newRun({ runId: 'rb' }));
        const appended: EventRecord[] = [];
        for (let i = 0; i < 5; i++) {
          appended.push(await s.events.append(logEvent('ra', 'orders', `a${i}`, 10 + i)));
          appended.push(await s.events.append(logEvent('rb', 'orders', `b${i}`, 10 + i)));
        }
        for (let i = 1; i < appended.length; i++) assert.ok(appended[i]!.id > appended[i - 1]!.id, `id ${i} increases`);
        for (const record of appended) assert.ok(Number.isSafeInteger(record.id), 'id is a plain number');
        const stored = await s.events.eventsForRun('ra');
        assert.deepEqual(stored.slice(1), appended.filter((e) => e.runId === 'ra'));
        assert.deepEqual(stored.map((e) => e.message).slice(1), ['a0', 'a1', 'a2', 'a3', 'a4']);
      }));

      it('eventsForRun filters by afterId, types, stepKey and limit', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'ra', createdAt: 1 }));
        await s.runs.createRun(newRun({ runId: 'rb', createdAt: 1 }));
        const start = await s.events.append(runStart('ra', 2));
        const o1 = await s.events.append(stepEvent('ra', 'orders', EventType.STEP_START, 3));
        await s.events.append(stepEvent('rb', 'orders', EventType.STEP_START, 3));
        const r1 = await s.events.append(stepEvent('ra', 'revenue', EventType.STEP_START, 4));
        const o2 = await s.events.append(stepEvent('ra', 'orders', EventType.STEP_SUCCESS, 5));
        const l1 = await s.events.append(logEvent('ra', 'revenue', 'slow', 6));
        const r2 = await s.events.append(stepEvent('ra', 'revenue', EventType.STEP_SUCCESS, 7));

        const all = await s.events.eventsForRun('ra');
        assert.deepEqual(all.map((e) => e.type), [
          'RUN_ENQUEUED', 'RUN_START', 'STEP_START', 'STEP_START', 'STEP_SUCCESS', 'LOG', 'STEP_SUCCESS',
        ]);
        assert.ok(all.every((e) => e.runId === 'ra'));
        assert.deepEqual((await s.events.eventsForRun('ra', { afterId: o1.id })).map((e) => e.id), [r1.id, o2.id, l1.id, r2.id]);
        assert.deepEqual(await s.events.eventsForRun('ra', { afterId: r2.id }), []);
        assert.deepEqual((await s.events.eventsForRun('ra', { types: [EventType.STEP_SUCCESS] })).map((e) => e.id), [o2.id, r2.id]);
        assert.deepEqual((await s.events.eventsForRun('ra', { types: [EventType.LOG, EventType.RUN_START] })).map((e) => e.id), [start.id, l1.id]);
        assert.deepEqual(await s.events.eventsForRun('ra', { types: [] }), []);
        assert.deepEqual((await s.events.eventsForRun('ra', { stepKey: 'revenue' })).map((e) => e.id), [r1.id, l1.id, r2.id]);
        assert.deepEqual((await s.events.eventsForRun('ra', { limit: 2 })).map((e) => e.type), ['RUN_ENQUEUED', 'RUN_START']);
        assert.deepEqual(
          (await s.events.eventsForRun('ra', { afterId: o1.id, stepKey: 'revenue', types: [EventType.STEP_SUCCESS, EventType.STEP_START], limit: 1 })).map((e) => e.id),
          [r1.id],
        );
        assert.deepEqual(await s.events.eventsForRun('nobody'), []);
      }));

      it('appendBatch stores events in the given order, with derived state, in one transaction', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'rb' }));
        assert.deepEqual(await s.events.appendBatch([]), []);
        // More lines than one multi-row INSERT takes, with events that change derived state in between.
        const lines = Array.from({ length: 1203 }, (_, i) => logEvent('rb', 'orders', `line ${i} \u0000 ü`, 10 + i));
        const batch = [runStart('rb', 2), ...lines.slice(0, 600), materialization('rb', 'orders', 700), ...lines.slice(600), stepEvent('rb', 'orders', EventType.STEP_SUCCESS, 2000)];
        const records = await s.events.appendBatch(batch);
        assert.equal(records.length, batch.length);
        for (let i = 1; i < records.length; i++) assert.ok(records[i]!.id > records[i - 1]!.id, `id ${i} increases`);
        assert.deepEqual(records.map((r) => r.type), batch.map((e) => e.type));
        const stored = await s.events.eventsForRun('rb', { afterId: records[0]!.id - 1 });
        assert.deepEqual(stored, records, 'what appendBatch returned is what was stored');
        assert.equal(stored[5]!.message, 'line 4 \uFFFD ü', 'a NUL is replaced as append does');
        assert.equal((await s.runs.getRun('rb'))?.status, RunStatus.STARTED, 'RUN_START set the status');
        assert.equal((await s.events.latestMaterializations('shop')).get('orders')?.eventId, records[601]!.id);

        // All or none: a batch with an event the store refuses leaves nothing behind.
        const before = await s.events.lastEventId();
        const refused = { ...logEvent('rb', 'orders', 'bad', 3000), runId: null } as unknown as NewEvent;
        await assert.rejects(s.events.appendBatch([logEvent('rb', 'orders', 'kept?', 2999), refused]));
        assert.equal(await s.events.lastEventId(), before);
      }));

      it('appendBatchNow, where a backend has it, stores plain events at once, in order, or nothing', () => withStorage(async (s) => {
        if (!s.events.appendBatchNow) return; // optional: the EventSink spills to a file instead
        await s.runs.createRun(newRun({ runId: 'rn' }));
        assert.deepEqual(s.events.appendBatchNow([]), []);
        const lines = Array.from({ length: 1203 }, (_, i) => logEvent('rn', 'orders', `line ${i} \u0000 ü`, 10 + i));
        const batch = [...lines.slice(0, 700), stepEvent('rn', 'orders', EventType.STEP_SUCCESS, 2000), ...lines.slice(700),
          { ...logEvent('rn', 'orders', 'with fields', 2001), data: { level: 'warn', fields: { rows: 3 } } } as NewEvent];
        const records = s.events.appendBatchNow(batch);
        assert.ok(records, 'nothing else is in the way, so it stores them now');
        assert.equal(records.length, batch.length);
        for (let i = 1; i < records.length; i++) assert.equal(records[i]!.id, records[i - 1]!.id + 1, `id ${i} follows the one before`);
        assert.deepEqual(records.map((r) => r.type), batch.map((e) => e.type));
        const stored = await s.events.eventsForRun('rn', { afterId: records[0]!.id - 1 });
        assert.deepEqual(stored, records, 'what appendBatchNow returned is what was stored, committed');
        assert.equal(stored[4]!.message, 'line 4 \uFFFD ü', 'a NUL is replaced as append does');
        assert.deepEqual(stored.at(-1)!.data, { level: 'warn', fields: { rows: 3 } });

        // An event with derived state is not for this path: nothing is stored, the caller uses appendBatch.
        const before = await s.events.lastEventId();
        assert.equal(s.events.appendBatchNow([logEvent('rn', 'orders', 'kept?', 3000), runStart('rn', 3001)]), undefined);
        assert.equal(await s.events.lastEventId(), before);
        // A row the store refuses: nothing is stored either.
        assert.equal(s.events.appendBatchNow([logEvent('rn', 'orders', 'kept?', 3000), { ...logEvent('rn', 'orders', 'bad', 3001), runId: null } as unknown as NewEvent]), undefined);
        assert.equal(await s.events.lastEventId(), before);
      }));

      it('JSON payloads round-trip: nested objects, unicode, nulls and numbers', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'rj', tags: { 'équipe': 'données 📊', quote: 'say "hi"\n' } }));
        const data: MaterializationData = {
          ...materializationData('wine/ventes'),
          columns: [{ name: 'prix_€', type: 'DECIMAL(10,2)' }, { name: '名前', type: 'VARCHAR' }],
          metadata: { nested: { deep: [1, 2.5, null, { ok: true, text: 'Zürich ✓ 🍷' }] }, big: 9_007_199_254_740_991, empty: {} },
          sql: "select 'l''été' as saison -- ✓",
        };
        const appended = await s.events.append(event({ runId: 'rj', type: EventType.ASSET_MATERIALIZATION, stepKey: 'wine/ventes', message: 'Matérialisé ✓', data }));
        const log = await s.events.append(event({
          runId: 'rj', type: EventType.LOG, stepKey: null, message: 'ligne 1\nligne 2',
          data: { level: 'warn', fields: { a: { b: { c: ['x', 'ü', '🚀'] } } } },
        }));
        const stored = await s.events.eventsForRun('rj', { afterId: appended.id - 1 });
        assert.deepEqual(stored, [appended, log]);
        assert.deepEqual(stored[0]!.data, data);
        assert.equal(stored[1]!.message, 'ligne 1\nligne 2');
        assert.deepEqual((await s.runs.getRun('rj'))?.tags, { 'équipe': 'données 📊', quote: 'say "hi"\n' });
        const [m] = await s.events.materializationsForRun('rj');
        assert.deepEqual(m, { ...data, eventId: appended.id, runId: 'rj', project: 'shop', timestamp: appended.timestamp });
      }));

      it('a NUL in a message is stored as U+FFFD (PostgreSQL text cannot hold it); a NUL inside data survives', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'rn' }));
        const appended = await s.events.append(event({
          runId: 'rn', type: EventType.LOG, message: 'before\u0000after', data: { level: 'info', fields: { raw: 'a\u0000b' } },
        }));
        assert.equal(appended.message, 'before\uFFFDafter');
        const [stored] = await s.events.eventsForRun('rn', { types: [EventType.LOG] });
        assert.deepEqual(stored, appended);
        assert.deepEqual(stored?.data, { level: 'info', fields: { raw: 'a\u0000b' } });
      }));
    });

    describe('eventsAfter', () => {
      it('reads every run\'s events after an id, oldest first, filtered by project, run and type', () => withStorage(async (s) => {
        assert.equal(await s.events.lastEventId(), 0, 'an empty store');
        assert.deepEqual(await s.events.eventsAfter(0), { events: [], nextAfterId: 0 });
        await s.runs.createRun(newRun({ runId: 'ra' }));
        await s.runs.createRun(newRun({ runId: 'x1', project: 'other' }));
        const start = await s.events.append(runStart('ra', 2));
        const log = await s.events.append(logEvent('ra', 'orders', 'hello', 3));
        const other = await s.events.append({ ...runStart('x1', 4), project: 'other' });
        const end = await s.events.append(runEnd('ra', EventType.RUN_SUCCESS, 5));
        assert.equal(await s.events.lastEventId(), end.id);

        const all = await s.events.eventsAfter(0);
        assert.deepEqual(all.events.map((e) => e.type), ['RUN_ENQUEUED', 'RUN_ENQUEUED', 'RUN_START', 'LOG', 'RUN_START', 'RUN_SUCCESS']);
        assert.equal(all.nextAfterId, end.id);
        assert.deepEqual((await s.events.eventsAfter(start.id, { project: 'shop' })).events.map((e) => e.id), [log.id, end.id]);
        assert.deepEqual((await s.events.eventsAfter(0, { project: 'other' })).events.map((e) => e.type), ['RUN_ENQUEUED', 'RUN_START']);
        assert.deepEqual((await s.events.eventsAfter(0, { runId: 'ra', types: [EventType.LOG] })).events, [log]);
        // A filtered reader moves past what it skipped: nothing matches, yet the cursor reaches the newest event.
        assert.deepEqual(await s.events.eventsAfter(start.id, { types: [EventType.RUN_FAILURE] }), { events: [], nextAfterId: end.id });
        assert.deepEqual(await s.events.eventsAfter(0, { types: [] }), { events: [], nextAfterId: end.id });
        // A full page resumes after its last event, and paging that way reads every event exactly once.
        const first = await s.events.eventsAfter(0, { limit: 2 });
        assert.equal(first.events.length, 2);
        assert.equal(first.nextAfterId, first.events[1]!.id);
        const paged = [...first.events];
        for (let cursor = first.nextAfterId, page; (page = await s.events.eventsAfter(cursor, { limit: 2 })).events.length; cursor = page.nextAfterId) paged.push(...page.events);
        assert.deepEqual(paged, all.events);
        assert.deepEqual(await s.events.eventsAfter(end.id), { events: [], nextAfterId: end.id });
        assert.equal(other.project, 'other');
      }));
    });

    describe('asset history', () => {
      it('materializations: latest per asset, history newest first, per run', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'r1' }));
        await s.runs.createRun(newRun({ runId: 'r2' }));
        await s.runs.createRun(newRun({ runId: 'x1', project: 'other' }));
        const a1 = await s.events.append(materialization('r1', 'orders', 100, 'v1'));
        const b1 = await s.events.append(materialization('r1', 'revenue', 101, 'v1'));
        const a2 = await s.events.append(materialization('r2', 'orders', 200, 'v2'));
        // Same millisecond as a2: "latest" is the later append, not a timestamp tie.
        const a3 = await s.events.append(materialization('r2', 'orders', 200, 'v3'));
        await s.events.append(materialization('x1', 'orders', 300, 'other-project', 'other'));

        const latest = await s.events.latestMaterializations('shop');
        assert.deepEqual([...latest.keys()].sort(), ['orders', 'revenue']);
        assert.equal(latest.get('orders')?.eventId, a3.id);
        assert.equal(latest.get('orders')?.dataVersion, 'v3');
        assert.equal(latest.get('orders')?.runId, 'r2');
        assert.equal(latest.get('revenue')?.eventId, b1.id);
        assert.equal(latest.get('revenue')?.timestamp, 101);
        assert.deepEqual([...(await s.events.latestMaterializations('shop', ['revenue', 'missing'])).keys()], ['revenue']);
        assert.equal((await s.events.latestMaterializations('shop', [])).size, 0);
        assert.equal((await s.events.latestMaterializations('other')).get('orders')?.dataVersion, 'other-project');
        assert.equal((await s.events.latestMaterializations('nobody')).size, 0);
        assert.equal((await s.events.latestMaterializations('shop', ['orders', 'orders'])).get('orders')?.eventId, a3.id);

        assert.deepEqual((await s.events.materializationHistory('shop', 'orders')).map((m) => m.eventId), [a3.id, a2.id, a1.id]);
        assert.deepEqual((await s.events.materializationHistory('shop', 'orders', { limit: 2 })).map((m) => m.dataVersion), ['v3', 'v2']);
        // Paged by event id: the next page starts below the last item of the previous one.
        assert.deepEqual((await s.events.materializationHistory('shop', 'orders', { limit: 1, beforeEventId: a3.id })).map((m) => m.eventId), [a2.id]);
        assert.deepEqual((await s.events.materializationHistory('shop', 'orders', { beforeEventId: a2.id })).map((m) => m.eventId), [a1.id]);
        assert.deepEqual(await s.events.materializationHistory('shop', 'orders', { beforeEventId: a1.id }), []);
        assert.deepEqual(await s.events.materializationHistory('shop', 'missing'), []);

        assert.deepEqual((await s.events.materializationsForRun('r1')).map((m) => m.assetKey), ['orders', 'revenue']);
        assert.deepEqual((await s.events.materializationsForRun('r2')).map((m) => m.eventId), [a2.id, a3.id]);
        assert.deepEqual(await s.events.materializationsForRun('nobody'), []);
      }));

      it('partitions: each partition\'s latest materialization and latest run, from the partition columns', () => withStorage(async (s) => {
        const partitioned = (runId: string, partition: string, createdAt: number) => newRun({ runId, createdAt, tags: { 'weir/partition': partition } });
        const published = (runId: string, partition: string, timestamp: number) =>
          event({ runId, stepKey: 'orders', type: EventType.ASSET_MATERIALIZATION, timestamp, data: { ...materializationData('orders', `${partition}@${timestamp}`), partition } });
        await s.runs.createRun(partitioned('p1', '2025-01', 100));
        await s.events.append(published('p1', '2025-01', 110));
        await s.events.append(runEnd('p1', 'RUN_SUCCESS', 120));
        await s.runs.createRun(partitioned('p2', '2025-01', 200));
        await s.events.append(runEnd('p2', 'RUN_FAILURE', 220));
        await s.runs.createRun(partitioned('p3', '2025-02', 300));
        await s.events.append(runStart('p3', 301));
        await s.runs.createRun(newRun({ runId: 'plain', createdAt: 400 }));
        await s.events.append(materialization('plain', 'orders', 410));
        const records = (await s.events.partitionRecords('shop', 'orders')).sort((a, b) => a.partition.localeCompare(b.partition));
        assert.deepEqual(records, [
          { partition: '2025-01', materializedAt: 110, lastRun: { runId: 'p2', status: RunStatus.FAILURE, createdAt: 200 }, active: false },
          { partition: '2025-02', materializedAt: null, lastRun: { runId: 'p3', status: RunStatus.STARTED, createdAt: 300 }, active: true },
        ]);
        assert.deepEqual(await s.events.partitionRecords('shop', 'revenue'), []);
        assert.equal((await s.events.latestPartitionMaterialization('shop', 'orders', '2025-01'))?.dataVersion, '2025-01@110');
        assert.equal((await s.events.latestPartitionMaterialization('shop', 'orders', '2025-01'))?.partition, '2025-01');
        assert.equal(await s.events.latestPartitionMaterialization('shop', 'orders', '2025-02'), undefined);
      }));

      it('observations: latest per asset', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'r1' }));
        await s.events.append(observation('r1', 'files/prices.xlsx', 'h1', 100));
        const second = await s.events.append(observation('r1', 'files/prices.xlsx', 'h2', 200));
        const other = await s.events.append(observation('r1', 'files/stock.csv', 'h3', 150));
        const latest = await s.events.latestObservations('shop');
        assert.equal(latest.size, 2);
        assert.deepEqual(latest.get('files/prices.xlsx'), {
          ...observationData('files/prices.xlsx', 'h2'), eventId: second.id, runId: 'r1', project: 'shop', timestamp: 200,
        });
        assert.equal(latest.get('files/stock.csv')?.eventId, other.id);
        assert.deepEqual([...(await s.events.latestObservations('shop', ['files/stock.csv'])).keys()], ['files/stock.csv']);
        assert.equal((await s.events.latestObservations('other')).size, 0);
      }));

      it('check evaluations: latest per check, history newest first, per run', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'r1' }));
        await s.runs.createRun(newRun({ runId: 'r2' }));
        const n1 = await s.events.append(checkEvaluation('r1', 'orders', 'not_null', true, 100));
        const u1 = await s.events.append(checkEvaluation('r1', 'orders', 'unique', true, 101));
        const v1 = await s.events.append(checkEvaluation('r1', 'revenue', 'not_null', true, 102));
        const n2 = await s.events.append(checkEvaluation('r2', 'orders', 'not_null', false, 200));

        const latest = await s.events.latestCheckEvaluations('shop');
        assert.deepEqual([...latest.keys()].sort(), ['orders:not_null', 'orders:unique', 'revenue:not_null']);
        const failed = latest.get('orders:not_null');
        assert.equal(failed?.eventId, n2.id);
        assert.equal(failed?.passed, false);
        assert.equal(failed?.blocking, true);
        assert.equal(failed?.failingRows, 3);
        assert.deepEqual(failed?.samples, [{ id: 7, note: 'vide ∅' }]);
        assert.equal(latest.get('orders:unique')?.passed, true);
        assert.equal(latest.get('orders:unique')?.blocking, false);
        assert.equal(latest.get('revenue:not_null')?.eventId, v1.id);
        assert.deepEqual([...(await s.events.latestCheckEvaluations('shop', ['revenue'])).keys()], ['revenue:not_null']);
        assert.equal((await s.events.latestCheckEvaluations('shop', [])).size, 0);

        assert.deepEqual((await s.events.checkHistory('shop', 'orders', { checkName: 'not_null' })).map((c) => c.eventId), [n2.id, n1.id]);
        assert.deepEqual((await s.events.checkHistory('shop', 'orders', { checkName: 'not_null', limit: 1 })).map((c) => c.eventId), [n2.id]);
        assert.deepEqual((await s.events.checkHistory('shop', 'orders', { checkName: 'not_null', beforeEventId: n2.id })).map((c) => c.eventId), [n1.id]);
        assert.deepEqual(await s.events.checkHistory('shop', 'orders', { checkName: 'missing' }), []);
        // Every check of the asset, newest first, paged; with what the asset page shows: observed, expected, samples.
        assert.deepEqual((await s.events.checkHistory('shop', 'orders')).map((c) => c.eventId), [n2.id, u1.id, n1.id]);
        assert.deepEqual((await s.events.checkHistory('shop', 'orders', { limit: 2, beforeEventId: n2.id })).map((c) => c.eventId), [u1.id, n1.id]);
        const [newest] = await s.events.checkHistory('shop', 'orders', { limit: 1 });
        assert.deepEqual([newest?.observed, newest?.expected, newest?.samples], [3, 0, [{ id: 7, note: 'vide ∅' }]]);
        assert.deepEqual((await s.events.checkEvaluationsForRun('r1')).map((c) => c.eventId), [n1.id, u1.id, v1.id]);
        assert.deepEqual((await s.events.checkEvaluationsForRun('r2')).map((c) => `${c.assetKey}:${c.checkName}`), ['orders:not_null']);
      }));
    });

    describe('schema', () => {
      it('migrate() is idempotent and keeps the data', () => withStorage(async (s) => {
        await s.runs.createRun(newRun({ runId: 'kept' }));
        await s.migrate();
        await s.migrate();
        assert.equal((await s.runs.getRun('kept'))?.runId, 'kept');
        assert.equal(await s.runs.countRuns(), 1);
      }));

      const reopen = options.reopen;
      it('keeps everything across close and reopen', { skip: reopen ? false : `${backendName} is not persistent` }, async () => {
        const first = await open();
        let lastId: number;
        try {
          await first.runs.createRun(newRun({ runId: 'durable', stepKeys: ['orders'] }));
          await first.events.append(runStart('durable', 10));
          lastId = (await first.events.append(materialization('durable', 'orders', 11, 'v-durable'))).id;
        } finally {
          await first.close();
        }
        const second = await reopen!(first);
        try {
          assert.equal((await second.runs.getRun('durable'))?.status, RunStatus.STARTED);
          assert.equal((await second.events.eventsForRun('durable')).length, 3);
          assert.equal((await second.events.latestMaterializations('shop')).get('orders')?.dataVersion, 'v-durable');
          // Ids keep increasing after a reopen, so a live view's afterId stays valid.
          const next = await second.events.append(logEvent('durable', null, 'after reopen', 12));
          assert.ok(next.id > lastId);
        } finally {
          await second.close();
        }
      });
    });
  });
}

function newRun(overrides: Partial<NewRun> & { runId: string }): NewRun {
  return { project: 'shop', trigger: 'manual', selection: null, stepKeys: ['orders'], createdAt: 1000, ...overrides };
}

/** An event with the common fields defaulted; `type` and `data` are checked against each other by NewEvent. */
function event(partial: Omit<NewEvent, 'project' | 'stepKey' | 'timestamp' | 'message'> & Partial<NewEvent>): NewEvent {
  return { project: 'shop', stepKey: null, timestamp: 1, message: '', ...partial } as NewEvent;
}

function runStart(runId: string, timestamp: number): NewEvent {
  return event({ runId, type: EventType.RUN_START, timestamp, data: { stepKeys: ['orders'], concurrency: 2 } });
}

function runEnd(runId: string, type: 'RUN_SUCCESS' | 'RUN_FAILURE' | 'RUN_CANCELED', timestamp: number): NewEvent {
  return event({ runId, type, timestamp, data: { durationMs: 100, succeeded: [], failed: [], skipped: [] } });
}

function stepEvent(runId: string, stepKey: string, type: 'STEP_START' | 'STEP_SUCCESS', timestamp: number): NewEvent {
  return type === EventType.STEP_START
    ? event({ runId, stepKey, type, timestamp, data: { attempt: 1, kind: 'asset' } })
    : event({ runId, stepKey, type, timestamp, data: { attempt: 1, durationMs: 5 } });
}

function logEvent(runId: string, stepKey: string | null, message: string, timestamp: number): NewEvent {
  return event({ runId, stepKey, type: EventType.LOG, timestamp, message, data: { level: 'info' } });
}

function materializationData(assetKey: string, dataVersion = 'v1'): MaterializationData {
  return {
    assetKey, storage: { kind: 'table', location: `main.${assetKey}` }, rowCount: 42, columns: [{ name: 'id', type: 'INTEGER' }],
    durationMs: 12, bytes: null, codeVersion: 'c1', dataVersion, upstream: [{ assetKey: 'raw', eventId: 1, dataVersion: 'r1' }], metadata: {},
  };
}

function materialization(runId: string, assetKey: string, timestamp: number, dataVersion = 'v1', project = 'shop'): NewEvent {
  return event({ runId, project, stepKey: assetKey, type: EventType.ASSET_MATERIALIZATION, timestamp, data: materializationData(assetKey, dataVersion) });
}

function observationData(assetKey: string, hash: string): ObservationData {
  return { assetKey, path: `data/${assetKey}`, hash, bytes: 2048, modifiedAt: 1_700_000_000_000 };
}

function observation(runId: string, assetKey: string, hash: string, timestamp: number): NewEvent {
  return event({ runId, stepKey: assetKey, type: EventType.ASSET_OBSERVATION, timestamp, data: observationData(assetKey, hash) });
}

function checkEvaluation(runId: string, assetKey: string, checkName: string, passed: boolean, timestamp: number): NewEvent {
  const data: CheckEvaluationData = {
    assetKey, checkName, severity: 'error', passed, blocking: !passed, observed: passed ? 0 : 3, expected: 0,
    failingRows: passed ? 0 : 3, samples: passed ? [] : [{ id: 7, note: 'vide ∅' }], message: passed ? 'ok' : '3 nulls', durationMs: 2,
  };
  return event({ runId, stepKey: assetKey, type: EventType.ASSET_CHECK_EVALUATION, timestamp, data });
}

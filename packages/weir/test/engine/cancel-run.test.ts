// Cancelling from another process and ending dead runs, on a real SQLite file and real DuckDB: a second store on the
// same file stands for the other process (the e2e tests do it with real `weir` processes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asset } from '../../src/definitions/asset.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { materialize } from '../../src/testing/materialize.js';
import { cancelRun } from '../../src/engine/cancel-run.js';
import { endDeadRuns, localLiveness } from '../../src/engine/end-dead-runs.js';
import { cancelCommand } from '../../src/cli/commands/cancel-command.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cancel-run-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function seedStartedRun(storage: Storage, runId: string, executor: { host: string; pid: number; processStart: string | null }): Promise<void> {
  await storage.runs.createRun({ runId, project: 'p', trigger: 'cli', selection: null, stepKeys: ['a', 'b'], createdAt: Date.now() - 1000 });
  await storage.runs.recordExecutor(runId, executor, Date.now() - 900);
  await storage.events.append({ runId, project: 'p', type: 'RUN_START', stepKey: null, timestamp: Date.now() - 900, message: '', data: { stepKeys: ['a', 'b'], concurrency: 1 } });
  await storage.events.append({ runId, project: 'p', type: 'STEP_START', stepKey: 'a', timestamp: Date.now() - 800, message: '', data: { attempt: 1, kind: 'asset' } });
}

describe('cancel from another process', () => {
  it('a cancel recorded by another store stops the running DuckDB query and the run ends CANCELED', async () => {
    const root = tempDir();
    const slow = asset({ key: 'slow' }, () => 'select count(*) as n from range(30000000000) t(i) where hash(i) % 7 = 0');
    const after = asset({ key: 'after_slow', inputs: { slow } }, ({ slow }) => `select * from ${slow}`);
    // Opened (and migrated) first: two stores of ONE process migrating a new file at once would wait on each other's
    // lock inside one thread (libsql is synchronous). Separate processes just wait their turn.
    const other = await openSqliteStorage(join(root, '.weir', 'metadata.sqlite'));
    const running = materialize({ assets: [slow, after], root });
    try {
      let runId: string | undefined;
      while (!runId) {
        const [started] = await other.runs.listExecutions({ statuses: ['STARTED'] });
        if (started && (await other.events.eventsForRun(started.runId, { types: ['STEP_START'] })).length) runId = started.runId;
        else await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(await cancelRun(other, runId, { nowMs: Date.now(), ...localLiveness() }), { outcome: 'requested' });
      const result = await running;
      try {
        assert.equal(result.status, 'CANCELED');
        assert.equal((await other.runs.getRun(runId))?.status, 'CANCELED');
        assert.deepEqual(await result.storage.events.materializationsForRun(runId), []);
        const types = result.events.map((e) => e.type);
        assert.ok(types.includes('RUN_CANCELING'));
        assert.equal(result.events.find((e) => e.type === 'STEP_FAILURE')?.stepKey, 'slow');
        assert.deepEqual(await result.query(`select count(*) as n from duckdb_tables() where table_name = 'slow'`), [{ n: 0 }]);
      } finally {
        await result.close();
      }
    } finally {
      await other.close();
    }
  });

  it('a cancel of a run whose process is gone ends it at once; a finished run answers finished', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const { host } = localLiveness();
      await seedStartedRun(storage, 'dead-run', { host, pid: deadPid(), processStart: null });
      const result = await cancelRun(storage, 'dead-run', { nowMs: Date.now(), ...localLiveness() });
      assert.equal(result.outcome, 'ended');
      assert.match(result.outcome === 'ended' ? result.reason : '', /^the process running it stopped: pid \d+ on /);
      assert.equal((await storage.runs.getRun('dead-run'))?.status, 'CANCELED');
      const events = await storage.events.eventsForRun('dead-run', { types: ['STEP_FAILURE', 'RUN_CANCELED'] });
      assert.deepEqual(events.map((e) => [e.type, e.stepKey]), [['STEP_FAILURE', 'a'], ['RUN_CANCELED', null]]);
      assert.deepEqual(await cancelRun(storage, 'dead-run', { nowMs: Date.now(), ...localLiveness() }), { outcome: 'finished', status: 'CANCELED' });
      assert.deepEqual(await cancelRun(storage, 'nope', { nowMs: Date.now(), ...localLiveness() }), { outcome: 'unknown' });
    } finally {
      await storage.close();
    }
  });
});

describe('cancel of a live run from another process', () => {
  it('shows the run CANCELING at once, before its process notices', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const { host } = localLiveness();
      await seedStartedRun(storage, 'live', { host, pid: process.pid, processStart: null });
      assert.deepEqual(await cancelRun(storage, 'live', { nowMs: Date.now(), ...localLiveness() }), { outcome: 'requested' });
      assert.equal((await storage.runs.getRun('live'))?.status, 'CANCELING');
      const [canceling] = await storage.events.eventsForRun('live', { types: ['RUN_CANCELING'] });
      assert.match(canceling!.message, /^Cancel requested: waiting for the process running it to stop it$/);
      assert.deepEqual(await storage.runs.runsToStop(['live']), ['live'], 'the request is recorded for the executor');
      assert.deepEqual(await cancelRun(storage, 'live', { nowMs: Date.now(), ...localLiveness() }), { outcome: 'requested' });
      assert.equal((await storage.events.eventsForRun('live', { types: ['RUN_CANCELING'] })).length, 1, 'asked twice: one RUN_CANCELING');
    } finally {
      await storage.close();
    }
  });

  it('`weir cancel` keeps waiting past its notice while the process lives, says why, and reports the stop', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'weir.yaml'), 'name: p\n');
    const storage = await openSqliteStorage(join(root, '.weir', 'metadata.sqlite'));
    const { host } = localLiveness();
    await seedStartedRun(storage, 'slowstop', { host, pid: process.pid, processStart: null });
    const written: string[] = [];
    const collect = { write: (chunk: string) => { written.push(String(chunk)); return true; } } as Pick<NodeJS.WriteStream, 'write'>;
    try {
      const command = cancelCommand({ project: root, runId: 'slowstop', stillStoppingAfterMs: 100, output: { stdout: collect, stderr: collect } });
      // The executor (played here) takes far longer than the notice to stop the run.
      while (!written.some((line) => line.includes('still stopping'))) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await storage.runs.getRun('slowstop'))?.status, 'CANCELING', 'shown as stopping meanwhile');
      await storage.runs.endRun('slowstop', [{ runId: 'slowstop', project: 'p', type: 'RUN_CANCELED', stepKey: null, timestamp: Date.now(), message: 'Run cancelled', data: { durationMs: 1, succeeded: [], failed: [], skipped: [], canceled: [] } }]);
      assert.equal(await command, 0);
    } finally {
      await storage.close();
    }
    const notice = written.find((line) => line.includes('still stopping'))!;
    assert.match(notice, new RegExp(`^Run slowstop is still stopping after .*: its process \\(pid ${process.pid} on .*\\) is alive and has not ended it yet\\. Still waiting \\(Ctrl-C stops waiting; the cancel stays recorded\\)\\. If that process hangs, kill ${process.pid}: the run is then ended at once\\.\\n$`));
    assert.ok(written.some((line) => /^Run slowstop .*cancel.* after /i.test(line)), `reports the stop: ${written.join('')}`);
  });
});

describe('endDeadRuns', () => {
  it('ends the started run whose process is gone as FAILURE with the reason; leaves a live one and a queued one', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const me = localLiveness();
      await seedStartedRun(storage, 'gone', { host: me.host, pid: deadPid(), processStart: null });
      await seedStartedRun(storage, 'alive', { host: me.host, pid: process.pid, processStart: null });
      await storage.runs.createRun({ runId: 'queued', project: 'p', trigger: 'cli', selection: null, stepKeys: ['a'], createdAt: 0 });
      const ended = await endDeadRuns(storage, { nowMs: Date.now(), ...me });
      assert.deepEqual(ended.map((d) => d.execution.runId), ['gone']);
      assert.equal((await storage.runs.getRun('gone'))?.status, 'FAILURE');
      assert.equal((await storage.runs.getRun('alive'))?.status, 'STARTED');
      assert.equal((await storage.runs.getRun('queued'))?.status, 'QUEUED');
      const [failure] = await storage.events.eventsForRun('gone', { types: ['RUN_FAILURE'] });
      assert.match(failure!.message, /^Run failed: the process running it stopped: pid \d+ on .*, last seen .* UTC; not run: b$/);
      assert.equal(failure!.type === 'RUN_FAILURE' && failure!.data.executorLost?.cause, 'process_gone');
      assert.deepEqual(await endDeadRuns(storage, { nowMs: Date.now(), ...me }), [], 'a second pass finds nothing');
    } finally {
      await storage.close();
    }
  });
});

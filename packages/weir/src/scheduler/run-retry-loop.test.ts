/** Run-level retries with real runs (in-process launcher, SQLite, DuckDB): chains, non-transient errors, max. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { asset } from '../definitions/asset.js';
import { defineSchedule } from '../definitions/schedule.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { RunRetryOptions } from '../definitions/run-retry.js';
import { RunStatus, type Run } from '../events/index.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { inProcessLauncher } from '../engine/in-process-launcher.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { AutomationLogLine } from './automation-deps.js';
import { createRunRetryLoop } from './run-retry-loop.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'weir-run-retries-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

/**
 * `source` fails with `failure()` on its first `failures` attempts (counted across runs), then succeeds; `report`
 * reads it; `side` is independent and succeeds. Only `source` has the policy.
 */
async function setUp(options: { failures: number; failure: () => Error; runRetry?: RunRetryOptions | null; scheduleRetry?: RunRetryOptions }) {
  let attempts = 0;
  const source = asset({ key: 'source', ...(options.runRetry === null ? {} : { runRetry: options.runRetry ?? { max: 3, delay: 0 } }) }, () => {
    attempts += 1;
    if (attempts <= options.failures) throw options.failure();
    return 'select 1 as x';
  });
  const report = asset({ key: 'report', inputs: { source } }, ({ source }) => `select count(*) as n from ${source}`);
  const side = asset({ key: 'side' }, () => 'select 2 as y');
  const root = mkdtempSync(join(tempRoot, 'p-'));
  const project: ProjectConfig = {
    name: 'retry', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'w.duckdb'), metadataPath: ':memory:',
    definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {},
  };
  const schedules = options.scheduleRetry ? [defineSchedule({ name: 'daily', select: '*', cron: '@daily', runRetry: options.scheduleRetry }, { origin: 'yaml' })] : undefined;
  const definitions: Definitions = { project, assets: [source, report, side], externals: [], ...(schedules ? { schedules } : {}) };
  const snapshot = { definitions, graph: buildAssetGraph(definitions) };
  const storage = await openSqliteStorage(':memory:');
  const warehouse = await DuckDbWarehouse.open(project.warehousePath);
  const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
  const logs: AutomationLogLine[] = [];
  const loop = createRunRetryLoop({ project: () => snapshot, storage, launcher, log: (line) => logs.push(line) });
  const signal = new AbortController().signal;
  return {
    storage, launcher, loop, logs, attempts: () => attempts,
    /**
     * Runs passes until one launches nothing more, waiting for the runs each launched; the clock is `nowMs` when given,
     * else the real time of each pass.
     */
    async settle(nowMs?: number): Promise<void> {
      for (let i = 0; i < 10; i += 1) {
        const before = (await storage.runs.listRuns({})).length;
        await loop.runOnce(nowMs ?? Date.now(), signal);
        await launcher.idle();
        if ((await storage.runs.listRuns({})).length === before) return;
      }
      assert.fail('retries never settled');
    },
    /** Every run, oldest first. */
    async runs(): Promise<Run[]> {
      return (await storage.runs.listRuns({ project: 'retry' })).reverse();
    },
    async close() { await launcher.idle(); warehouse.close(); await storage.close(); },
  };
}

const econnreset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('run-level retries', () => {
  it('a run failing on transient errors is retried from its failed steps until it succeeds: a linked chain', async () => {
    const t = await setUp({ failures: 2, failure: econnreset });
    try {
      await t.launcher.launch({ trigger: 'schedule', tags: { 'weir/schedule': 'daily' } });
      await t.launcher.idle();
      await t.settle();
      const runs = await t.runs();
      assert.deepEqual(runs.map((r) => [r.trigger, r.status]), [['schedule', 'FAILURE'], ['retry', 'FAILURE'], ['retry', 'SUCCESS']]);
      const [first, second, third] = runs as [Run, Run, Run];
      assert.deepEqual([...first.stepKeys].sort(), ['report', 'side', 'source']);
      // The failed step and its downstream, not `side`, which succeeded.
      assert.deepEqual(second.stepKeys, ['source', 'report']);
      assert.deepEqual(third.stepKeys, ['source', 'report']);
      assert.equal(second.parentRunId, first.runId);
      assert.equal(second.rootRunId, first.runId);
      assert.equal(third.parentRunId, second.runId);
      assert.equal(third.rootRunId, first.runId);
      assert.deepEqual(second.tags, { 'weir/schedule': 'daily', 'weir/retry-of': first.runId, 'weir/retry-attempt': '1', 'weir/retry-max': '3' });
      assert.deepEqual(third.tags, { 'weir/schedule': 'daily', 'weir/retry-of': second.runId, 'weir/retry-attempt': '2', 'weir/retry-max': '3' });
      assert.equal(t.attempts(), 3);
      assert.equal(t.logs.filter((l) => /failed on a transient error: retry \d of 3/.test(l.message)).length, 2);
      // Nothing more: the chain ended in success, and the failed runs are already retried.
      await t.loop.runOnce(Date.now() + 3_600_000, new AbortController().signal);
      assert.equal((await t.runs()).length, 3);
    } finally {
      await t.close();
    }
  });

  it('max is respected: after max retries the chain stops, with a line saying why', async () => {
    const t = await setUp({ failures: 100, failure: econnreset, runRetry: { max: 2, delay: 0 } });
    try {
      await t.launcher.launch({ trigger: 'api' });
      await t.launcher.idle();
      await t.settle();
      const runs = await t.runs();
      assert.deepEqual(runs.map((r) => [r.trigger, r.status, r.tags['weir/retry-attempt'] ?? '-']), [['api', 'FAILURE', '-'], ['retry', 'FAILURE', '1'], ['retry', 'FAILURE', '2']]);
      assert.ok(t.logs.some((l) => l.message === `run ${runs[2]!.runId.slice(0, 8)} is not retried: retried 2 times already (max 2)`), JSON.stringify(t.logs));
    } finally {
      await t.close();
    }
  });

  it('a non-transient error is not retried', async () => {
    const t = await setUp({ failures: 1, failure: () => new Error("Binder Error: Referenced column 'prcie' not found") });
    try {
      await t.launcher.launch({ trigger: 'api' });
      await t.launcher.idle();
      await t.settle();
      const runs = await t.runs();
      assert.deepEqual(runs.map((r) => r.status), ['FAILURE']);
      assert.ok(t.logs.some((l) => /is not retried: source failed on an error not marked transient: Binder Error/.test(l.message)), JSON.stringify(t.logs));
      assert.equal(t.logs.filter((l) => /is not retried/.test(l.message)).length, 1, 'said once, not at every pass');
      await t.loop.runOnce(Date.now(), new AbortController().signal);
      assert.equal(t.logs.filter((l) => /is not retried/.test(l.message)).length, 1);
    } finally {
      await t.close();
    }
  });

  it('waits for the delay (exponential backoff) by the injected clock; a message pattern in `on` marks an error transient', async () => {
    const t = await setUp({ failures: 2, failure: () => new Error('upstream said HTTP 503 Service Unavailable'), runRetry: { max: 3, delay: '10m', on: ['defaults', 'HTTP 503'] } });
    try {
      await t.launcher.launch({ trigger: 'api' });
      await t.launcher.idle();
      const endedAt = (await t.runs())[0]!.endedAt!;
      await t.settle(endedAt + 10 * 60_000 - 1);
      assert.equal((await t.runs()).length, 1, 'not before the 10 minutes');
      await t.settle(endedAt + 10 * 60_000);
      let runs = await t.runs();
      assert.equal(runs.length, 2);
      const secondEnded = runs[1]!.endedAt!;
      await t.settle(secondEnded + 20 * 60_000 - 1);
      assert.equal((await t.runs()).length, 2, 'the second retry waits twice as long');
      await t.settle(secondEnded + 20 * 60_000);
      runs = await t.runs();
      assert.deepEqual(runs.map((r) => r.status), [RunStatus.FAILURE, RunStatus.FAILURE, RunStatus.SUCCESS]);
    } finally {
      await t.close();
    }
  });

  it('a failed run whose failed asset has no policy is left alone', async () => {
    const t = await setUp({ failures: 0, failure: econnreset });
    try {
      // Only `source` has a policy; `report` run alone fails (its input was never materialized) and has none.
      const run = await t.launcher.launch({ trigger: 'api', stepKeys: ['report'] });
      await t.launcher.idle();
      assert.equal((await t.storage.runs.getRun(run.runId))!.status, 'FAILURE');
      await t.settle();
      assert.equal((await t.runs()).length, 1);
      assert.deepEqual(t.logs, [], 'no line for runs without a policy');
    } finally {
      await t.close();
    }
  });

  it("a scheduled run takes its schedule's runRetry for a failed asset with none of its own; a run by hand does not", async () => {
    const t = await setUp({ failures: 2, failure: econnreset, runRetry: null, scheduleRetry: { max: 2, delay: 0 } });
    try {
      const byHand = await t.launcher.launch({ trigger: 'api' });
      await t.launcher.idle();
      await t.settle();
      assert.equal((await t.runs()).length, 1, 'no schedule: no policy, no retry');
      assert.equal((await t.storage.runs.getRun(byHand.runId))!.status, 'FAILURE');
      await t.launcher.launch({ trigger: 'schedule', tags: { 'weir/schedule': 'daily' } });
      await t.launcher.idle();
      await t.settle();
      const runs = await t.runs();
      assert.deepEqual(runs.map((r) => [r.trigger, r.status]), [['api', 'FAILURE'], ['schedule', 'FAILURE'], ['retry', 'SUCCESS']]);
      assert.equal(runs[2]!.tags['weir/retry-max'], '2');
      assert.equal(runs[2]!.tags['weir/schedule'], 'daily');
    } finally {
      await t.close();
    }
  });
});

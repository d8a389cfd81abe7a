// Overlapping runs of one asset in one process, on real DuckDB and SQLite: they take turns (the later one logs
// which run it waits for) instead of failing with DuckDB's write-write conflict, and a waiting run can be cancelled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asset, rowCount } from '../../src/index.js';
import type { AssetDefinition } from '../../src/definitions/asset.js';
import type { ProjectConfig } from '../../src/definitions/project.js';
import type { EventRecord } from '../../src/events/index.js';
import { buildAssetGraph } from '../../src/graph/index.js';
import { launchRun, type LaunchedRun } from '../../src/engine/launch-run.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { DuckDbWarehouse } from '../../src/connectors/duckdb/duckdb-warehouse.js';

let root: string;
let storage: Storage;
let warehouse: DuckDbWarehouse;
let project: ProjectConfig;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'weir-overlap-'));
  project = {
    name: 'overlap', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, '.weir', 'warehouse.duckdb'),
    metadataPath: join(root, '.weir', 'metadata.sqlite'), definitionGlobs: [], concurrency: 4, settings: {}, secretSettings: [], settingSources: {},
  };
  storage = await openSqliteStorage(project.metadataPath);
  warehouse = await DuckDbWarehouse.open(project.warehousePath);
});
after(async () => {
  await warehouse.close();
  await storage.close();
  rmSync(root, { recursive: true, force: true });
});

/** Launches a run of `assets` on the shared warehouse; `runs` receives each run's id as soon as it is recorded. */
function launch(assets: AssetDefinition[], options: { signal?: AbortSignal; onRunId?: (runId: string) => void } = {}): Promise<LaunchedRun> {
  const definitions = { project, assets, externals: [], resources: {} };
  return launchRun({
    definitions, graph: buildAssetGraph(definitions), storage, warehouse, trigger: 'manual', signal: options.signal,
    onRunCreated: (run) => options.onRunId?.(run.runId),
  });
}

async function events(runId: string): Promise<EventRecord[]> {
  return storage.events.eventsForRun(runId);
}

/** A promise and its resolver: a step that blocks until the test lets it go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}

/** Resolves once `predicate` holds for the run's stored events (polled: the event log is the only output). */
async function until(runId: () => string | undefined, predicate: (events: EventRecord[]) => boolean): Promise<EventRecord[]> {
  for (;;) {
    const id = runId();
    if (id) {
      const stored = await events(id);
      if (predicate(stored)) return stored;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const isWaitLog = (e: EventRecord) => e.type === 'LOG' && /^waiting for run /.test(e.message);

describe('overlapping runs of one asset', () => {
  it('several concurrent runs of one asset with checks all succeed, one after another', async () => {
    // Staged, audited and published: a DuckDB write-write conflict without the lock.
    const orders = asset({ key: 'orders', checks: [rowCount({ min: 1 })] }, () => 'select i, hash(i) as h from range(200000) t(i)');
    const results = await Promise.all(Array.from({ length: 5 }, () => launch([orders])));
    assert.deepEqual(results.map((r) => r.status), Array(5).fill('SUCCESS'),
      (await Promise.all(results.map((r) => events(r.runId)))).flat().filter((e) => e.type === 'STEP_FAILURE').map((e) => e.message).join('\n'));
    // In sequence: each run's step starts after the previous holder's step ended.
    const spans = await Promise.all(results.map(async (r) => {
      const stored = await events(r.runId);
      return { start: stored.find((e) => e.type === 'STEP_START')!.id, end: stored.find((e) => e.type === 'STEP_SUCCESS')!.id, waited: stored.filter(isWaitLog).length };
    }));
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]!.start > spans[i - 1]!.end, `run ${i} started before run ${i - 1} ended`);
    assert.equal(spans[0]!.waited, 0);
    assert.ok(spans.slice(1).every((s) => s.waited >= 1), 'every later run said it waited');
  });

  it('the later run logs which run it waits for, with the run id as a field, then runs once the first is done', async () => {
    const held = gate();
    const entered = gate();
    let calls = 0;
    const slow = asset({ key: 'slow' }, async () => {
      if (calls++ === 0) { entered.open(); await held.opened; }
      return 'select 1 as x';
    });
    let firstId: string | undefined;
    let secondId: string | undefined;
    const first = launch([slow], { onRunId: (id) => { firstId = id; } });
    await entered.opened;
    const second = launch([slow], { onRunId: (id) => { secondId = id; } });
    const waiting = await until(() => secondId, (stored) => stored.some(isWaitLog));
    const log = waiting.find(isWaitLog)!;
    assert.equal(log.stepKey, 'slow');
    assert.equal(log.message, `waiting for run ${firstId!.slice(0, 8)} to finish slow`);
    assert.deepEqual(log.type === 'LOG' && log.data.fields, { waitingForRun: firstId });
    assert.ok(!waiting.some((e) => e.type === 'STEP_START'), 'the waiting step has not started');
    held.open();
    assert.deepEqual([(await first).status, (await second).status], ['SUCCESS', 'SUCCESS']);
    assert.equal(calls, 2);
  });

  it('cancelling a waiting run stops the wait: it ends CANCELED at once, the holder goes on', async () => {
    const held = gate();
    const entered = gate();
    let calls = 0;
    const slow = asset({ key: 'slow_cancel' }, async () => {
      if (calls++ === 0) { entered.open(); await held.opened; }
      return 'select 1 as x';
    });
    const first = launch([slow]);
    await entered.opened;
    const controller = new AbortController();
    let secondId: string | undefined;
    const second = launch([slow], { signal: controller.signal, onRunId: (id) => { secondId = id; } });
    await until(() => secondId, (stored) => stored.some(isWaitLog));
    controller.abort();
    const cancelled = await second;
    assert.equal(cancelled.status, 'CANCELED');
    const failure = (await events(cancelled.runId)).find((e) => e.type === 'STEP_FAILURE');
    assert.ok(failure && failure.type === 'STEP_FAILURE');
    assert.equal(failure.data.reason, 'canceled');
    assert.match(failure.message, /cancelled while waiting for run [0-9a-z]{8} to finish it; nothing was published/i);
    assert.equal(calls, 1, 'the cancelled run never ran the function');
    held.open();
    assert.equal((await first).status, 'SUCCESS');
    // The lock was released by both: a third run does not wait.
    const third = await launch([slow]);
    assert.equal(third.status, 'SUCCESS');
    assert.ok(!(await events(third.runId)).some(isWaitLog));
  });
});

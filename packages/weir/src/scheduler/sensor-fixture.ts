/**
 * Test support for the sensor tests and benchmark (not used by Weir itself): a small project in a temporary folder
 * on a real SQLite file and a real DuckDB file, the real in-process launcher, and a sensor loop built on them.
 * `restart()` closes the store and opens it again with a new loop, as a new process would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asset } from '../definitions/asset.js';
import type { TriggerContext } from '../definitions/asset-context.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { SensorDefinition, WebhookDefinition } from '../definitions/sensor.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import type { AlertSignal } from '../events/index.js';
import { buildAssetGraph, type AssetGraph } from '../graph/asset-graph.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import type { AutomationLogLine } from './automation-deps.js';
import { createSensorLoop, type SensorLoop } from './sensor-loop.js';

/** The secret setting's value: no stored evaluation, event or log line may contain it. */
export const FIXTURE_SECRET = 'wh-s3cret-Value-7781';

export interface SensorFixture {
  root: string;
  definitions: Definitions;
  graph: AssetGraph;
  storage: Storage;
  launcher: InProcessLauncher;
  loop: SensorLoop;
  /** The project's warehouse (a real DuckDB file), as the loop gets it. */
  warehouse: () => Promise<DuckDbWarehouse>;
  logs: AutomationLogLine[];
  /** Every alert signal recorded (the alert store itself is another helper's and keeps none yet). */
  signals: AlertSignal[];
  /** `ctx.trigger` of each run of `report`, by run id. */
  triggers: Map<string, TriggerContext | undefined>;
  /** When each step started (performance.now()), by run id: for the latency benchmark. */
  firstStepAt: Map<string, number>;
  /** Replaces the sensors (as a reload of `weir dev` would). */
  setSensors(sensors: SensorDefinition[], webhooks?: WebhookDefinition[]): void;
  /** Closes the store and opens the same file again with a new launcher and loop: a restart of the process. */
  restart(): Promise<void>;
  /** Waits for the loop's evaluations and the launcher's runs to end. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function openSensorFixture(sensors: SensorDefinition[] = [], webhooks: WebhookDefinition[] = [], loopOptions: { passWaitMs?: number } = {}): Promise<SensorFixture> {
  const root = mkdtempSync(join(tmpdir(), 'weir-sensors-'));
  const triggers = new Map<string, TriggerContext | undefined>();
  const firstStepAt = new Map<string, number>();
  const orders = asset({ key: 'orders', group: 'raw' }, (_inputs, ctx) => {
    firstStepAt.set(ctx.runId, performance.now());
    return 'select 1 as id';
  });
  const report = asset({ key: 'report', inputs: { orders }, tags: ['report'] }, ({ orders }, ctx) => {
    if (!firstStepAt.has(ctx.runId)) firstStepAt.set(ctx.runId, performance.now());
    triggers.set(ctx.runId, ctx.trigger);
    return `select count(*) as n from ${orders}`;
  });
  const project: ProjectConfig = {
    name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: join(root, 'metadata.sqlite'),
    definitionGlobs: [], concurrency: 4, settings: { hook_secret: FIXTURE_SECRET }, secretSettings: ['hook_secret'], settingSources: { hook_secret: 'env' },
  };
  let definitions: Definitions = { project, assets: [orders, report], externals: [], sensors, webhooks };
  const graph = buildAssetGraph(definitions);
  const warehouse = await DuckDbWarehouse.open(project.warehousePath);
  const logs: AutomationLogLine[] = [];
  const signals: AlertSignal[] = [];

  const open = async () => {
    const real = await openSqliteStorage(project.metadataPath);
    // The real store, with alert signals also kept here to be read by the test.
    const storage: Storage = Object.assign(Object.create(real) as Storage, {
      alerts: { recordSignal: async (signal: AlertSignal) => { signals.push(signal); await real.alerts.recordSignal(signal); } },
    });
    storage.close = () => real.close();
    const launcher = inProcessLauncher({ project: () => ({ definitions, graph }), storage, warehouse: async () => warehouse });
    const loop = createSensorLoop({ project: () => ({ definitions, graph }), storage, launcher, warehouse: async () => warehouse, log: (line) => logs.push(line) }, loopOptions);
    return { storage, launcher, loop };
  };

  const fixture: SensorFixture = {
    root, definitions, graph, logs, signals, warehouse: async () => warehouse, triggers, firstStepAt, ...(await open()),
    setSensors(next, nextWebhooks = webhooks) {
      definitions = { ...definitions, sensors: next, webhooks: nextWebhooks };
      fixture.definitions = definitions;
    },
    async restart() {
      await fixture.idle();
      await fixture.storage.close();
      Object.assign(fixture, await open());
    },
    async idle() {
      await fixture.loop.settled();
      await fixture.launcher.idle();
    },
    async close() {
      await fixture.idle();
      await fixture.storage.close();
      warehouse.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return fixture;
}

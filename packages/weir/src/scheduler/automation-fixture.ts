/**
 * Test support for the automation loops' tests (not used by the loops): a small project on a real in-memory SQLite
 * store and a real DuckDB file, with the in-process launcher, and the AutomationDeps built on them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { Run } from '../events/index.js';
import { inProcessLauncher, type InProcessLauncher } from '../engine/in-process-launcher.js';
import type { LaunchRequest } from '../engine/run-launcher.js';
import { buildAssetGraph } from '../graph/asset-graph.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage, StoredAlertSignal } from '../storage/storage.js';
import type { AutomationDeps, AutomationLogLine } from './automation-deps.js';

export interface AutomationFixture {
  deps: AutomationDeps;
  storage: Storage;
  launcher: InProcessLauncher;
  /** Every alert signal recorded in the store, oldest first. */
  signals(): Promise<StoredAlertSignal[]>;
  logs: AutomationLogLine[];
  /** Launches (trigger 'cli' unless given) and waits for every run to end. */
  runToEnd(request: Partial<LaunchRequest>): Promise<Run>;
  /** Replaces the definitions, as a reload of `weir dev` does. */
  setAssets(assets: AssetDefinition[]): void;
  close(): Promise<void>;
}

export async function openAutomationFixture(assets: AssetDefinition[]): Promise<AutomationFixture> {
  const root = mkdtempSync(join(tmpdir(), 'weir-automation-'));
  const project: ProjectConfig = {
    name: 'shop', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, 'warehouse.duckdb'), metadataPath: ':memory:',
    definitionGlobs: [], concurrency: 2, settings: {}, secretSettings: [], settingSources: {},
  };
  let snapshot = snapshotOf(project, assets);
  const storage = await openSqliteStorage(':memory:');
  const warehouse = await DuckDbWarehouse.open(project.warehousePath);
  const launcher = inProcessLauncher({ project: () => snapshot, storage, warehouse: async () => warehouse });
  const logs: AutomationLogLine[] = [];
  const deps: AutomationDeps = {
    project: () => snapshot, storage, launcher,
    warehouse: async () => warehouse, log: (line) => { logs.push(line); },
  };
  return {
    deps, storage, launcher, logs,
    signals: () => storage.alerts.signalsAfter(0, { project: project.name }),
    async runToEnd(request) {
      const run = await launcher.launch({ trigger: 'cli', ...request });
      await launcher.idle();
      return (await storage.runs.getRun(run.runId))!;
    },
    setAssets(next) { snapshot = snapshotOf(project, next); },
    async close() {
      await launcher.idle();
      await warehouse.close();
      await storage.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function snapshotOf(project: ProjectConfig, assets: AssetDefinition[]): { definitions: Definitions; graph: ReturnType<typeof buildAssetGraph> } {
  const definitions: Definitions = { project, assets, externals: [] };
  return { definitions, graph: buildAssetGraph(definitions) };
}

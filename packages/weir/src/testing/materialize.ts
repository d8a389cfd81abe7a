/**
 * `materialize()`: runs assets in process on a temporary DuckDB and SQLite, for users' unit tests and ours.
 *
 * @example
 * const result = await materialize({ assets: [orders, revenue] });
 * result.status // 'SUCCESS'
 * await result.query('select count(*) as n from main.revenue') // [{ n: 4 }]
 * await result.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetDefinition } from '../definitions/asset.js';
import type { ExternalAssetDefinition } from '../definitions/external-asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { EventRecord } from '../events/index.js';
import { buildAssetGraph } from '../graph/index.js';
import { launchRun, type LaunchedRun } from '../engine/launch-run.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';

export interface MaterializeOptions {
  assets: AssetDefinition[];
  externals?: ExternalAssetDefinition[];
  select?: string | string[];
  /** Project folder for relative paths (default: a new temporary folder). */
  root?: string;
  settings?: Record<string, string | number | boolean>;
  concurrency?: number;
  skipUnchanged?: boolean;
  signal?: AbortSignal;
  /** What asset functions get as `ctx.resources`: stand-ins for the project's `defineResources()`. */
  resources?: Record<string, unknown>;
  /** Reuse the stores of an earlier materialize() (to test history, staleness, reuse). */
  reuse?: MaterializeResult;
  /** The partition of partitioned assets (default: the latest complete one of time partitions). */
  partition?: string;
  /** The clock partitions are judged by (default now). */
  nowMs?: number;
}

export interface MaterializeResult extends LaunchedRun {
  events: EventRecord[];
  storage: Storage;
  warehouse: DuckDbWarehouse;
  root: string;
  project: ProjectConfig;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function materialize(options: MaterializeOptions): Promise<MaterializeResult> {
  const root = options.reuse?.root ?? options.root ?? mkdtempSync(join(tmpdir(), 'weir-materialize-'));
  const ownsRoot = !options.reuse && !options.root;
  const project: ProjectConfig = options.reuse?.project ?? {
    name: 'test', root, configFile: join(root, 'weir.yaml'), warehousePath: join(root, '.weir', 'warehouse.duckdb'),
    metadataPath: join(root, '.weir', 'metadata.sqlite'), definitionGlobs: [], concurrency: options.concurrency ?? 4,
    settings: options.settings ?? {}, secretSettings: [], settingSources: {},
  };
  const definitions = { project, assets: options.assets, externals: options.externals ?? [], resources: options.resources ?? {} };
  const graph = buildAssetGraph(definitions);
  const storage = options.reuse?.storage ?? (await openSqliteStorage(project.metadataPath));
  const warehouse = options.reuse?.warehouse ?? (await DuckDbWarehouse.open(project.warehousePath));
  const launched = await launchRun({
    definitions, graph, storage, warehouse, select: options.select, concurrency: options.concurrency,
    skipUnchanged: options.skipUnchanged, signal: options.signal, trigger: 'manual',
    ...(options.partition !== undefined ? { partition: options.partition } : {}), ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
  });
  const events = await storage.events.eventsForRun(launched.runId);
  return {
    ...launched, events, storage, warehouse, root, project,
    async query(sql) {
      const session = await warehouse.connect();
      try {
        return await session.query(sql);
      } finally {
        session.close();
      }
    },
    async close() {
      await warehouse.close();
      await storage.close();
      if (ownsRoot) rmSync(root, { recursive: true, force: true });
    },
  };
}

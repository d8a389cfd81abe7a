/**
 * The composition root for one project on the embedded default: SQLite for metadata, DuckDB for data.
 * Only the CLI (and testing helpers) know these concrete backends; the engine sees interfaces.
 */
import { loadProject, loadProjectConfig, type LoadedProject, type LoadProjectOptions } from '../loaders/index.js';
import { buildAssetGraph, type AssetGraph } from '../graph/index.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { Storage } from '../storage/storage.js';
import { dirname, join } from 'node:path';
import type { DuckDbWarehouse } from '../connectors/duckdb/duckdb-warehouse.js';
import { readCatalogSnapshot, writeCatalogSnapshot } from '../connectors/duckdb/catalog-snapshot.js';
import type { WarehouseAccess } from '../engine/warehouse-access.js';
import { printProjectWarnings } from './output/project-warnings.js';
import { endDeadRuns, localLiveness } from '../engine/end-dead-runs.js';
import { publishedFileFolders, sweepStaging, unfinishedRunSuffixes } from '../engine/sweep-staging.js';
import type { ProjectConfig } from '../definitions/project.js';
import type { AssetDefinition } from '../definitions/asset.js';

export interface LocalInstance {
  loaded: LoadedProject;
  graph: AssetGraph;
  storage: Storage;
  /** Opened on first use: commands that only read metadata never lock the warehouse. */
  warehouse(): Promise<DuckDbWarehouse>;
  /** The warehouse as the engine uses it: opened by the first step that needs it, not before. */
  data: WarehouseAccess;
  /** With `tolerateLoadError`: why the definitions did not load (the instance then serves none until they do). */
  loadError?: unknown;
  close(): Promise<void>;
}

export interface OpenLocalInstanceOptions extends LoadProjectOptions {
  /**
   * For `weir dev`: when weir.yaml is fine but the definitions do not load (a syntax error, a cycle), open the
   * instance anyway with no assets and say why, so the server can start, show the error and reload once it is fixed.
   */
  tolerateLoadError?: boolean;
}

export async function openLocalInstance(projectDir: string, options: OpenLocalInstanceOptions = {}): Promise<LocalInstance> {
  let loaded: LoadedProject;
  let loadError: unknown;
  try {
    loaded = await loadProject(projectDir, process.env, options);
  } catch (error) {
    if (!options.tolerateLoadError) throw error;
    // weir.yaml itself must load: without it there is no project to serve (this throws its own clear error).
    const project = loadProjectConfig(projectDir);
    loaded = { definitions: { project, assets: [], externals: [], resources: {} }, cached: false, sourceFiles: [], loadMs: 0 };
    loadError = error;
  }
  printProjectWarnings(loaded.definitions.project);
  const graph = buildAssetGraph(loaded.definitions);
  const storage = await openProjectMetadata(loaded.definitions.project.metadataPath);
  const { warehousePath, metadataPath } = loaded.definitions.project;
  // The catalog is remembered beside the metadata; an in-memory warehouse has nothing to remember.
  const snapshotPath = warehousePath === ':memory:' || metadataPath === ':memory:' ? undefined : join(dirname(metadataPath), 'warehouse-catalog.json');
  let warehouse: Promise<DuckDbWarehouse> | undefined;
  let remembered: ReadonlySet<string> | undefined | null = null; // null: not read yet
  // DuckDB's native module is loaded only by commands that touch data.
  // No checkpoint at close: on 1,000 dbt models folding the WAL into the file costs 1.5-3 s at every exit (and
  // doubles peak memory); DuckDB replays the WAL on the next open, whoever opens the file. The WAL is part of the
  // database (README: copy both files, or run CHECKPOINT first).
  // The first process to open the warehouse after a run died sweeps that run's staging relations and files, before
  // any step gets a session.
  const open = () => (warehouse ??= import('../connectors/duckdb/duckdb-warehouse.js')
    .then(({ DuckDbWarehouse }) => DuckDbWarehouse.open(warehousePath, { checkpointOnClose: false }))
    .then(async (opened) => {
      await sweepDeadRunLeftovers(opened, storage, loaded.definitions.project, loaded.definitions.assets);
      return opened;
    }));
  return {
    loaded,
    graph,
    storage,
    ...(loadError !== undefined ? { loadError } : {}),
    warehouse: open,
    data: {
      connect: async () => (await open()).connect(),
      async hasTable(schema, table) {
        if (!warehouse && snapshotPath) {
          if (remembered === null) remembered = readCatalogSnapshot(snapshotPath, warehousePath);
          if (remembered) return remembered.has(`${schema}.${table}`);
        }
        return (await open()).hasTable(schema, table);
      },
    },
    async close() {
      const opened = warehouse && (await warehouse.catch(() => undefined));
      if (opened) {
        const tables = snapshotPath ? await opened.listTables().catch(() => undefined) : undefined;
        opened.close();
        if (tables) writeCatalogSnapshot(snapshotPath!, warehousePath, tables);
      }
      await storage.close();
    },
  };
}

/** Only the metadata: for `runs`, `run-info` and `logs`, which need no definitions. */
export async function openMetadataOnly(projectDir: string, options: { endDeadRuns?: boolean } = {}): Promise<{ storage: Storage; project: string; root: string }> {
  const config = loadProjectConfig(projectDir);
  // `weir cancel` ends a dead run itself (as CANCELED, which is what was asked), so it opens without the reaper.
  const storage = options.endDeadRuns === false ? await openSqliteStorage(config.metadataPath) : await openProjectMetadata(config.metadataPath);
  return { storage, project: config.name, root: config.root };
}

/**
 * Opens the metadata and ends the runs whose process died (kill -9, a closed terminal, a crash): whoever opens it
 * next, `weir run`, `weir dev`, `weir runs` or `run-info`, never shows such a run as running.
 *
 * @example
 * const storage = await openProjectMetadata('.weir/metadata.sqlite') // a run left STARTED by a killed process is now FAILURE
 */
export async function openProjectMetadata(metadataPath: string): Promise<Storage> {
  const storage = await openSqliteStorage(metadataPath);
  try {
    await endDeadRuns(storage, { nowMs: Date.now(), ...localLiveness() });
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
  return storage;
}

async function sweepDeadRunLeftovers(opened: DuckDbWarehouse, storage: Storage, project: ProjectConfig, assets: readonly AssetDefinition[]): Promise<void> {
  if (opened.path === ':memory:') return; // a new in-memory warehouse holds nothing of anyone
  const session = await opened.connect();
  try {
    await sweepStaging({
      session, project, assets, keep: await unfinishedRunSuffixes(storage.runs), knownFolders: await publishedFileFolders(storage.events, project),
    });
  } catch {
    // Leftovers waste space but harm nothing (no asset can take their names); the next open tries again.
  } finally {
    session.close();
  }
}

// Helpers for the dbt tests: write a real dbt project into a temporary folder, load it the way the CLI does,
// build it on real DuckDB and SQLite, and query the warehouse afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProject, type DbtInvocation, type LoadedProject } from '../../src/loaders/index.js';
import { buildAssetGraph } from '../../src/graph/index.js';
import { launchRun, type LaunchedRun } from '../../src/engine/launch-run.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { DuckDbWarehouse } from '../../src/connectors/duckdb/duckdb-warehouse.js';
import type { EventRecord } from '../../src/events/index.js';
import type { Storage } from '../../src/storage/storage.js';

const dirs: string[] = [];

/** A profiles.yml with one DuckDB target writing `dev.duckdb` beside the project. */
export const PROFILE = (name: string, schema = 'main') => `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: ${schema}\n      threads: 2\n`;

/** Writes files (path → text) into a new temporary folder and returns it. */
export function writeProject(files: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'weir-dbt-'))): string {
  if (!dirs.includes(dir)) dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function removeProjects(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Built extends LaunchedRun {
  loaded: LoadedProject;
  events: EventRecord[];
  storage: Storage;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** 'table', 'view' or undefined. */
  relationType(schema: string, name: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Loads the project as `weir build` does and runs it; close() releases the warehouse lock. */
export async function build(dir: string, options: { dbt?: DbtInvocation; select?: string[]; exclude?: string[] } = {}): Promise<Built> {
  const loaded = await loadProject(dir, process.env, { dbt: options.dbt ?? {} });
  const graph = buildAssetGraph(loaded.definitions);
  const storage = await openSqliteStorage(loaded.definitions.project.metadataPath);
  const warehouse = await DuckDbWarehouse.open(loaded.definitions.project.warehousePath);
  const events: EventRecord[] = [];
  try {
    const result = await launchRun({ definitions: loaded.definitions, graph, storage, warehouse, select: options.select, exclude: options.exclude, onEvent: (e) => events.push(e) });
    const query = async (sql: string) => {
      const session = await warehouse.connect();
      try { return await session.query<Record<string, unknown>>(sql); } finally { session.close(); }
    };
    return {
      ...result, loaded, events, storage, query,
      relationType: async (schema, name) => {
        const session = await warehouse.connect();
        try { return await session.relationExists(schema, name); } finally { session.close(); }
      },
      close: async () => { await warehouse.close(); await storage.close(); },
    };
  } catch (error) {
    await warehouse.close();
    await storage.close();
    throw error;
  }
}

/** Builds, runs `check` on the result, and always closes. */
export async function withBuild<T>(dir: string, options: Parameters<typeof build>[1], check: (built: Built) => Promise<T>): Promise<T> {
  const built = await build(dir, options);
  try { return await check(built); } finally { await built.close(); }
}

export const num = (rows: Record<string, unknown>[], column = 'n') => Number(rows[0]?.[column]);

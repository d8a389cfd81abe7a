/**
 * Sweeping what dead runs left in the warehouse: staging relations (`<table>__weir_stage_<run8>`) and hidden staged
 * files (`.<file>.weir-stage-<run8>`) beside file assets, found by Weir's reserved names alone.
 */
import { readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AssetDefinition } from '../definitions/asset.js';
import type { QueryRunner } from '../definitions/asset-context.js';
import type { ProjectConfig } from '../definitions/project.js';
import { RunStatus } from '../events/index.js';
import { qualified } from '../connectors/duckdb/quote-identifier.js';
import { STAGING_TABLE_MARKER, runSuffix, stagedFileRun, stagingTableRun } from '../shared/reserved-names.js';
import type { EventLog, RunStore } from '../storage/storage.js';
import { filePathOf } from './published-location.js';

export interface SweepResult {
  /** `schema.name` of every staging relation dropped. */
  relations: string[];
  /** Absolute paths of every staged file removed. */
  files: string[];
}

/**
 * The run suffixes a sweep must leave alone: those of every run not finished (queued, started or cancelling), so
 * only a finished run's leftovers (a dead run is finished once end-dead-runs.ts has ended it) and those of runs the
 * metadata does not know are swept.
 *
 * @example
 * await unfinishedRunSuffixes(storage.runs) // Set { '5b0e1c2a' }
 */
export async function unfinishedRunSuffixes(runs: RunStore): Promise<Set<string>> {
  const unfinished = await runs.listExecutions({ statuses: [RunStatus.QUEUED, RunStatus.STARTED, RunStatus.CANCELING] });
  return new Set(unfinished.map((r) => runSuffix(r.runId)));
}

/**
 * Drops every staging relation and removes every staged file (in the folders of `assets`' files) whose run suffix is
 * not in `keep`. Call it right after opening the warehouse, before any step takes a session: DuckDB's file lock
 * means no other process is writing to this warehouse then, so nothing swept can belong to a live run elsewhere,
 * and `keep` protects the runs of this process. A folder that does not exist is skipped. Only reserved names are
 * touched (`.<file>.weir-stage-<run8>`, which no asset can take), so sweeping a folder another asset shares is safe.
 *
 * @example
 * await sweepStaging({ session, project, assets, keep: new Set(['5b0e1c2a']) })
 * // { relations: ['main.revenue__weir_stage_77aa01bc'], files: ['/p/output/.revenue.parquet.weir-stage-77aa01bc'] }
 */
export async function sweepStaging(options: {
  session: QueryRunner;
  project: ProjectConfig;
  assets: readonly AssetDefinition[];
  keep: ReadonlySet<string>;
  /**
   * Folders files were published to before (publishedFileFolders), swept too: a file asset deleted from the
   * definitions since its run died is no longer among `assets`, but its folder is in the history.
   */
  knownFolders?: Iterable<string>;
}): Promise<SweepResult> {
  const { session, keep } = options;
  const result: SweepResult = { relations: [], files: [] };
  const marker = STAGING_TABLE_MARKER.replaceAll("'", "''");
  const rows = await session.query<{ schema_name: string; name: string; kind: 'table' | 'view' }>(
    `select schema_name, table_name as name, 'table' as kind from duckdb_tables()
       where not temporary and database_name = current_database() and contains(table_name, '${marker}')
     union all
     select schema_name, view_name as name, 'view' as kind from duckdb_views()
       where not temporary and not internal and database_name = current_database() and contains(view_name, '${marker}')`);
  for (const row of rows) {
    const run = stagingTableRun(row.name);
    if (run === undefined || keep.has(run)) continue;
    await session.run(`drop ${row.kind} if exists ${qualified(row.schema_name, row.name)}`);
    result.relations.push(`${row.schema_name}.${row.name}`);
  }
  const folders = fileAssetFolders(options.project, options.assets);
  for (const folder of options.knownFolders ?? []) folders.add(folder);
  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue; // not written yet
    }
    for (const name of names) {
      const run = stagedFileRun(name);
      if (run === undefined || keep.has(run)) continue;
      const path = join(folder, name);
      await rm(path, { force: true, recursive: true });
      result.files.push(path);
    }
  }
  return result;
}

/**
 * The folders of every file the project has published, by the latest materialization of each asset key ever stored:
 * deleted assets included, since their keys stay in the history.
 *
 * @example
 * await publishedFileFolders(storage.events, project) // Set { '/p/output', '/p/old-exports' }
 */
export async function publishedFileFolders(events: EventLog, project: ProjectConfig): Promise<Set<string>> {
  const folders = new Set<string>();
  for (const materialization of (await events.latestMaterializations(project.name)).values()) {
    if (materialization.storage.kind === 'file') folders.add(dirname(resolve(project.root, materialization.storage.location)));
  }
  return folders;
}

function fileAssetFolders(project: ProjectConfig, assets: readonly AssetDefinition[]): Set<string> {
  const folders = new Set<string>();
  for (const asset of assets) {
    if (asset.io.kind !== 'file') continue;
    try {
      folders.add(dirname(filePathOf(project, asset.io.path, `asset '${asset.key}'`)));
    } catch {
      // A path naming a missing setting: its run failed before writing anything.
    }
  }
  return folders;
}

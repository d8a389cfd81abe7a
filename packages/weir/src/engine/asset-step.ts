/**
 * One attempt at one asset, write-audit-publish: compute into a staging table named after the run, run the
 * checks on it, and only if no blocking check failed replace the published table (or rename the file into place).
 * A failure at any point leaves the last good data untouched.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { AssetContext, AssetResult, AssetResultObject, Loadable, Logger, TriggerContext } from '../definitions/asset-context.js';
import { isLoadable } from '../definitions/asset-context.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { ProjectConfig } from '../definitions/project.js';
import { CheckOutcome, type CheckEvaluationData, type MaterializationData } from '../events/index.js';
import { WeirError, formatLocation } from '../shared/errors.js';
import { quoteIdent, qualified } from '../connectors/duckdb/quote-identifier.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';
import { describeRelation, exportTable, loadIntoTable, publishFile, publishTable, stagingFilePath, stagingTableName, auditTableName } from '../io/index.js';
import { publishPartition } from '../io/publish-partition.js';
import { interpolatePartition, usesPartition } from '../definitions/partition-template.js';
import type { PartitionContext } from '../definitions/partitions.js';
import { evaluateCheck } from '../checks/index.js';
import { withStepConsole } from './console-capture.js';
import { filePathOf } from './published-location.js';
import { hashFile } from '../shared/hash.js';
import type { UpstreamVersion } from './data-version.js';
import { assetSqlError, modelFile, runStrategy } from './sql-materializations.js';

export interface AssetAttempt {
  project: ProjectConfig;
  runId: string;
  /** When the run started (ms since the epoch). */
  runStartedAt: number;
  definition: AssetDefinition;
  attempt: number;
  session: DuckDbSession;
  /** Values for the function's inputs, by input name. */
  inputValues: Record<string, string>;
  upstream: UpstreamVersion[];
  dataVersion: string;
  resources: Record<string, unknown>;
  trigger?: TriggerContext;
  signal: AbortSignal;
  log: Logger;
  logLine: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** The asset's last materialization, if any: a loaded input that became empty is refused against it. */
  previous?: { rowCount: number | null; runId: string };
  /** Published relation of another asset, for relationships checks. */
  relationOfKey: (key: string) => string;
  onCheck: (evaluation: CheckEvaluationData) => Promise<void>;
  /** For a partitioned asset: the partition this attempt materializes. */
  partition?: PartitionContext;
  /**
   * Runs `body` holding the asset-wide lock (the caller holds the partition's already): what creating the table,
   * changing its schema and swapping a partition's rows need, so partitions of one asset publish one at a time.
   */
  withAssetLock?: <T>(body: () => Promise<T>) => Promise<T>;
}

export type AttemptOutcome =
  | { kind: 'published'; materialization: MaterializationData }
  /** `published`: the data was published before its checks ran (dbt's publish-then-test order). */
  | { kind: 'check_failed'; failed: CheckEvaluationData[]; auditRelation?: string; published?: boolean };

export class StepAborted extends Error {
  constructor(readonly reason: 'canceled' | 'timeout') {
    super(reason === 'timeout' ? 'timed out' : 'canceled');
    this.name = 'StepAborted';
  }
}

function abortReason(signal: AbortSignal): 'canceled' | 'timeout' {
  return (signal.reason as { weirReason?: string } | undefined)?.weirReason === 'timeout' ? 'timeout' : 'canceled';
}

/** Rejects as soon as the signal aborts, so a function that ignores the signal cannot hold the run. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new StepAborted(abortReason(signal)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StepAborted(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

function normalizeResult(result: AssetResult): AssetResultObject {
  if (result === undefined || result === null) return {};
  if (typeof result === 'string') return { sql: result };
  if (Array.isArray(result)) return { rows: result };
  if (isLoadable(result)) return { load: result };
  if (typeof result === 'object') return result as AssetResultObject;
  throw new WeirError(`the function returned a ${typeof result}`, { code: 'BAD_ASSET_RESULT', hint: 'Return a SQL string, load.excel(…)/load.csv(…), an array of rows, or { metadata } after writing ctx.target.' });
}

function where(definition: AssetDefinition): string {
  return definition.location ? ` (${formatLocation(definition.location)})` : '';
}

async function rowsIntoTable(session: DuckDbSession, rows: Array<Record<string, unknown>>, target: string): Promise<void> {
  if (!rows.length) throw new WeirError('the function returned an empty array of rows', { code: 'BAD_ASSET_RESULT', hint: 'Return at least one row, or SQL (`select … where false`) to publish an empty table with columns.' });
  // DuckDB infers types from JSON exactly as it does for a JSON file, which keeps numbers numbers.
  const dir = await mkdtemp(join(tmpdir(), 'weir-rows-'));
  try {
    const file = join(dir, 'rows.ndjson');
    await writeFile(file, rows.map((row) => JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? Number(v) : v))).join('\n'));
    await session.run(`create table ${target} as select * from read_json_auto('${file.replaceAll("'", "''")}', format = 'newline_delimited')`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Calls the asset's function with its context and normalizes what it returned; writes nothing itself. */
async function callCompute(attempt: AssetAttempt, target: string, outputPath?: string): Promise<AssetResultObject> {
  const { definition, session, signal, project } = attempt;
  const ctx: AssetContext = {
    runId: attempt.runId,
    runStartedAt: attempt.runStartedAt,
    project: project.name,
    assetKey: definition.key,
    attempt: attempt.attempt,
    log: attempt.log,
    target,
    outputPath,
    settings: project.settings,
    resources: attempt.resources,
    ...(attempt.trigger ? { trigger: attempt.trigger } : {}),
    signal,
    query: (sql, params) => session.query(sql, params, { signal }),
    run: (sql, params) => session.run(sql, params, { signal }),
    ...(attempt.partition ? { partition: attempt.partition } : {}),
  };
  const raw = await raceAbort(Promise.resolve(withStepConsole(attempt.logLine, () => definition.compute(attempt.inputValues, ctx))), signal);
  return withPartition(normalizeResult(raw), attempt);
}

/** `{{ partition.key }}` / `${partition.key}` (start, end) in the returned SQL and in a loaded file's path. */
function withPartition(result: AssetResultObject, attempt: AssetAttempt): AssetResultObject {
  const what = `asset '${attempt.definition.key}'`;
  const sql = result.sql === undefined ? undefined : interpolatePartition(result.sql, attempt.partition, what);
  const load = result.load === undefined ? undefined : { ...result.load, path: interpolatePartition(result.load.path, attempt.partition, what) };
  return sql === result.sql && load?.path === result.load?.path ? result : { ...result, ...(sql !== undefined ? { sql } : {}), ...(load ? { load } : {}) };
}

/** Runs hook statements (SQL models' pre-/post-hooks) in order; a failing hook fails the step. */
async function runHooks(attempt: AssetAttempt, hooks: string[] | undefined, which: 'pre-hook' | 'post-hook'): Promise<void> {
  for (const hook of hooks ?? []) {
    if (!hook.trim()) continue;
    try {
      await attempt.session.run(hook, undefined, { signal: attempt.signal });
    } catch (error) {
      if (attempt.signal.aborted) throw new StepAborted(abortReason(attempt.signal));
      throw new WeirError(`${which} of '${attempt.definition.key}' failed: ${(error as Error).message.split('\n')[0]}`, {
        code: 'SQL_ERROR', location: modelFile(attempt.definition), hint: `The hook was: ${hook.trim().slice(0, 300)}`, cause: error,
      });
    }
  }
}

interface Produced {
  result: AssetResultObject;
  /** Known when DuckDB reported it (a CREATE TABLE AS returns its row count): saves a count(*). */
  rowCount?: number;
  /** Built straight into the published table (see `direct` in produce()). */
  direct: boolean;
}

/**
 * Calls the function and writes what it returned into the staging table. With `direct` (a table asset with no
 * checks), SQL goes straight into the published table with CREATE OR REPLACE TABLE … AS: with nothing to audit, the
 * staging table would add nothing but statements, and DuckDB replaces the table atomically (a failed or cancelled
 * query leaves the old one), so the last good data is as safe as with write-audit-publish.
 */
async function produce(attempt: AssetAttempt, staging: { schema: string; table: string; quoted: string }, outputPath?: string, direct?: string): Promise<Produced> {
  const { definition, session, signal, project } = attempt;
  const result = await callCompute(attempt, staging.quoted, outputPath);
  await runHooks(attempt, result.preHooks, 'pre-hook');
  const sources = [result.sql !== undefined, result.rows !== undefined, result.load !== undefined].filter(Boolean).length;
  if (sources > 1) throw new WeirError(`asset '${definition.key}' returned more than one of sql, rows and load${where(definition)}`, { code: 'BAD_ASSET_RESULT', hint: 'Return exactly one of them.' });
  if (result.sql !== undefined) {
    const create = async (into: string) => Number((await session.query<{ Count: number }>(`create ${into} as ${result.sql}`, undefined, { signal }))[0]?.Count ?? 0);
    try {
      if (direct) {
        try {
          return { result, rowCount: await create(`or replace table ${direct}`), direct: true };
        } catch (error) {
          // The published relation is a view (a model that changed materialization): stage, and let publish swap it.
          if (signal.aborted || !/of type View/i.test((error as Error).message)) throw error;
        }
      }
      return { result, rowCount: await create(`table ${staging.quoted}`), direct: false };
    } catch (error) {
      if (signal.aborted) throw new StepAborted(abortReason(signal));
      throw assetSqlError(definition, result.sql, error);
    }
  } else if (result.rows !== undefined) {
    await rowsIntoTable(session, result.rows, staging.quoted);
  } else if (result.load !== undefined) {
    const load: Loadable = { ...result.load, path: filePathOf(project, result.load.path, `asset '${definition.key}'`) };
    await loadIntoTable(session, load, { schema: staging.schema, table: staging.table }, { signal, onWarning: (m: string) => attempt.log.warn(m) });
  } else if (!(definition.io.kind === 'file' && definition.io.format === 'raw') && (await session.relationExists(staging.schema, staging.table)) !== 'table') {
    throw new WeirError(`asset '${definition.key}' produced nothing${where(definition)}`, {
      code: 'BAD_ASSET_RESULT', hint: 'Return a SQL query, load.excel(path), or rows — or write the table yourself with `create table ${ctx.target} as …`.',
    });
  }
  return { result, direct: false };
}

/**
 * Which bytes a loaded file held, recorded in the materialization's metadata: a file read by path (`load.excel(…)`,
 * one per partition) is not an external asset, so this is what says which export a month was built from. Hashed
 * right after loading it.
 *
 * @example
 * await loadedFile(attempt, load.excel('data/2025-03/Fichier_erp.xlsx'))
 * // { path: 'data/2025-03/Fichier_erp.xlsx', sha256: '9c1e…', bytes: 48213 }
 */
async function loadedFile(attempt: AssetAttempt, loaded: Loadable): Promise<{ path: string; sha256: string; bytes: number } | undefined> {
  const absolute = filePathOf(attempt.project, loaded.path, `asset '${attempt.definition.key}'`);
  // A glob or a URL that DuckDB read (`load.parquet('data/*.parquet')`) is not one file: nothing to hash.
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return { path: relative(attempt.project.root, absolute) || absolute, sha256: await hashFile(absolute), bytes: info.size };
}

/**
 * An input whose export came back empty (a failed job upstream, a wrong filter) must not replace last month's data
 * unnoticed: when the last materialization had rows, an empty load fails unless the asset says `allowEmpty: true`.
 */
function refuseEmptiedInput(attempt: AssetAttempt, loaded: Loadable): void {
  const { definition, previous, project } = attempt;
  if (definition.allowEmpty || !previous?.rowCount) return;
  const file = relative(project.root, filePathOf(project, loaded.path, `asset '${definition.key}'`)) || loaded.path;
  const rows = `${previous.rowCount.toLocaleString('en')} row${previous.rowCount === 1 ? '' : 's'}`;
  throw new WeirError(`asset '${definition.key}' loaded 0 rows from ${file}, where its last materialization (run ${previous.runId.slice(0, 8)}) had ${rows}; nothing was published`, {
    code: 'INPUT_BECAME_EMPTY', location: definition.location,
    hint: `Check the export that writes ${file}. If an empty input is expected, set allowEmpty: true on the asset.`,
  });
}

/** Runs the checks on the staged data; emits each evaluation as it completes. */
async function audit(attempt: AssetAttempt, relation: string, path?: string): Promise<CheckEvaluationData[]> {
  const failed: CheckEvaluationData[] = [];
  for (const declared of attempt.definition.checks) {
    if (attempt.signal.aborted) throw new StepAborted(abortReason(attempt.signal));
    // A check's SQL may name the partition too: `… where month = '{{ partition.key }}'`.
    const sql = (declared as { sql?: unknown }).sql;
    const spec = typeof sql === 'string' && usesPartition(sql)
      ? { ...declared, sql: interpolatePartition(sql, attempt.partition, `check '${declared.name}' of asset '${attempt.definition.key}'`) }
      : declared;
    const evaluation = await evaluateCheck(spec, {
      assetKey: attempt.definition.key,
      runner: attempt.session,
      relation,
      path,
      ...(attempt.partition ? { partition: attempt.partition } : {}),
      resolveRelation: attempt.relationOfKey,
    });
    // A check that could not run (a typo in a column, a bad query) should point at where it was declared.
    if (evaluation.outcome === CheckOutcome.COULD_NOT_RUN && attempt.definition.location) {
      evaluation.message += ` Declared with asset '${attempt.definition.key}' at ${formatLocation(attempt.definition.location)}.`;
    }
    await attempt.onCheck(evaluation);
    if (evaluation.blocking) failed.push(evaluation);
  }
  return failed;
}

/** The materialization record of a published asset (shared by every strategy). */
function materializationOf(attempt: AssetAttempt, started: number, storage: MaterializationData['storage'], shape: { rowCount: number | null; columns: MaterializationData['columns'] }, metadata: Record<string, unknown>, bytes: number | null, sql?: string): MaterializationData {
  const { definition } = attempt;
  // The SQL that ran, for the asset page: a model's (its compiled text), or what a TypeScript asset returned.
  // Secrets in it are masked by the event sink, as everywhere in stored events.
  const recorded = definition.origin === 'sql' ? sql ?? definition.code : sql;
  return {
    assetKey: definition.key,
    storage,
    rowCount: shape.rowCount,
    columns: shape.columns,
    durationMs: Math.round(performance.now() - started),
    bytes,
    codeVersion: definition.codeVersion,
    dataVersion: attempt.dataVersion,
    upstream: attempt.upstream.map((u) => ({ assetKey: u.assetKey, dataVersion: u.dataVersion, ...(u.eventId !== undefined ? { eventId: u.eventId } : {}) })),
    metadata,
    ...(recorded ? { sql: recorded } : {}),
    ...(attempt.partition ? { partition: attempt.partition.key } : {}),
  };
}

export async function runAssetAttempt(attempt: AssetAttempt): Promise<AttemptOutcome> {
  const { definition, session, runId, project } = attempt;
  const started = performance.now();
  const strategy = definition.materialize;
  if (strategy && strategy.kind !== 'table') {
    // Views, incremental and ephemeral models (SQL models): their own way to stage, audit and publish.
    return runStrategy(strategy, {
      attempt,
      compute: (target) => callCompute(attempt, target),
      audit: (relation) => audit(attempt, relation),
      runHooks: (hooks, which) => runHooks(attempt, hooks, which),
      materialization: (storage, shape, metadata, sql) => materializationOf(attempt, started, storage, shape, metadata, null, sql),
      abortError: () => new StepAborted(abortReason(attempt.signal)),
    });
  }
  const publishThenTest = strategy?.audit === 'publish_then_test';
  const io = definition.io;
  const schema = io.kind === 'table' ? io.schema : 'main';
  const baseName = io.kind === 'table' ? io.name : definition.key.replaceAll('/', '__');
  const staging = { schema, table: stagingTableName(baseName, runId) };
  const stagingQuoted = qualified(staging.schema, staging.table);
  const finalPath = io.kind === 'file' ? filePathOf(project, interpolatePartition(io.path, attempt.partition, `asset '${definition.key}'`), `asset '${definition.key}'`) : undefined;
  const stagedFile = finalPath ? stagingFilePath(finalPath, runId) : undefined;
  let published = false;
  try {
    if (schema !== 'main') await session.run(`create schema if not exists ${quoteIdent(schema)}`);
    // The staging name carries the run id, so only a retry can find one left over (a failed attempt drops its own
    // in `finally`, but that drop may itself have failed): one statement less per step on the first attempt.
    if (attempt.attempt > 1) await session.run(`drop table if exists ${stagingQuoted}`);
    // A raw file asset writes ctx.outputPath itself: its folder must exist before the function runs.
    if (io.kind === 'file' && io.format === 'raw') await mkdir(dirname(stagedFile!), { recursive: true });
    // A partition is never built straight into the table: it replaces only its own rows (see publishPartition).
    const direct = io.kind === 'table' && definition.checks.length === 0 && !attempt.partition ? qualified(schema, io.name) : undefined;
    const produced = await produce(attempt, { ...staging, quoted: stagingQuoted }, io.kind === 'file' && io.format === 'raw' ? stagedFile : undefined, direct);
    const { result } = produced;
    const loaded = result.load ? await loadedFile(attempt, result.load) : undefined;
    const metadata = loaded ? { ...(result.metadata ?? {}), loaded } : result.metadata ?? {};
    const isRawFile = io.kind === 'file' && io.format === 'raw';
    if (produced.direct && io.kind === 'table') {
      published = true;
      const shape = await describeRelation(session, direct!, { signal: attempt.signal, rowCount: produced.rowCount });
      await runHooks(attempt, result.postHooks, 'post-hook');
      return { kind: 'published', materialization: materializationOf(attempt, started, { kind: 'table', location: `${schema}.${io.name}` }, shape, metadata, null, result.sql) };
    }
    const shape = isRawFile ? { rowCount: null, columns: [] } : await describeRelation(session, stagingQuoted, { signal: attempt.signal, rowCount: produced.rowCount });
    if (result.load && shape.rowCount === 0) refuseEmptiedInput(attempt, result.load);
    if (publishThenTest && io.kind === 'table') {
      // dbt's order, on request: publish, then test what was published; a failure blocks downstream only.
      await publishTable(session, { schema, staging: staging.table, table: io.name });
      published = true;
      await runHooks(attempt, result.postHooks, 'post-hook');
      const failedAfter = await audit(attempt, qualified(schema, io.name));
      if (failedAfter.length) return { kind: 'check_failed', failed: failedAfter, published: true };
      return { kind: 'published', materialization: materializationOf(attempt, started, { kind: 'table', location: `${schema}.${io.name}` }, shape, metadata, null, result.sql) };
    }
    const failed = await audit(attempt, isRawFile ? stagedFile! : stagingQuoted, isRawFile ? stagedFile : undefined);
    if (failed.length) {
      let auditRelation: string | undefined;
      if (!isRawFile) {
        // Keep the failing data inspectable under a stable name; the published table is untouched.
        const auditTable = auditTableName(baseName);
        await session.run(`drop table if exists ${qualified(schema, auditTable)}`);
        await session.run(`alter table ${stagingQuoted} rename to ${quoteIdent(auditTable)}`);
        auditRelation = `${schema}.${auditTable}`;
      }
      return { kind: 'check_failed', failed, auditRelation };
    }
    if (attempt.signal.aborted) throw new StepAborted(abortReason(attempt.signal));
    let bytes: number | null = null;
    let location: string;
    if (io.kind === 'table' && attempt.partition) {
      const partition = attempt.partition.key;
      const publish = () => publishPartition(session, {
        schema, staging: staging.table, table: io.name, column: definition.partitionColumn, partition, schemaChange: definition.schemaChange, what: `asset '${definition.key}'`,
      }, { signal: attempt.signal });
      const published = await (attempt.withAssetLock ? attempt.withAssetLock(publish) : publish());
      if (published.addedColumns.length) attempt.log.info(`added column${published.addedColumns.length > 1 ? 's' : ''} ${published.addedColumns.join(', ')} to ${schema}.${io.name} (schemaChange: 'evolve')`);
      await session.run(`drop table if exists ${stagingQuoted}`);
      location = `${schema}.${io.name}`;
    } else if (io.kind === 'table') {
      await publishTable(session, { schema, staging: staging.table, table: io.name });
      location = `${schema}.${io.name}`;
    } else {
      if (!isRawFile) {
        await exportTable(session, stagingQuoted, { format: io.format as 'parquet' | 'csv' | 'xlsx' | 'json', path: stagedFile!, finalPath, sheet: io.sheet });
        await session.run(`drop table if exists ${stagingQuoted}`);
      }
      await publishFile(stagedFile!, finalPath!);
      bytes = (await stat(finalPath!)).size;
      location = relative(project.root, finalPath!) || finalPath!;
    }
    published = true;
    await runHooks(attempt, result.postHooks, 'post-hook');
    return {
      kind: 'published',
      materialization: materializationOf(attempt, started, { kind: io.kind, location, ...(io.kind === 'file' ? { format: io.format } : {}) }, shape, metadata, bytes, result.sql),
    };
  } catch (error) {
    if (attempt.signal.aborted && !(error instanceof StepAborted)) throw new StepAborted(abortReason(attempt.signal));
    throw error;
  } finally {
    if (!published) {
      await session.run(`drop table if exists ${stagingQuoted}`).catch(() => undefined);
    }
    if (stagedFile) await rm(stagedFile, { force: true }).catch(() => undefined);
  }
}


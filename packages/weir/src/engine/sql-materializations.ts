/**
 * Materialization strategies for SQL models besides the default table: view, incremental and ephemeral.
 * Each stages, audits and publishes in its own way, and never replaces good data with data that failed a check:
 * - view: created under a staging name, checked, then `create or replace` at the target name;
 * - incremental: new rows merged into the target inside one transaction, checked there, committed or rolled back;
 * - ephemeral: nothing is built (readers inline it as a CTE); its checks run on its query;
 * - snapshot: the next state of the whole history table is staged, checked, then published like a table.
 */
import type { AssetResultObject } from '../definitions/asset-context.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { MaterializeSpec } from '../definitions/materialize.js';
import type { CheckEvaluationData, MaterializationData } from '../events/index.js';
import { WeirError, formatLocation } from '../shared/errors.js';
import { qualified, quoteIdent } from '../connectors/duckdb/quote-identifier.js';
import { describeRelation, publishTable, stagingTableName, auditTableName } from '../io/index.js';
import { incrementalApplySql, type Column } from '../loaders/dbt/materializations.js';
import { snapshotSql } from '../loaders/dbt/snapshots.js';
import type { AssetAttempt, AttemptOutcome } from './asset-step.js';
import type { DuckDbSession } from '../connectors/duckdb/duckdb-session.js';

/** What a strategy gets from the step runner: the attempt, and the runner's own compute/audit/hooks. */
export interface StrategyContext {
  attempt: AssetAttempt;
  /** Calls the asset's function; `target` is what `ctx.target` (and `{{ this }}` for staged models) names. */
  compute(target: string): Promise<AssetResultObject>;
  /** Runs every check on `relation`, emitting each evaluation; returns the blocking failures. */
  audit(relation: string): Promise<CheckEvaluationData[]>;
  runHooks(hooks: string[] | undefined, which: 'pre-hook' | 'post-hook'): Promise<void>;
  materialization(storage: MaterializationData['storage'], shape: { rowCount: number | null; columns: MaterializationData['columns'] }, metadata: Record<string, unknown>, sql?: string): MaterializationData;
  abortError(): Error;
}

/** The model's file as the user knows it (relative to the project), for error messages. */
export function modelFile(definition: AssetDefinition): { file: string } | undefined {
  const file = (definition.metadata.dbt as { file?: string } | undefined)?.file ?? definition.location?.file;
  return file ? { file } : undefined;
}

function tableIo(definition: AssetDefinition): { schema: string; name: string } {
  if (definition.io.kind !== 'table') {
    throw new WeirError(`asset '${definition.key}': a ${definition.materialize?.kind} materialization needs a table, not a file`, { code: 'INVALID_ASSET', location: definition.location, hint: "Remove io, or use materialize 'table'." });
  }
  return definition.io;
}

/**
 * A warehouse error for a SQL model, as a SQL person reads it: the model file, the line of the compiled SQL
 * and that line's text. `lineOffset` is how many lines Weir put in front of the compiled SQL in the statement.
 *
 * @example
 * sqlModelError(def, 'select 1\nfrom missing', new Error('Catalog Error: Table with name missing does not exist!\n\nLINE 2: from missing'))
 * // "models/x.sql: SQL error in model 'x' at compiled line 2 (target/compiled/p/models/x.sql:2): Catalog Error: … The line reads: from missing. …"
 */
export function sqlModelError(definition: AssetDefinition, sql: string, error: unknown, lineOffset = 0): WeirError {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0]!.trim();
  const lines = sql.split('\n');
  let line: number | undefined;
  const given = /LINE (\d+):/.exec(message);
  if (given) line = Number(given[1]) - lineOffset;
  if ((line === undefined || line < 1 || line > lines.length)) {
    line = undefined;
    // Binder and catalog errors name the identifier but not the line: find its first use.
    const name = /(?:column|name|Table with name|Referenced column) "?([A-Za-z_][\w]*)"?/i.exec(first)?.[1] ?? /"([^"]+)"/.exec(first)?.[1];
    if (name) {
      const found = lines.findIndex((l) => new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(l));
      if (found >= 0) line = found + 1;
    }
  }
  const compiledPath = (definition.metadata.dbt as { compiledPath?: string } | undefined)?.compiledPath;
  const where = line === undefined ? '' : ` at compiled line ${line}${compiledPath ? ` (${compiledPath}:${line})` : ''}`;
  const shown = line === undefined ? '' : ` The line reads: ${lines[line - 1]!.trim()}`;
  return new WeirError(`SQL error in model '${definition.key}'${where}: ${first.replace(/[.!]$/, '')}.${shown}`, {
    code: 'SQL_ERROR', location: modelFile(definition),
    hint: `Published tables are unchanged.${compiledPath ? ` The compiled SQL is in ${compiledPath}.` : ''}`, cause: error,
  });
}

/**
 * The error a run reports when an asset's SQL fails in the warehouse: a SQL model's names its file and compiled line
 * (sqlModelError); a TypeScript asset's names the asset, where it is declared, and the SQL. `weir validate` reports
 * a syntax error with this same message, without running anything.
 *
 * @example
 * assetSqlError(tsAsset, 'select * form t', new Error('Parser Error: syntax error at or near "t"')).message
 * // "asset 'orders': its SQL failed: Parser Error: syntax error at or near \"t\" (definitions/orders.ts:4). The SQL was: select * form t"
 */
export function assetSqlError(definition: AssetDefinition, sql: string, error: unknown): WeirError {
  if (definition.origin === 'sql') return sqlModelError(definition, sql, error);
  const where = definition.location ? ` (${formatLocation(definition.location)})` : '';
  return new WeirError(`asset '${definition.key}': its SQL failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}${where}`, {
    code: 'SQL_ERROR', hint: `The SQL was: ${sql.trim().slice(0, 400)}`, cause: error,
  });
}

async function runModelSql(ctx: StrategyContext, statement: string, sql: string, lineOffset = 0): Promise<void> {
  const { session, signal, definition } = ctx.attempt;
  try {
    await session.run(statement, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw ctx.abortError();
    throw sqlModelError(definition, sql, error, lineOffset);
  }
}

function requireSql(definition: AssetDefinition, result: AssetResultObject): string {
  if (typeof result.sql !== 'string') {
    throw new WeirError(`SQL model '${definition.key}' produced no SQL`, { code: 'BAD_ASSET_RESULT', location: definition.location, hint: 'A model must compile to a select statement.' });
  }
  return result.sql;
}

/** Dispatches to the strategy named by the definition. */
export async function runStrategy(spec: MaterializeSpec, ctx: StrategyContext): Promise<AttemptOutcome> {
  switch (spec.kind) {
    case 'view': return runView(spec, ctx);
    case 'incremental': return runIncremental(spec, ctx);
    case 'ephemeral': return runEphemeral(ctx);
    case 'snapshot': return runSnapshot(spec, ctx);
    default:
      throw new WeirError(`unknown materialization '${spec.kind}' for '${ctx.attempt.definition.key}'`, { code: 'INVALID_ASSET', location: ctx.attempt.definition.location, hint: "Use 'table', 'view', 'incremental', 'ephemeral' or 'snapshot'." });
  }
}

async function runEphemeral(ctx: StrategyContext): Promise<AttemptOutcome> {
  const { definition } = ctx.attempt;
  const result = await ctx.compute('');
  const sql = requireSql(definition, result);
  // Its tests inline it as a CTE themselves; the relation given to checks is its query.
  const failed = await ctx.audit(`(${sql}) as ${quoteIdent(`${definition.key.replaceAll('/', '__')}__ephemeral`)}`);
  if (failed.length) return { kind: 'check_failed', failed };
  return { kind: 'published', materialization: ctx.materialization({ kind: 'table', location: 'ephemeral (inlined as a CTE by its readers)' }, { rowCount: null, columns: [] }, { ...result.metadata, ephemeral: true }, sql) };
}

async function runView(spec: MaterializeSpec, ctx: StrategyContext): Promise<AttemptOutcome> {
  const { attempt } = ctx;
  const { session, definition, runId } = attempt;
  const io = tableIo(definition);
  const target = qualified(io.schema, io.name);
  const stagingName = stagingTableName(io.name, runId);
  const staging = qualified(io.schema, stagingName);
  await session.run(`create schema if not exists ${quoteIdent(io.schema)}`);
  await session.run(`drop view if exists ${staging}`);
  let staged = false;
  try {
    const result = await ctx.compute(target);
    const sql = requireSql(definition, result);
    await ctx.runHooks(result.preHooks, 'pre-hook');
    const publish = async () => {
      const existing = await session.relationExists(io.schema, io.name);
      await session.transaction(async () => {
        if (existing === 'table') await session.run(`drop table ${target}`);
        await session.run(`create or replace view ${target} as ${sql}`);
      });
    };
    if (spec.audit === 'publish_then_test') {
      try { await publish(); } catch (error) { throw sqlModelError(definition, sql, error); }
      await ctx.runHooks(result.postHooks, 'post-hook');
      const failed = await ctx.audit(target);
      if (failed.length) return { kind: 'check_failed', failed, published: true };
    } else {
      await runModelSql(ctx, `create view ${staging} as ${sql}`, sql);
      staged = true;
      const failed = await ctx.audit(staging);
      if (failed.length) {
        const auditName = auditTableName(io.name);
        await session.run(`drop view if exists ${qualified(io.schema, auditName)}`);
        await session.run(`drop table if exists ${qualified(io.schema, auditName)}`);
        await session.run(`alter view ${staging} rename to ${quoteIdent(auditName)}`);
        staged = false;
        return { kind: 'check_failed', failed, auditRelation: `${io.schema}.${auditName}` };
      }
      if (attempt.signal.aborted) throw ctx.abortError();
      await publish();
      await ctx.runHooks(result.postHooks, 'post-hook');
    }
    const columns = await session.query<{ column_name: string; column_type: string }>(`describe select * from ${target}`);
    // A view's row count would run its query: not recorded.
    return {
      kind: 'published',
      materialization: ctx.materialization({ kind: 'table', location: `${io.schema}.${io.name}`, format: 'view' }, { rowCount: null, columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })) }, result.metadata ?? {}, sql),
    };
  } finally {
    if (staged) await session.run(`drop view if exists ${staging}`).catch(() => undefined);
  }
}

class AuditFailed extends Error {
  constructor(readonly failed: CheckEvaluationData[]) { super('audit failed'); }
}

async function columnsOf(ctx: StrategyContext, relation: string): Promise<Column[]> {
  const rows = await ctx.attempt.session.query<{ column_name: string; column_type: string }>(`describe select * from ${relation}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/**
 * Incremental: the first build (or a full refresh) is a staged table like any other; later runs stage the new
 * rows, then merge them into the target and run the checks on the target inside one transaction, committed only
 * if no blocking check failed. On failure the new rows are kept as `<table>__weir_audit`.
 */
async function runIncremental(spec: MaterializeSpec, ctx: StrategyContext): Promise<AttemptOutcome> {
  const { attempt } = ctx;
  const { session, definition, runId } = attempt;
  const io = tableIo(definition);
  const target = qualified(io.schema, io.name);
  const result = await ctx.compute(target);
  const sql = requireSql(definition, result);
  await session.run(`create schema if not exists ${quoteIdent(io.schema)}`);
  await ctx.runHooks(result.preHooks, 'pre-hook');
  const stagingName = stagingTableName(io.name, runId);
  const staging = qualified(io.schema, stagingName);
  await session.run(`drop table if exists ${staging}`);
  let keepStaging = false;
  try {
    await runModelSql(ctx, `create table ${staging} as ${sql}`, sql);
    if (!result.incremental) {
      // First build or full refresh: write-audit-publish like a table.
      const shape = await describeRelation(session, staging);
      if (spec.audit !== 'publish_then_test') {
        const failed = await ctx.audit(staging);
        if (failed.length) return await keepAsAudit(ctx, io, stagingName, failed, () => { keepStaging = true; });
      }
      await publishTable(session, { schema: io.schema, staging: stagingName, table: io.name });
      await ctx.runHooks(result.postHooks, 'post-hook');
      if (spec.audit === 'publish_then_test') {
        const failed = await ctx.audit(target);
        if (failed.length) return { kind: 'check_failed', failed, published: true };
      }
      return { kind: 'published', materialization: ctx.materialization({ kind: 'table', location: `${io.schema}.${io.name}` }, shape, { ...result.metadata, incremental: 'full' }, sql) };
    }
    const options = spec.incremental ?? {};
    // The library's statements read the new rows from "<alias>__dbt_tmp"; a view over the staged table serves.
    const tmp = quoteIdent(`${io.name}__dbt_tmp`);
    await session.run(`create or replace temp view ${tmp} as select * from ${staging}`);
    let statements: string[];
    try {
      statements = incrementalApplySql(
        { target: { database: null, schema: io.schema, identifier: io.name }, compiledSql: sql, uniqueKey: options.uniqueKey, strategy: options.strategy, onSchemaChange: options.onSchemaChange },
        await columnsOf(ctx, target), await columnsOf(ctx, staging),
      ).filter((s) => !s.startsWith('drop table if exists'));
    } catch (error) {
      throw new WeirError(`${(error as WeirError).summary ?? (error as Error).message}`, { code: (error as WeirError).code ?? 'SQL_ERROR', location: modelFile(definition), hint: (error as WeirError).hint });
    }
    try {
      await session.transaction(async () => {
        for (const statement of statements) await session.run(statement, undefined, { signal: attempt.signal });
        if (spec.audit !== 'publish_then_test') {
          const failed = await ctx.audit(target);
          if (failed.length) throw new AuditFailed(failed);
        }
      });
    } catch (error) {
      if (error instanceof AuditFailed) return await keepAsAudit(ctx, io, stagingName, error.failed, () => { keepStaging = true; });
      if (attempt.signal.aborted) throw ctx.abortError();
      if (error instanceof WeirError) throw error;
      throw sqlModelError(definition, statements.join('\n'), error);
    } finally {
      await session.run(`drop view if exists ${tmp}`).catch(() => undefined);
    }
    await ctx.runHooks(result.postHooks, 'post-hook');
    if (spec.audit === 'publish_then_test') {
      const failed = await ctx.audit(target);
      if (failed.length) return { kind: 'check_failed', failed, published: true };
    }
    const shape = await describeRelation(session, target);
    const [added] = await session.query<{ n: number }>(`select count(*)::integer as n from ${staging}`);
    return { kind: 'published', materialization: ctx.materialization({ kind: 'table', location: `${io.schema}.${io.name}` }, shape, { ...result.metadata, incremental: options.strategy ?? (options.uniqueKey?.length ? 'delete+insert' : 'append'), rows_merged: added?.n ?? 0 }, sql) };
  } finally {
    if (!keepStaging) await session.run(`drop table if exists ${staging}`).catch(() => undefined);
  }
}

/**
 * A snapshot (dbt's type-2 history): the next state of the history — current versions closed where the row changed or
 * went away, new versions added — is computed into a staging table from the published one, checked there, and
 * published with the same drop-and-rename as a table. A failed check or an error leaves the history as it was.
 */
async function runSnapshot(spec: MaterializeSpec, ctx: StrategyContext): Promise<AttemptOutcome> {
  const { attempt } = ctx;
  const { session, definition, runId } = attempt;
  const io = tableIo(definition);
  const options = spec.snapshot;
  if (!options) throw new WeirError(`snapshot '${definition.key}' has no snapshot options`, { code: 'INVALID_ASSET', location: definition.location, hint: 'This is a bug in Weir: please report it.' });
  const target = qualified(io.schema, io.name);
  const stagingName = stagingTableName(io.name, runId);
  const staging = qualified(io.schema, stagingName);
  const result = await ctx.compute(target);
  const sql = requireSql(definition, result);
  await session.run(`create schema if not exists ${quoteIdent(io.schema)}`);
  await ctx.runHooks(result.preHooks, 'pre-hook');
  await session.run(`drop table if exists ${staging}`);
  let keepStaging = false;
  try {
    const exists = (await session.relationExists(io.schema, io.name)) === 'table';
    let columns: string[];
    try {
      columns = (await session.query<{ column_name: string }>(`describe select * from (\n${sql}\n) q`)).map((c) => c.column_name);
    } catch (error) {
      throw sqlModelError(definition, sql, error, 1);
    }
    // One instant for the whole snapshot: the run's start, as dbt's snapshot_get_time() is one per invocation.
    const snapshotTime = `cast(to_timestamp(${attempt.runStartedAt / 1000}) at time zone 'UTC' as timestamp)`;
    const statement = snapshotSql({ target: exists ? target : undefined, query: sql, columns, options, snapshotTime });
    await runModelSql(ctx, `create table ${staging} as ${statement}`, sql);
    const shape = await describeRelation(session, staging);
    if (spec.audit !== 'publish_then_test') {
      const failed = await ctx.audit(staging);
      if (failed.length) return await keepAsAudit(ctx, io, stagingName, failed, () => { keepStaging = true; });
    }
    if (attempt.signal.aborted) throw ctx.abortError();
    await publishTable(session, { schema: io.schema, staging: stagingName, table: io.name });
    await ctx.runHooks(result.postHooks, 'post-hook');
    if (spec.audit === 'publish_then_test') {
      const failed = await ctx.audit(target);
      if (failed.length) return { kind: 'check_failed', failed, published: true };
    }
    const currentWhere = options.validToCurrent ? `dbt_valid_to = (${options.validToCurrent})` : 'dbt_valid_to is null';
    const [counts] = await session.query<{ current: number }>(`select count(*) filter (where ${currentWhere})::integer as current from ${target}`);
    return {
      kind: 'published',
      materialization: ctx.materialization({ kind: 'table', location: `${io.schema}.${io.name}` }, shape, { ...result.metadata, snapshot: options.strategy, current_rows: counts?.current ?? null }, sql),
    };
  } finally {
    if (!keepStaging) await session.run(`drop table if exists ${staging}`).catch(() => undefined);
  }
}

async function keepAsAudit(ctx: StrategyContext, io: { schema: string; name: string }, stagingName: string, failed: CheckEvaluationData[], keep: () => void): Promise<AttemptOutcome> {
  const { session } = ctx.attempt;
  const auditName = auditTableName(io.name);
  const staging = qualified(io.schema, stagingName);
  await session.run(`drop table if exists ${qualified(io.schema, auditName)}`);
  await session.run(`alter table ${staging} rename to ${quoteIdent(auditName)}`);
  keep();
  return { kind: 'check_failed', failed, auditRelation: `${io.schema}.${auditName}` };
}

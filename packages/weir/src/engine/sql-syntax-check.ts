/**
 * `weir validate`'s SQL check: the SQL of every asset whose SQL can be known without running it, parsed by DuckDB
 * (nothing executed, no warehouse opened), each syntax error reported with the message a run would give.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AssetContext, AssetResult } from '../definitions/asset-context.js';
import { isLoadable } from '../definitions/asset-context.js';
import type { AssetDefinition } from '../definitions/asset.js';
import type { Definitions } from '../definitions/definitions.js';
import { WeirError, isWeirError } from '../shared/errors.js';
import { stagingTableName } from '../shared/reserved-names.js';
import { qualified } from '../connectors/duckdb/quote-identifier.js';
import { SqlParser } from '../connectors/duckdb/sql-parser.js';
import type { LoadedDbt } from '../loaders/index.js';
import { compileNode } from '../loaders/dbt/compile.js';
import { installConsoleCapture, withStepConsole } from './console-capture.js';
import { inputValueOf } from './published-location.js';
import { assetSqlError } from './sql-materializations.js';

export interface SqlSyntaxReport {
  /** One error per asset whose SQL does not parse, as a run of it would report it. */
  errors: WeirError[];
  /** Assets whose SQL parsed. */
  parsed: string[];
  /** Assets with SQL that is known only when they run, and why. */
  notChecked: Array<{ key: string; reason: string }>;
}

/** Thrown by the dry context when a function reaches for the warehouse: its SQL is known only in a real run. */
class NeedsRun extends Error {}

/**
 * Parses the SQL of SQL models (compiled as a run compiles them, as a full refresh) and of TypeScript assets whose
 * function is synchronous and does not query the warehouse: such a function only builds a string from its inputs,
 * so calling it is safe. Async functions are never called (they may fetch, write or wait).
 *
 * @example
 * const report = await checkSqlSyntax(loaded.definitions, loaded.dbt);
 * report.errors[0]?.message
 * // "asset 'revenue': its SQL failed: Parser Error: syntax error at or near \"form\" (/p/definitions/revenue.ts:3). The SQL was: …"
 */
export async function checkSqlSyntax(definitions: Definitions, dbt?: LoadedDbt): Promise<SqlSyntaxReport> {
  const report: SqlSyntaxReport = { errors: [], parsed: [], notChecked: [] };
  const parser = await SqlParser.open();
  try {
    for (const definition of definitions.assets) {
      let sql: string | undefined;
      try {
        sql = definition.origin === 'sql' ? await modelSql(definition, dbt) : typescriptSql(definition, definitions);
      } catch (error) {
        if (error instanceof NeedsRun) report.notChecked.push({ key: definition.key, reason: error.message });
        // A model that does not compile fails the same way in a run: say so now.
        else if (definition.origin === 'sql' && isWeirError(error)) report.errors.push(error);
        else report.notChecked.push({ key: definition.key, reason: 'its function threw an error' });
        continue;
      }
      if (sql === undefined) continue;
      const syntaxError = await parser.syntaxError(sql);
      if (syntaxError) {
        report.errors.push(assetSqlError(definition, sql, syntaxError));
        writeCompiledSql(definitions.project.root, definition, sql);
      }
      else report.parsed.push(definition.key);
    }
    // A SQL sensor's query: a typo would otherwise show only at its first evaluation, in the serving process.
    for (const sensor of definitions.sensors ?? []) {
      if (sensor.type !== 'sql') continue;
      const syntaxError = await parser.syntaxError(sensor.query);
      if (syntaxError) {
        report.errors.push(new WeirError(`sensor '${sensor.name}': its query does not parse: ${syntaxError.message}`, {
          code: 'SENSOR_SQL_SYNTAX', ...(sensor.location ? { location: sensor.location } : {}), hint: `Fix the query; it was: ${sensor.query}`,
        }));
      }
    }
  } finally {
    parser.close();
  }
  return report;
}

/** The message of a model's error names its compiled file (target/compiled/…), as a run's does: write it, as a run would. */
function writeCompiledSql(root: string, definition: AssetDefinition, sql: string): void {
  const compiledPath = (definition.metadata.dbt as { compiledPath?: string } | undefined)?.compiledPath;
  if (!compiledPath) return;
  try {
    const path = resolve(root, compiledPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, sql);
  } catch {
    // A convenience copy, as in a run: the message already shows the failing line.
  }
}

/** A dbt model's SQL as a run compiles it (a full refresh for incremental models); seeds have none. */
async function modelSql(definition: AssetDefinition, dbt: LoadedDbt | undefined): Promise<string | undefined> {
  const meta = definition.metadata.dbt as { uniqueId?: string; resourceType?: string } | undefined;
  if (!dbt || meta?.resourceType !== 'model' || !meta.uniqueId) return undefined;
  try {
    const compiled = await compileNode(dbt.project, meta.uniqueId, {
      resolveRelation: dbt.assets.relationName, resolveExternal: dbt.assets.resolveExternal,
      isIncremental: () => false,
      runQuery: () => { throw new NeedsRun('it runs a query (run_query or statement) while compiling'); },
    });
    return compiled.compiledCode;
  } catch (error) {
    if (isWeirError(error) && error.code === 'DBT_NEEDS_DATABASE') throw new NeedsRun('it runs a query while compiling');
    throw error;
  }
}

/** What a synchronous TypeScript asset returns as SQL, called with its real inputs and a context that cannot run. */
function typescriptSql(definition: AssetDefinition, definitions: Definitions): string | undefined {
  const { compute } = definition;
  if (compute.constructor.name === 'AsyncFunction') throw new NeedsRun('its function is async');
  const { project } = definitions;
  const inputs: Record<string, string> = {};
  for (const input of definition.inputs) {
    const upstream = definitions.assets.find((a) => a.key === input.key) ?? definitions.externals.find((e) => e.key === input.key);
    if (!upstream) return undefined;
    inputs[input.name] = inputValueOf(project, upstream);
  }
  const refuse = () => { throw new NeedsRun('its function queries the warehouse'); };
  const silent = () => undefined;
  const ctx: AssetContext = {
    runId: 'validate', runStartedAt: Date.now(), project: project.name, assetKey: definition.key, attempt: 1,
    log: { debug: silent, info: silent, warn: silent, error: silent },
    target: definition.io.kind === 'table' ? qualified(definition.io.schema, stagingTableName(definition.io.name, 'validate')) : '',
    settings: project.settings, resources: definitions.resources ?? {}, signal: new AbortController().signal,
    query: refuse, run: refuse,
  };
  // What it prints is not validate's output (and may hold a secret): discarded, as a step's console goes to its log.
  const restoreConsole = installConsoleCapture();
  let result: AssetResult | Promise<unknown>;
  try {
    result = withStepConsole(() => undefined, () => compute(inputs as never, ctx) as AssetResult | Promise<unknown>);
  } finally {
    restoreConsole();
  }
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).catch(() => undefined);
    throw new NeedsRun('its function returns a promise');
  }
  if (typeof result === 'string') return result;
  if (result && typeof result === 'object' && !Array.isArray(result) && !isLoadable(result) && typeof (result as { sql?: unknown }).sql === 'string') return (result as { sql: string }).sql;
  return undefined;
}

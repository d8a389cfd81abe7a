/**
 * A parsed dbt project as Weir definitions: every model and seed an asset (origin 'sql'), every source an observed
 * external relation, every test a check on the node it tests. SQL is compiled when the step runs (execute=true), so
 * introspective macros see the data.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defineAsset, type AssetDefinition } from '../../definitions/asset.js';
import { isValidAssetKey } from '../../definitions/asset-key.js';
import { externalRelation, type ExternalAssetDefinition } from '../../definitions/external-asset.js';
import type { AssetContext } from '../../definitions/asset-context.js';
import { check, type CheckSpec, type CustomCheckContext } from '../../definitions/check.js';
import type { AuditMode, MaterializeSpec } from '../../definitions/materialize.js';
import { WeirError } from '../../shared/errors.js';
import { hashText } from '../../shared/hash.js';
import { compileNode, renderSnippet, testResultSql, type CompileOptions } from './compile.js';
import type { QueryResult } from './context.js';
import { quoteIdent } from './materializations.js';
import { readSeed, seedSql } from './seeds.js';
import { snapshotOptions } from './snapshots.js';
import { contractChecks } from './contract-check.js';
import { unitTestChecks } from './unit-tests.js';
import { checkCsvFieldCounts, checkUtf8 } from '../../shared/check-csv-file.js';
import type { DbtModelNode, DbtNode, DbtSnapshotNode, DbtProject, DbtSeedNode, DbtSource, DbtTestNode } from './types.js';

/** How a Weir asset outside the dbt project is read from SQL. */
export interface ExternalAssetRelation { key: string; sql: string; location?: string }

export interface DbtAssetsOptions {
  /** The Weir project folder (paths in messages are relative to it). */
  root: string;
  /** The DuckDB catalog the warehouse file opens as (`dev` for dev.duckdb): relations are named in it. */
  catalog: string;
  fullRefresh?: boolean;
  audit?: AuditMode;
  /** Weir assets that models may `ref()` and that may depend on models (TypeScript assets). */
  external?: ReadonlyMap<string, ExternalAssetRelation>;
  /** Upstream keys of those assets, to order tests that read both. */
  externalUpstream?: ReadonlyMap<string, readonly string[]>;
  /** Write target/compiled files as each node compiles (dbt does too). Default: `<dbt dir>/target`. */
  targetDir?: string | null;
  /** Attach tests as checks (false for `dbt run` / `dbt seed`, which run no tests). */
  tests?: boolean;
}

export interface DbtAssets {
  assets: AssetDefinition[];
  /** Every enabled source table as an external relation, observed when a run reads it; tests of sources are its checks. */
  sources: ExternalAssetDefinition[];
  /** dbt unique id of a model or seed → asset key, and back (models and seeds only: sources are in sourceKeyOf/sourceOf). */
  keyOf: Map<string, string>;
  nodeOf: Map<string, string>;
  /** Source unique id → external asset key (`raw/orders`), and back. */
  sourceKeyOf: Map<string, string>;
  sourceOf: Map<string, string>;
  /** `<asset key>\u0000<check name>` → test unique id. */
  testOf: Map<string, string>;
  /** Test unique id → the asset key it is attached to (a model's, a seed's or a source's). */
  attachedTo: Map<string, string>;
  /** Tests attached to no node (their only parents are disabled sources): `weir dbt test` runs them on their own. */
  unattached: string[];
  /** How a model, seed or source is named in this warehouse's SQL (`"dev"."main"."orders"`). */
  relationName: (target: DbtNode | DbtSource) => string;
  /** How a ref to a Weir asset outside the dbt project is named in SQL. */
  resolveExternal: (name: string) => string;
  warnings: string[];
}

const toPosix = (p: string) => p.split(sep).join('/');
const isAsset = (node: DbtNode | undefined): node is DbtModelNode | DbtSeedNode | DbtSnapshotNode => !!node && (node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot');

/** The asset key of a model or seed: `meta.weir.key`, else its name (versions: `name_v2`, the relation's name). */
export function dbtAssetKey(node: DbtModelNode | DbtSeedNode | DbtSnapshotNode): string {
  const configured = (node.config.meta?.weir as { key?: unknown } | undefined)?.key;
  if (typeof configured === 'string' && configured) return configured;
  if (node.resourceType === 'model' && node.version !== undefined) return `${node.name}_v${node.version}`;
  return node.name;
}

/**
 * The key of a source table: `meta.weir.key`, else `<source>/<table>` (as Dagster names dbt sources), each part
 * made a valid key segment.
 *
 * @example
 * dbtSourceKey({ sourceName: 'raw', name: 'orders', meta: {} }) // 'raw/orders'
 * dbtSourceKey({ sourceName: 'erp-2', name: '2024 orders', meta: {} }) // 'erp_2/_2024_orders'
 */
export function dbtSourceKey(source: Pick<DbtSource, 'sourceName' | 'name' | 'meta'>): string {
  const configured = (source.meta?.weir as { key?: unknown } | undefined)?.key;
  if (typeof configured === 'string' && configured) return configured;
  const segment = (text: string) => {
    const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_');
    return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
  };
  return `${segment(source.sourceName)}/${segment(source.name)}`;
}

function groupOf(node: DbtNode): string {
  const configured = node.config.group ?? (node.config.meta?.weir as { group?: unknown } | undefined)?.group;
  const folder = node.fqn.length > 2 ? node.fqn[1]! : undefined;
  const raw = typeof configured === 'string' && configured ? configured : folder ?? (node.resourceType === 'seed' ? 'seeds' : 'default');
  return raw.replace(/[^A-Za-z0-9_-]/g, '_');
}

function ownersOf(project: DbtProject, node: Pick<DbtNode, 'meta' | 'config'>): string[] {
  const owners = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value) owners.add(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') add((value as { email?: unknown; name?: unknown }).email ?? (value as { name?: unknown }).name);
  };
  add(node.meta?.owner);
  add((node.meta?.weir as { owners?: unknown } | undefined)?.owners);
  const group = node.config.group;
  if (typeof group === 'string') {
    const entry = Object.values(project.unused.groups ?? {}).find((g) => (g as { name?: string }).name === group) as { owner?: unknown } | undefined;
    add(entry?.owner);
  }
  return [...owners];
}

/** Rows of a query as the agate-like table dbt's run_query returns (for compiles in a step, a check or a CLI verb). */
export async function asQueryResult(ctx: Pick<AssetContext, 'query'> | Pick<CustomCheckContext, 'query'>, sql: string): Promise<QueryResult> {
  const rows = await ctx.query<Record<string, unknown>>(sql);
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  return { columns, rows: rows.map((r) => columns.map((c) => r[c])) };
}

/**
 * Builds the definitions.
 *
 * @example
 * const { assets } = dbtAssets(loadDbtProject('shop'), { root: 'shop', catalog: 'dev' });
 * assets.map((a) => `${a.key}:${a.materialize?.kind ?? 'table'}`) // ['raw_orders:table', 'stg_orders:view', 'customers:table', …]
 */
export function dbtAssets(project: DbtProject, options: DbtAssetsOptions): DbtAssets {
  const warnings: string[] = [];
  const external = options.external ?? new Map<string, ExternalAssetRelation>();
  const targetDir = options.targetDir === undefined ? join(project.dir, 'target') : options.targetDir;
  const audit = options.audit ?? 'staged';
  const display = (file: string) => toPosix(relative(options.root, file)) || file;
  const keyOf = new Map<string, string>();
  const nodeOf = new Map<string, string>();
  const testOf = new Map<string, string>();
  const attachedTo = new Map<string, string>();
  const assetNodes = [...project.nodes.values()].filter(isAsset);
  for (const node of assetNodes) {
    const key = dbtAssetKey(node);
    const other = nodeOf.get(key);
    if (other) {
      throw new WeirError(`dbt ${node.resourceType} '${node.name}' and ${other} would both be asset '${key}'`, {
        code: 'DUPLICATE_ASSET_KEY', location: { file: display(node.absolutePath) }, hint: "Give one of them another key with meta: { weir: { key: '…' } }.",
      });
    }
    if (node.database !== null && node.database !== project.target.database) {
      throw new WeirError(`${node.resourceType} '${node.name}' is configured for database '${node.database}', but Weir builds every model in the target's database '${project.target.database}'`, {
        code: 'DBT_DATABASE_NOT_SUPPORTED', location: { file: display(node.absolutePath) }, hint: 'Remove the database config (schemas are supported).',
      });
    }
    keyOf.set(node.uniqueId, key);
    nodeOf.set(key, node.uniqueId);
  }
  const quoted = (database: string | null, schema: string, identifier: string) =>
    [database === null || database === project.target.database ? options.catalog : database, schema, identifier].map(quoteIdent).join('.');
  const relationName = (target: DbtNode | DbtSource): string =>
    target.resourceType === 'source' ? quoted(target.database, target.schema, target.identifier) : quoted(target.database, target.schema, target.alias);
  const resolveExternal = (name: string) => external.get(name)?.sql ?? name;

  // ---- sources: one external relation each (built below, once their tests are known) ----
  const sourceKeyOf = new Map<string, string>();
  const sourceOf = new Map<string, string>();
  const enabledSources = [...project.sources.values()].filter((s) => s.config.enabled !== false);
  for (const source of enabledSources) {
    const key = dbtSourceKey(source);
    const file = display(join(project.dir, source.originalFilePath));
    const other = nodeOf.get(key) ?? sourceOf.get(key);
    if (other || !isValidAssetKey(key)) {
      throw new WeirError(other ? `source ${source.sourceName}.${source.name} and ${other} would both be asset '${key}'` : `source ${source.sourceName}.${source.name} has key '${key}', which is not a valid asset key`, {
        code: other ? 'DUPLICATE_ASSET_KEY' : 'INVALID_ASSET', location: { file, line: source.location.line },
        hint: other ? "Give one of them another key with meta: { weir: { key: '…' } }." : 'Use letters, digits and _, with / between parts.',
      });
    }
    sourceKeyOf.set(source.uniqueId, key);
    sourceOf.set(key, source.uniqueId);
  }

  // ---- where each test runs: on the parent built last, once all its parents are built ----
  const upstreamKeys = (node: DbtNode): string[] => [
    ...node.dependsOn.nodes.map((id) => keyOf.get(id) ?? sourceKeyOf.get(id)).filter((k): k is string => !!k),
    ...(node.externalRefs ?? []),
  ];
  const parentsOf = new Map<string, string[]>();
  for (const node of assetNodes) parentsOf.set(keyOf.get(node.uniqueId)!, upstreamKeys(node));
  for (const [key, ups] of options.externalUpstream ?? []) if (!parentsOf.has(key)) parentsOf.set(key, [...ups]);
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (key: string, seen = new Set<string>()): Set<string> => {
    const cached = ancestors.get(key);
    if (cached) return cached;
    const out = new Set<string>();
    if (seen.has(key)) return out;
    seen.add(key);
    for (const up of parentsOf.get(key) ?? []) { out.add(up); for (const a of ancestorsOf(up, seen)) out.add(a); }
    ancestors.set(key, out);
    return out;
  };
  const checksByKey = new Map<string, CheckSpec[]>();
  const unattached: string[] = [];
  const extraDeps = new Map<string, Set<string>>();
  if (options.tests !== false) {
    for (const test of project.nodes.values()) {
      if (test.resourceType !== 'test') continue;
      const parents = upstreamKeys(test);
      const candidates = parents.filter((k) => nodeOf.has(k));
      const attachedKey = test.attachedNode ? keyOf.get(test.attachedNode) ?? sourceKeyOf.get(test.attachedNode) : undefined;
      let host: string | undefined;
      if (!candidates.length) {
        // Only sources among its parents: a check of the source (of the one it is declared on), run when the source is
        // observed. Sources are read in place, never staged, so other source parents need no order.
        const sourceParents = parents.filter((k) => sourceOf.has(k));
        host = attachedKey && sourceParents.includes(attachedKey) ? attachedKey : sourceParents[0];
        if (!host) {
          unattached.push(test.uniqueId);
          continue;
        }
      } else {
        // The attached node when every other parent can be built before it; else the parent nothing else depends on.
        const fits = (k: string) => parents.every((p) => p === k || !ancestorsOf(p).has(k));
        host = attachedKey && candidates.includes(attachedKey) && fits(attachedKey) ? attachedKey : candidates.find(fits);
        if (!host) {
          warnings.push(`${display(test.absolutePath)}: test '${test.name}' has parents that depend on each other through TypeScript assets; skipped`);
          continue;
        }
        // Every other parent (a source included: it is then observed first) runs before the host.
        for (const p of parents) {
          if (p !== host && !ancestorsOf(host).has(p)) {
            const deps = extraDeps.get(host) ?? new Set<string>();
            deps.add(p);
            extraDeps.set(host, deps);
            ancestors.clear();
            parentsOf.set(host, [...(parentsOf.get(host) ?? []), p]);
          }
        }
      }
      const hostId = nodeOf.get(host) ?? sourceOf.get(host)!;
      const spec = testCheck(project, test, hostId, { relationName, resolveExternal, display });
      const list = checksByKey.get(host) ?? [];
      if (list.some((c) => c.name === spec.name)) {
        warnings.push(`${display(test.absolutePath)}: a second test named '${test.name}' on '${host}'; skipped`);
        continue;
      }
      list.push(spec);
      checksByKey.set(host, list);
      testOf.set(`${host}\u0000${spec.name}`, test.uniqueId);
      attachedTo.set(test.uniqueId, host);
    }
  }

  const projectFingerprint = JSON.stringify({ vars: project.vars, target: project.target.name, schema: project.target.schema });
  const assets: AssetDefinition[] = [];
  for (const node of assetNodes) {
    const key = keyOf.get(node.uniqueId)!;
    const deps = [...new Set([...upstreamKeys(node), ...(extraDeps.get(key) ?? [])])];
    const compiledPath = targetDir ? join(targetDir, 'compiled', node.packageName, node.originalFilePath) : undefined;
    const materialized = node.resourceType === 'seed' ? 'seed' : String(node.config.materialized);
    let materialize: MaterializeSpec | undefined;
    if (node.resourceType === 'model') {
      if (!['table', 'view', 'incremental', 'ephemeral'].includes(materialized)) {
        throw new WeirError(`model '${node.name}' uses materialized='${materialized}', which Weir does not support yet`, {
          code: 'DBT_MATERIALIZATION_NOT_SUPPORTED', location: { file: display(node.absolutePath) }, hint: "Use 'table', 'view', 'incremental' or 'ephemeral'.",
        });
      }
      const uniqueKey = node.config.unique_key;
      materialize = {
        kind: materialized as MaterializeSpec['kind'], audit,
        ...(materialized === 'incremental' ? {
          incremental: {
            ...(uniqueKey ? { uniqueKey: (Array.isArray(uniqueKey) ? uniqueKey : [uniqueKey]).map(String) } : {}),
            ...(node.config.incremental_strategy ? { strategy: node.config.incremental_strategy as 'append' | 'delete+insert' | 'merge' } : {}),
            ...(node.config.on_schema_change ? { onSchemaChange: node.config.on_schema_change } : {}),
          },
        } : {}),
      };
    } else if (node.resourceType === 'snapshot') {
      materialize = { kind: 'snapshot', audit, snapshot: snapshotOptions(node, display(node.absolutePath)) };
    } else if (audit === 'publish_then_test') materialize = { kind: 'table', audit };
    const compute = node.resourceType === 'seed'
      ? seedCompute(node, display(node.absolutePath))
      : modelCompute(project, node, { relationName, resolveExternal, fullRefresh: options.fullRefresh, compiledPath });
    const weirMeta = node.meta?.weir as { key?: unknown } | undefined;
    assets.push(defineAsset({
      key,
      deps,
      ...(node.description ? { description: node.description } : {}),
      owners: ownersOf(project, node),
      tags: node.tags,
      group: groupOf(node),
      kinds: ['duckdb', node.resourceType === 'seed' ? 'seed' : node.resourceType === 'snapshot' ? 'snapshot' : 'sql model'],
      io: { schema: node.schema, table: node.alias },
      // Unit tests first: they say whether the model's logic is right before its data is looked at.
      checks: [
        ...(options.tests !== false ? unitTestChecks(project, project.unitTests, node.uniqueId, { relationName, resolveExternal }) : []),
        ...(node.resourceType === 'model' ? contractChecks(node, display(node.absolutePath)) : []),
        ...checksByKey.get(key) ?? [],
      ],
      // The file, its config and what it reads; vars and the target too, since the SQL may depend on them.
      codeVersion: hashText(node.checksum, JSON.stringify(node.config), JSON.stringify(deps), projectFingerprint).slice(0, 16),
      metadata: {
        dbt: {
          uniqueId: node.uniqueId, resourceType: node.resourceType, materialized, fqn: node.fqn, file: display(node.absolutePath),
          relation: materialized === 'ephemeral' ? null : quoted(node.database, node.schema, node.alias),
          config: { materialized, ...(node.config.incremental_strategy ? { incremental_strategy: node.config.incremental_strategy } : {}), ...(node.config.unique_key ? { unique_key: node.config.unique_key } : {}) },
          sources: node.sources.map(([s, t]) => `${s}.${t}`),
          ...(compiledPath ? { compiledPath: display(compiledPath) } : {}),
          ...(weirMeta?.key ? { name: node.name } : {}),
        },
      },
    }, compute, { origin: 'sql', location: { file: node.absolutePath }, code: node.rawCode, ...(materialize ? { materialize } : {}) }));
  }
  const sources = enabledSources.map((source) => sourceAsset(project, source, {
    key: sourceKeyOf.get(source.uniqueId)!, catalog: source.database === null || source.database === project.target.database ? undefined : source.database,
    checks: checksByKey.get(sourceKeyOf.get(source.uniqueId)!) ?? [], file: display(join(project.dir, source.originalFilePath)), relation: relationName(source),
  }));
  if (unattached.length) warnings.push(`${unattached.length} test${unattached.length > 1 ? 's' : ''} of disabled sources (${unattached.map((id) => project.nodes.get(id)!.name).slice(0, 3).join(', ')}${unattached.length > 3 ? ', …' : ''}) run with \`weir dbt test\` only`);
  return { assets, sources, keyOf, nodeOf, sourceKeyOf, sourceOf, testOf, attachedTo, unattached, relationName, resolveExternal, warnings };
}

/**
 * A source table as an external relation: observed (it must exist; rows, columns and a content hash are recorded)
 * by every run that reads it, with its tests as checks. Freshness (`loaded_at_field`) is not evaluated.
 */
function sourceAsset(project: DbtProject, source: DbtSource, options: { key: string; catalog?: string; checks: CheckSpec[]; file: string; relation: string }): ExternalAssetDefinition {
  const configured = source.config.group ?? (source.meta?.weir as { group?: unknown } | undefined)?.group;
  // The yml file's first folder under the resource path, as for models; sources declared at the top: 'default'.
  const folder = source.fqn.length > 3 ? source.fqn[1]! : undefined;
  const group = (typeof configured === 'string' && configured ? configured : folder ?? 'default').replace(/[^A-Za-z0-9_-]/g, '_');
  const description = source.description || source.sourceDescription;
  return externalRelation({
    key: options.key,
    relation: { ...(options.catalog ? { catalog: options.catalog } : {}), schema: source.schema, table: source.identifier },
    checks: options.checks,
    ...(description ? { description } : {}),
    owners: ownersOf(project, { meta: source.meta, config: source.config as DbtNode['config'] }),
    tags: source.tags,
    group,
    kinds: ['duckdb', 'dbt source'],
    origin: 'sql',
    location: { file: options.file, line: source.location.line },
    metadata: {
      dbt: {
        uniqueId: source.uniqueId, resourceType: 'source', sourceName: source.sourceName, name: source.name, fqn: source.fqn,
        file: options.file, relation: options.relation, identifier: source.identifier,
        ...(source.loader ? { loader: source.loader } : {}),
        ...(source.loadedAtField ? { loadedAtField: source.loadedAtField } : {}),
      },
    },
  });
}

interface Naming {
  relationName: (target: DbtNode | DbtSource) => string;
  resolveExternal: (name: string) => string;
}

function modelCompute(project: DbtProject, node: DbtModelNode | DbtSnapshotNode, naming: Naming & { fullRefresh?: boolean; compiledPath?: string }) {
  return async (_inputs: Record<string, string>, ctx: AssetContext) => {
    let exists = false;
    if (node.config.materialized === 'incremental') {
      const rows = await ctx.query<{ n: number }>(
        'select count(*)::integer as n from duckdb_tables() where lower(schema_name) = lower(?) and lower(table_name) = lower(?) and not temporary',
        [node.schema, node.alias],
      );
      exists = (rows[0]?.n ?? 0) > 0;
    }
    // dbt: the model's full_refresh config wins over the flag (false protects a table from --full-refresh).
    const fullRefresh = node.config.full_refresh === false ? false : node.config.full_refresh === true || !!naming.fullRefresh;
    const options: CompileOptions = {
      resolveRelation: naming.relationName, resolveExternal: naming.resolveExternal, fullRefresh,
      runQuery: (sql) => asQueryResult(ctx, sql), isIncremental: () => exists,
      invocation: { id: ctx.runId, startedAt: new Date(ctx.runStartedAt) },
    };
    const compiled = await compileNode(project, node.uniqueId, options, new Map());
    // Written in the background: a synchronous write costs ~1.5 ms per model on a busy disk, and nothing in the
    // step reads the file (error messages only name it).
    if (naming.compiledPath) void writeCompiledFile(naming.compiledPath, compiled.compiledCode);
    const hooks = (list: DbtModelNode['config']['pre_hook']) => Promise.all(list.map((h) => renderSnippet(project, node, h.sql, options)));
    return {
      sql: compiled.compiledCode,
      preHooks: await hooks(node.config.pre_hook ?? []),
      postHooks: await hooks(node.config.post_hook ?? []),
      incremental: exists && !fullRefresh,
      metadata: { dbt_unique_id: node.uniqueId },
    };
  };
}

const createdDirs = new Set<string>();
async function writeCompiledFile(path: string, sql: string): Promise<void> {
  try {
    const dir = dirname(path);
    if (!createdDirs.has(dir)) { await mkdir(dir, { recursive: true }); createdDirs.add(dir); }
    await writeFile(path, sql);
  } catch {
    // target/compiled is a convenience copy; the SQL is also recorded with the materialization.
  }
}

const SEED_PLACEHOLDER = { database: null, schema: '__weir_seed__', identifier: '__weir_target__' };

function seedCompute(node: DbtSeedNode, file: string) {
  return async (_inputs: Record<string, string>, ctx: AssetContext) => {
    const delimiter = typeof node.config.delimiter === 'string' ? node.config.delimiter : ',';
    // The checks load.csv makes, with the same messages: a seed in another encoding or with ragged rows fails
    // naming the line, where reading it as UTF-8 would have turned bytes into U+FFFD without a word.
    await checkUtf8(node.absolutePath, 'seed', ctx.signal, 'Nothing was loaded from it. dbt reads seeds as UTF-8: save the file as UTF-8.');
    await checkCsvFieldCounts(node.absolutePath, { delimiter, quote: '"', escape: '', skipRows: 0, comment: '' }, {
      header: true, signal: ctx.signal,
      hint: `Nothing was loaded from it. Fix the file: every row needs as many fields as the header (a value holding the delimiter '${delimiter === '\t' ? '\\t' : delimiter}' needs quotes).`,
    });
    const table = readSeed(readFileSync(node.absolutePath, 'utf8'), { columnTypes: node.config.column_types, delimiter, file });
    // seedSql names the relation; the staging table is ctx.target. Its first two statements (schema, drop) Weir does.
    const placeholder = '"__weir_seed__"."__weir_target__"';
    for (const statement of seedSql(SEED_PLACEHOLDER, table).slice(2)) await ctx.run(statement.split(placeholder).join(ctx.target));
    return { metadata: { dbt_unique_id: node.uniqueId, seed_columns: Object.fromEntries(table.columns.map((c) => [c.name, c.type])) } };
  };
}

const SAMPLE_ROWS = 5;

/** A dbt test as a check: its failing-rows query, on the staged relation of the asset it runs with. */
function testCheck(project: DbtProject, test: DbtTestNode, hostId: string, naming: Naming & { display: (file: string) => string }): CheckSpec {
  const severity = String(test.config.severity ?? 'ERROR').toUpperCase() === 'WARN' ? 'warn' : 'error';
  const description = test.testMetadata
    ? `dbt test ${test.testMetadata.namespace ? `${test.testMetadata.namespace}.` : ''}${test.testMetadata.name}${test.columnName ? ` on ${test.columnName}` : ''} (${naming.display(test.absolutePath)})`
    : `dbt singular test ${naming.display(test.absolutePath)}`;
  return check(test.name, async (ctx) => {
    const compiled = await compileNode(project, test.uniqueId, {
      resolveRelation: (n) => (n.uniqueId === hostId ? ctx.relation : naming.relationName(n)),
      resolveExternal: naming.resolveExternal,
      runQuery: (sql) => asQueryResult(ctx, sql),
    }, new Map());
    const failingSql = compiled.compiledCode;
    const [result] = await ctx.query<{ failures: unknown; should_warn: unknown; should_error: unknown }>(testResultSql(test, failingSql));
    const failures = Number(result?.failures ?? 0);
    const shouldWarn = result?.should_warn === true;
    const shouldError = result?.should_error === true;
    if (test.config.store_failures) {
      const schema = test.schema;
      await ctx.query(`create schema if not exists ${quoteIdent(schema)}`);
      await ctx.query(`create or replace table ${quoteIdent(schema)}.${quoteIdent(test.alias)} as ${failingSql}`);
    }
    const samples = failures > 0 ? await ctx.query(`select * from (\n${failingSql}\n) dbt_internal_sample limit ${SAMPLE_ROWS}`) : [];
    const failed = severity === 'error' ? shouldError : shouldWarn;
    const rows = `${failures} failing row${failures === 1 ? '' : 's'}`;
    const message = failed ? `${rows}${test.config.error_if && test.config.error_if !== '!= 0' ? ` (error_if ${test.config.error_if})` : ''}`
      : shouldWarn ? `${rows}: warning only (warn_if ${test.config.warn_if ?? '!= 0'}, error_if ${test.config.error_if ?? '!= 0'})` : 'passed';
    return { passed: !failed, isWarning: !failed && shouldWarn, observed: failures, expected: 0, failingRows: failures, samples, message };
  }, { severity, description });
}

/** Resolves a relation given relative to a folder (the dbt-duckdb rule for `path:` in profiles.yml). */
export function warehouseFileOf(projectDir: string, path: string): string | null {
  if (!path || path.startsWith(':memory:') || path === ':memory:') return null;
  return resolve(projectDir, path);
}

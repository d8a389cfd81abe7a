/** `asset()`: the TypeScript way to declare a data asset. Produces a frozen, validated definition. */
import { z } from 'zod';
import { WeirError, type SourceLocation } from '../shared/errors.js';
import { callerLocation } from '../shared/source-location.js';
import { parseDuration } from '../shared/duration.js';
import { hashText } from '../shared/hash.js';
import { DEFINITION_BRAND, brandOf } from './brand.js';
import { defaultTableName, isValidAssetKey, type AssetKey } from './asset-key.js';
import { formatFromPath, type IoOption, type IoSpec } from './io.js';
import type { CheckSpec } from './check.js';
import type { MaterializeSpec } from './materialize.js';
import type { AssetContext, AssetResult } from './asset-context.js';
import { FRESHNESS_SHAPE, freshnessOptionSchema, resolveFreshness, type FreshnessOption, type FreshnessPolicy } from './freshness-policy.js';
import { AUTOMATION_SHAPE, automationSchema, checkCronAndZone, type AutomationOption } from './schedule.js';
import { resolveRunRetry, RUN_RETRY_SHAPE, runRetrySchema, type RunRetryOptions, type RunRetryPolicy } from './run-retry.js';
import { isPartitionsDefinition, type PartitionsDefinition } from './partitions.js';
import { resolvePartitionMapping, SAME_MAPPING, type PartitionMapping, type PartitionMappingOption } from './partition-mapping.js';

/** A reference to another asset: its definition object or its key. */
export type AssetRef = string | { readonly key: AssetKey };

/** An input or dep: an asset, or an asset with the partitions of it that each partition reads. */
export type AssetDependency = AssetRef | { readonly asset: AssetRef; readonly partitions?: PartitionMappingOption };

/** The column a partitioned table asset keeps each row's partition key in, unless it sets `partitionColumn`. */
export const DEFAULT_PARTITION_COLUMN = 'weir_partition';

/** What a partition whose columns differ from the published table's does: fail (default) or add the new columns. */
export type SchemaChange = 'fail' | 'evolve';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  max: number;
  /** Delay before the first retry; doubles each time when `backoff` is 'exponential'. */
  delayMs: number;
  backoff: 'fixed' | 'exponential';
}

export type Origin = 'typescript' | 'sql' | 'yaml';

export interface AssetOptions<I extends Record<string, AssetDependency> = Record<string, AssetDependency>> {
  key: AssetKey;
  /** Upstream assets whose values the function receives, by argument name (`{ asset, partitions }` to map partitions). */
  inputs?: I;
  /** Upstream assets that must be materialized first, without passing their value. */
  deps?: AssetDependency[];
  /** Partitions: each run materializes one of them (`timePartitions()`, `staticPartitions()`, `multiPartitions()`). */
  partitions?: PartitionsDefinition;
  /** For a partitioned table asset: the column holding each row's partition key (default `weir_partition`). */
  partitionColumn?: string;
  /** For a partitioned table asset: 'evolve' adds new columns of a partition to the table instead of failing. */
  schemaChange?: SchemaChange;
  description?: string;
  owners?: string[];
  tags?: string[];
  group?: string;
  /** Shown in the graph, e.g. ['duckdb', 'excel']. */
  kinds?: string[];
  io?: IoOption;
  checks?: CheckSpec[];
  /** A number of retries, or a policy. */
  retry?: number | { max: number; delay?: string | number; backoff?: 'fixed' | 'exponential' };
  /** '30s', '5m', or milliseconds. */
  timeout?: string | number;
  /**
   * When a run fails at this asset on a transient error, launch it again from the failed steps (a new run, trigger
   * 'retry'): `{ max: 3, delay: '1m', backoff: 'exponential', on: ['defaults', 'HTTP 503'] }`. Step `retry` happens
   * inside the run; this happens after it.
   */
  runRetry?: RunRetryOptions;
  /** Bump to mark the logic changed when the function text alone does not show it. */
  codeVersion?: string;
  metadata?: Record<string, unknown>;
  /**
   * A loaded input (`load.csv(…)`, `load.excel(…)`, …) that comes back with no rows fails the step when the last
   * materialization had rows, so an empty export never replaces good data; `true` publishes it anyway.
   */
  allowEmpty?: boolean;
  /** How old its data may be: `{ maxLag: '26h' }`, or `{ cron: '0 6 * * *', timezone, deadline: '2h' }` (due by 08:00). */
  freshness?: FreshnessOption;
  /**
   * When the asset runs by itself: `{ cron, timezone?, catchup? }` (a schedule of this asset), `'eager'` or
   * `{ onCron, timezone? }` (declarative automation).
   */
  automation?: AutomationOption;
}

/** Values the function receives: a quoted table name for table assets, a path for file assets. */
export type InputValues<I> = { [K in keyof I]: string };

export type AssetFn<I> = (inputs: InputValues<I>, ctx: AssetContext) => AssetResult | Promise<AssetResult>;

export interface AssetInput { name: string; key: AssetKey; partitions: PartitionMapping }

/** One upstream dependency (an input or a dep) and the partitions of it each partition reads. */
export interface AssetDependencyMapping { key: AssetKey; partitions: PartitionMapping; input?: string }

export interface AssetDefinition {
  readonly [DEFINITION_BRAND]: 'asset';
  readonly key: AssetKey;
  readonly inputs: readonly AssetInput[];
  /**
   * Every upstream key: inputs first, then deps. The asset's own key (an input of its previous partitions, as
   * month-over-month reads last month) is not in it: it orders nothing.
   */
  readonly upstream: readonly AssetKey[];
  /** Every input and dep with its partition mapping ('same' unless given), in declaration order. */
  readonly dependencies: readonly AssetDependencyMapping[];
  readonly partitions?: PartitionsDefinition;
  /** For partitioned table assets: the partition column. */
  readonly partitionColumn: string;
  readonly schemaChange: SchemaChange;
  readonly description?: string;
  readonly owners: readonly string[];
  readonly tags: readonly string[];
  readonly group: string;
  readonly kinds: readonly string[];
  readonly io: IoSpec;
  readonly checks: readonly CheckSpec[];
  readonly retry: RetryPolicy;
  /** Run-level retry when a run fails at this asset (see AssetOptions.runRetry); absent: none. */
  readonly runRetry?: RunRetryPolicy;
  readonly timeoutMs?: number;
  /** Hash of the function text and the options that shape its output, unless set by the user. */
  readonly codeVersion: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Publish a loaded input that became empty (see `AssetOptions.allowEmpty`). */
  readonly allowEmpty: boolean;
  /** Evaluated continuously by the freshness loop; a violation shows on the asset and raises an alert. */
  readonly freshness?: FreshnessPolicy;
  /** As written (validated): see `AssetOptions.automation`. */
  readonly automation?: AutomationOption;
  readonly origin: Origin;
  /** Where it was declared, for errors and the UI. */
  readonly location?: SourceLocation;
  /** Code shown in the UI: the function text, or the SQL for models. */
  readonly code?: string;
  /**
   * The declaration as the user wrote it (`export const orders = asset(…);`), cut out of their file by the loader;
   * absent when it could not be read. `code` is the compiled function (renamed by the bundler), which `codeVersion`
   * hashes.
   */
  readonly source?: string;
  /** How the computed SQL is published; absent means 'table' (write-audit-publish), what TypeScript assets use. */
  readonly materialize?: MaterializeSpec;
  readonly compute: AssetFn<Record<string, AssetDependency>>;
}

const refSchema = z.union([z.string(), z.object({ key: z.string() }).loose()]);
const dependencySchema = z.union([refSchema, z.strictObject({ asset: refSchema, partitions: z.unknown().optional() })]);
const optionsSchema = z.strictObject({
  key: z.string(),
  inputs: z.record(z.string(), dependencySchema).optional(),
  deps: z.array(dependencySchema).optional(),
  partitions: z.custom<PartitionsDefinition>(isPartitionsDefinition, 'not a partitions definition').optional(),
  partitionColumn: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only, not starting with a digit').optional(),
  schemaChange: z.enum(['fail', 'evolve']).optional(),
  description: z.string().optional(),
  owners: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  group: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').optional(),
  kinds: z.array(z.string()).optional(),
  io: z.union([
    z.literal('table'),
    z.strictObject({ table: z.string().optional(), schema: z.string().optional() }),
    z.strictObject({ path: z.string().min(1), format: z.enum(['parquet', 'csv', 'xlsx', 'json', 'raw']).optional(), sheet: z.string().optional() }),
  ]).optional(),
  checks: z.array(z.any()).optional(),
  retry: z.union([z.number().int().min(0), z.strictObject({ max: z.number().int().min(0), delay: z.union([z.string(), z.number()]).optional(), backoff: z.enum(['fixed', 'exponential']).optional() })]).optional(),
  timeout: z.union([z.string(), z.number()]).optional(),
  runRetry: runRetrySchema.optional(),
  codeVersion: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  allowEmpty: z.boolean().optional(),
  freshness: freshnessOptionSchema.optional(),
  automation: automationSchema.optional(),
});

// What each option looks like, for error messages that say what to write instead.
const EXPECTED_SHAPE: Record<string, string> = {
  retry: "a number of retries, or { max, delay: '1s', backoff: 'exponential' | 'fixed' }",
  timeout: "a duration such as '30s' or '5m', or milliseconds",
  runRetry: RUN_RETRY_SHAPE,
  io: "'table', { table, schema }, or { path, format?, sheet? }",
  inputs: "{ name: asset, key, or { asset, partitions: 'same' | 'all' | { offset: -1 } } }",
  deps: "a list of assets, keys, or { asset, partitions: 'same' | 'all' | { offset: -1 } }",
  partitions: 'timePartitions({ … }), staticPartitions([…]) or multiPartitions({ … })',
  schemaChange: "'fail' or 'evolve'",
  tags: 'a list of strings',
  owners: 'a list of strings',
  kinds: 'a list of strings',
  allowEmpty: 'true or false',
  freshness: FRESHNESS_SHAPE,
  automation: AUTOMATION_SHAPE,
};

export function refKey(ref: AssetRef): AssetKey {
  return typeof ref === 'string' ? ref : ref.key;
}

function dependencyRef(dependency: AssetDependency): { ref: AssetRef; partitions?: unknown } {
  return typeof dependency === 'object' && 'asset' in dependency ? { ref: dependency.asset, partitions: dependency.partitions } : { ref: dependency };
}

/**
 * Every input and dep with its mapping, checked against the asset's own partitions where that needs no other asset
 * (mismatches between two assets are the graph's to report). Reading the asset itself is a cycle the graph reports,
 * except for its own earlier partitions (`{ offset: -1 }`).
 */
function resolveDependencies(options: AssetOptions, location: SourceLocation | undefined): AssetDependencyMapping[] {
  const entries: Array<{ dependency: AssetDependency; input?: string }> = [
    ...Object.entries(options.inputs ?? {}).map(([input, dependency]) => ({ dependency, input })),
    ...(options.deps ?? []).map((dependency) => ({ dependency })),
  ];
  return entries.map(({ dependency, input }) => {
    const { ref, partitions } = dependencyRef(dependency);
    const key = refKey(ref);
    const what = `asset '${options.key}', ${input ? `input '${input}'` : `dep '${key}'`}`;
    const mapping = partitions === undefined ? SAME_MAPPING : resolvePartitionMapping(partitions, what, location);
    if (mapping.kind === 'offset' && !options.partitions) {
      throw invalid(`${what}: an offset dependency needs the asset itself to be partitioned`, location, "Add partitions: to the asset, or use partitions: 'all'.");
    }
    return { key, partitions: mapping, ...(input ? { input } : {}) };
  });
}

/** Whether a path differs for every partition: it names the key, the period's start, or every dimension. */
function pathNamesEveryPartition(path: string, partitions: PartitionsDefinition): boolean {
  const named = new Set([...path.matchAll(/\$\{\s*partition\.([A-Za-z0-9_.]+)\s*\}|\{\{\s*partition\.([A-Za-z0-9_.]+)\s*\}\}/g)].map((m) => m[1] ?? m[2]));
  if (named.has('key')) return true;
  if (partitions.kind === 'multi') return partitions.dimensions.every((d) => named.has(`dimensions.${d.name}`) || (d.definition.kind === 'time' && named.has('start')));
  return partitions.kind === 'time' && named.has('start');
}

/** A partitioned file asset writes one file per partition: its path must say where each goes. */
function checkPartitionedIo(options: AssetOptions, io: IoSpec, location: SourceLocation | undefined): void {
  if (!options.partitions) {
    if (options.partitionColumn !== undefined || options.schemaChange !== undefined) {
      throw invalid(`asset '${options.key}': partitionColumn and schemaChange apply to partitioned assets only`, location, 'Add partitions: to the asset, or remove them.');
    }
    return;
  }
  if (io.kind === 'file' && !pathNamesEveryPartition(io.path, options.partitions)) {
    throw invalid(`asset '${options.key}' is partitioned, but its file ${io.path} is the same for every partition`, location,
      "Put the partition in the path, e.g. io: { path: 'output/${partition.key}/revenue.xlsx' } (or every dimension: ${partition.dimensions.region}): each partition keeps its own file.");
  }
  if (io.kind === 'file' && (options.partitionColumn !== undefined || options.schemaChange !== undefined)) {
    throw invalid(`asset '${options.key}': partitionColumn and schemaChange apply to table assets only`, location, 'A file asset writes one file per partition; remove them.');
  }
}

function invalid(summary: string, location: SourceLocation | undefined, hint: string): WeirError {
  return new WeirError(summary, { code: 'INVALID_ASSET', location, hint });
}

function resolveIo(key: AssetKey, io: IoOption | undefined, location?: SourceLocation): IoSpec {
  if (io === undefined || io === 'table') return { kind: 'table', schema: 'main', name: defaultTableName(key) };
  if ('path' in io) {
    const format = io.format ?? formatFromPath(io.path);
    if (!format) {
      throw invalid(`asset '${key}': cannot tell the file format of '${io.path}'`, location, "Use a .parquet, .csv, .xlsx or .json path, or set io.format ('raw' if the function writes the file itself).");
    }
    return { kind: 'file', path: io.path, format, ...(io.sheet ? { sheet: io.sheet } : {}) };
  }
  return { kind: 'table', schema: io.schema ?? 'main', name: io.table ?? defaultTableName(key) };
}

function resolveRetry(retry: AssetOptions['retry']): RetryPolicy {
  if (retry === undefined) return { max: 0, delayMs: 1000, backoff: 'exponential' };
  if (typeof retry === 'number') return { max: retry, delayMs: 1000, backoff: 'exponential' };
  return { max: retry.max, delayMs: retry.delay === undefined ? 1000 : parseDuration(retry.delay), backoff: retry.backoff ?? 'exponential' };
}

function resolveFreshnessOption(options: AssetOptions, location: SourceLocation | undefined): FreshnessPolicy | undefined {
  if (options.freshness === undefined) return undefined;
  try {
    return resolveFreshness(options.freshness);
  } catch (error) {
    throw invalid(`asset '${options.key}': ${(error as Error).message}`, location, `Write freshness: ${FRESHNESS_SHAPE}.`);
  }
}

/** Shared by every front end (TypeScript, SQL models, YAML flows): validates options and freezes the definition. */
export function defineAsset(
  options: AssetOptions,
  compute: AssetFn<Record<string, AssetDependency>>,
  extra: { origin: Origin; location?: SourceLocation; code?: string; materialize?: MaterializeSpec },
): AssetDefinition {
  const { location } = extra;
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const label = typeof (options as { key?: unknown })?.key === 'string' ? `asset '${options.key}'` : 'asset()';
    // Zod reports unknown keys with an empty path and the keys in the issue itself.
    const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
    const summary = unknownKeys.length
      ? `${label}: unknown option${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `'${k}'`).join(', ')}`
      : `${label}: option '${issue.path.join('.') || 'options'}' is invalid: ${issue.message}${EXPECTED_SHAPE[String(issue.path[0])] ? ` (expected ${EXPECTED_SHAPE[String(issue.path[0])]})` : ''}`;
    throw invalid(summary, location,
      'Allowed options: key, inputs, deps, partitions, partitionColumn, schemaChange, description, owners, tags, group, kinds, io, checks, retry, runRetry, timeout, codeVersion, metadata, allowEmpty, freshness, automation.');
  }
  if (!isValidAssetKey(options.key)) {
    throw invalid(`asset key '${options.key}' is not valid`, location, 'Use letters, digits and _, optionally with / between parts (e.g. sales/orders).');
  }
  if (typeof compute !== 'function') throw invalid(`asset '${options.key}' has no function`, location, 'Pass the function that computes it as the second argument: asset({ key }, (inputs, ctx) => …).');
  const dependencies = resolveDependencies(options, location);
  const inputs = dependencies.filter((d) => d.input !== undefined).map((d) => ({ name: d.input!, key: d.key, partitions: d.partitions }));
  const isOwnEarlierPartition = (d: AssetDependencyMapping) => d.key === options.key && d.partitions.kind === 'offset' && d.partitions.to < 0;
  const upstream = [...new Set(dependencies.filter((d) => !isOwnEarlierPartition(d)).map((d) => d.key))];
  const checks = options.checks ?? [];
  for (const check of checks) {
    if (brandOf(check) !== 'check') throw invalid(`asset '${options.key}': an entry in checks is not a check`, location, 'Build checks with rowCount(), notNull(), unique(), acceptedValues(), relationships(), noRows(), value(), zScoreOutliers() or check().');
  }
  const names = checks.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw invalid(`asset '${options.key}' has two checks named '${duplicate}'`, location, 'Give each check its own name with { name: … }.');
  let timeoutMs: number | undefined;
  let retry: RetryPolicy;
  let runRetry: RunRetryPolicy | undefined;
  try {
    timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
    retry = resolveRetry(options.retry);
    runRetry = options.runRetry && resolveRunRetry(options.runRetry);
  } catch (error) {
    throw invalid(`asset '${options.key}': ${(error as Error).message}`, location, 'Fix the timeout, retry or runRetry option.');
  }
  const freshness = resolveFreshnessOption(options, location);
  const io = resolveIo(options.key, options.io, location);
  const automation = options.automation;
  if (automation && typeof automation === 'object') {
    checkCronAndZone('cron' in automation ? automation.cron : automation.onCron, automation.timezone, `asset '${options.key}' automation`, location);
  }
  checkPartitionedIo(options, io, location);
  const code = extra.code ?? compute.toString();
  const partitioning = options.partitions
    ? { partitions: options.partitions.signature, column: options.partitionColumn ?? DEFAULT_PARTITION_COLUMN, dependencies }
    : undefined;
  const definition: AssetDefinition = {
    [DEFINITION_BRAND]: 'asset',
    key: options.key,
    inputs,
    upstream,
    dependencies,
    ...(options.partitions ? { partitions: options.partitions } : {}),
    partitionColumn: options.partitionColumn ?? DEFAULT_PARTITION_COLUMN,
    schemaChange: options.schemaChange ?? 'fail',
    description: options.description,
    owners: options.owners ?? [],
    tags: options.tags ?? [],
    group: options.group ?? 'default',
    kinds: options.kinds ?? (io.kind === 'table' ? ['duckdb'] : [io.format === 'raw' ? 'file' : io.format]),
    io,
    checks,
    retry,
    ...(runRetry ? { runRetry } : {}),
    timeoutMs,
    // Partitioning joins the hash only when set, so an unpartitioned asset keeps the code version it had before.
    codeVersion: options.codeVersion ?? hashText(code, JSON.stringify(io), JSON.stringify(inputs.map(({ name, key }) => ({ name, key }))), ...(partitioning ? [JSON.stringify(partitioning)] : [])).slice(0, 16),
    metadata: options.metadata ?? {},
    allowEmpty: options.allowEmpty ?? false,
    ...(freshness ? { freshness } : {}),
    ...(automation ? { automation: Object.freeze(typeof automation === 'object' ? { ...automation } : automation) as AutomationOption } : {}),
    origin: extra.origin,
    location,
    code,
    ...(extra.materialize ? { materialize: Object.freeze({ ...extra.materialize }) } : {}),
    compute,
  };
  return Object.freeze(definition);
}

/**
 * Declares a data asset computed by a function.
 *
 * @example
 * export const revenue = asset(
 *   { key: 'revenue', inputs: { merged }, checks: [value({ sql: 'select sum(revenue) from {{ this }}', equals: 70568.6, tolerance: 0.01 })] },
 *   ({ merged }) => `select product_id, price * total_sales as revenue from ${merged}`,
 * );
 */
export function asset<const I extends Record<string, AssetDependency> = Record<string, never>>(options: AssetOptions<I>, fn: AssetFn<I>): AssetDefinition {
  return defineAsset(options as AssetOptions, fn as AssetFn<Record<string, AssetDependency>>, { origin: 'typescript', location: callerLocation() });
}

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

/** A reference to another asset: its definition object or its key. */
export type AssetRef = string | { readonly key: AssetKey };

export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  max: number;
  /** Delay before the first retry; doubles each time when `backoff` is 'exponential'. */
  delayMs: number;
  backoff: 'fixed' | 'exponential';
}

export type Origin = 'typescript' | 'sql' | 'yaml';

export interface AssetOptions<I extends Record<string, AssetRef> = Record<string, AssetRef>> {
  key: AssetKey;
  /** Upstream assets whose values the function receives, by argument name. */
  inputs?: I;
  /** Upstream assets that must be materialized first, without passing their value. */
  deps?: AssetRef[];
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

export interface AssetInput { name: string; key: AssetKey }

export interface AssetDefinition {
  readonly [DEFINITION_BRAND]: 'asset';
  readonly key: AssetKey;
  readonly inputs: readonly AssetInput[];
  /** Every upstream key: inputs first, then deps. */
  readonly upstream: readonly AssetKey[];
  readonly description?: string;
  readonly owners: readonly string[];
  readonly tags: readonly string[];
  readonly group: string;
  readonly kinds: readonly string[];
  readonly io: IoSpec;
  readonly checks: readonly CheckSpec[];
  readonly retry: RetryPolicy;
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
  readonly compute: AssetFn<Record<string, AssetRef>>;
}

const refSchema = z.union([z.string(), z.object({ key: z.string() }).loose()]);
const optionsSchema = z.strictObject({
  key: z.string(),
  inputs: z.record(z.string(), refSchema).optional(),
  deps: z.array(refSchema).optional(),
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
  io: "'table', { table, schema }, or { path, format?, sheet? }",
  inputs: '{ name: asset or key }',
  deps: 'a list of assets or keys',
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
  compute: AssetFn<Record<string, AssetRef>>,
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
      'Allowed options: key, inputs, deps, description, owners, tags, group, kinds, io, checks, retry, timeout, codeVersion, metadata, allowEmpty, freshness, automation.');
  }
  if (!isValidAssetKey(options.key)) {
    throw invalid(`asset key '${options.key}' is not valid`, location, 'Use letters, digits and _, optionally with / between parts (e.g. sales/orders).');
  }
  if (typeof compute !== 'function') throw invalid(`asset '${options.key}' has no function`, location, 'Pass the function that computes it as the second argument: asset({ key }, (inputs, ctx) => …).');
  const inputs = Object.entries(options.inputs ?? {}).map(([name, ref]) => ({ name, key: refKey(ref) }));
  const upstream = [...new Set([...inputs.map((i) => i.key), ...(options.deps ?? []).map(refKey)])];
  const checks = options.checks ?? [];
  for (const check of checks) {
    if (brandOf(check) !== 'check') throw invalid(`asset '${options.key}': an entry in checks is not a check`, location, 'Build checks with rowCount(), notNull(), unique(), acceptedValues(), relationships(), noRows(), value(), zScoreOutliers() or check().');
  }
  const names = checks.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw invalid(`asset '${options.key}' has two checks named '${duplicate}'`, location, 'Give each check its own name with { name: … }.');
  let timeoutMs: number | undefined;
  let retry: RetryPolicy;
  try {
    timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
    retry = resolveRetry(options.retry);
  } catch (error) {
    throw invalid(`asset '${options.key}': ${(error as Error).message}`, location, 'Fix the timeout or retry option.');
  }
  const freshness = resolveFreshnessOption(options, location);
  const io = resolveIo(options.key, options.io, location);
  const automation = options.automation;
  if (automation && typeof automation === 'object') {
    checkCronAndZone('cron' in automation ? automation.cron : automation.onCron, automation.timezone, `asset '${options.key}' automation`, location);
  }
  const code = extra.code ?? compute.toString();
  const definition: AssetDefinition = {
    [DEFINITION_BRAND]: 'asset',
    key: options.key,
    inputs,
    upstream,
    description: options.description,
    owners: options.owners ?? [],
    tags: options.tags ?? [],
    group: options.group ?? 'default',
    kinds: options.kinds ?? (io.kind === 'table' ? ['duckdb'] : [io.format === 'raw' ? 'file' : io.format]),
    io,
    checks,
    retry,
    timeoutMs,
    codeVersion: options.codeVersion ?? hashText(code, JSON.stringify(io), JSON.stringify(inputs)).slice(0, 16),
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
export function asset<const I extends Record<string, AssetRef> = Record<string, never>>(options: AssetOptions<I>, fn: AssetFn<I>): AssetDefinition {
  return defineAsset(options as AssetOptions, fn as AssetFn<Record<string, AssetRef>>, { origin: 'typescript', location: callerLocation() });
}
